from django import forms
from django.utils.translation import gettext_lazy as _


class ReportSubscriptionForm(forms.Form):
    monthly = forms.BooleanField(
        label=_("Monthly results report by e-mail"),
        required=False,
        help_text=_(
            "On the first of the month: last month's posts and reactions, the best posts and the "
            "KPIs of the plan, with the report as PDF."
        ),
    )
