from django import forms
from django.utils.translation import gettext_lazy as _

from klankbord.lib.widgets import IsoDateInput
from klankbord.orgs.models import Organisation, Role, timezone_choices


class OrganisationCreateForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices)

    class Meta:
        model = Organisation
        fields = ["name", "timezone"]


class OrganisationSettingsForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices)

    class Meta:
        model = Organisation
        fields = ["name", "timezone", "require_2fa"]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EDITOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[
            ("", _("All actions")),
            ("organisation", _("Organisation")),
            ("member", _("Members")),
            ("channel", _("Channels")),
            ("settings", _("Settings")),
        ],
    )
    actor = forms.CharField(label=_("Who"), required=False, max_length=254)
    since = forms.DateField(label=_("From"), required=False, widget=IsoDateInput())
    until = forms.DateField(label=_("Until"), required=False, widget=IsoDateInput())
