from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from klankbord.language.understand import resolve_tier
from klankbord.listening.models import Mention
from klankbord.orgs.access import org_view
from klankbord.orgs.models import Membership, Role
from klankbord.understanding import selectors, services
from klankbord.understanding.forms import CheckForm, CorrectionForm, TryForm
from klankbord.understanding.models import Correction

CORRECTIONS_SHOWN = 50
TO_CHECK_SHOWN = 20
LANGUAGE_NAMES = {
    "nl": gettext_lazy("Dutch"),
    "fr": gettext_lazy("French"),
    "en": gettext_lazy("English"),
    "de": gettext_lazy("German"),
    "und": gettext_lazy("undetermined (too short or unsure)"),
}


@org_view(Role.EDITOR)
def language_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = TryForm(request.POST or None)
    context: dict[str, Any] = {"membership": membership, "form": form}
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        reading = services.read(membership.organisation, [text])[0]
        context["reading"] = reading
        context["language_name"] = LANGUAGE_NAMES.get(reading.language, reading.language)
        context["tier"] = resolve_tier()
        context["correction_form"] = CorrectionForm(
            initial={"text": text, "sentiment": reading.sentiment, "intents": reading.intents}
        )
    return _page(request, membership, context, status=422 if form.errors else 200)


def _page(
    request: HttpRequest, membership: Membership, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    organisation = membership.organisation
    context.setdefault("membership", membership)
    context.setdefault("form", TryForm())
    context["status"] = selectors.learning_status(organisation)
    context["corrections"] = selectors.corrections_of(organisation)[:CORRECTIONS_SHOWN]
    to_check = selectors.to_check(organisation)
    context["to_check"] = [(mention, _check_form(mention)) for mention in to_check[:TO_CHECK_SHOWN]]
    context["to_check_count"] = to_check.count() if context["to_check"] else 0
    context["to_check_days"] = selectors.TO_CHECK_DAYS
    context["may_manage"] = membership.has_role(Role.MANAGER)
    return render(request, "understanding/language.html", context, status=status)


@org_view(Role.EDITOR)
@require_POST
def correction_add_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a sentiment; intents are optional."))
        return redirect("language_settings", org_slug=membership.organisation.slug)
    try:
        services.correction_add(
            membership,
            form.cleaned_data["text"],
            sentiment=form.cleaned_data["sentiment"],
            intents=form.cleaned_data["intents"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you. Klankbord learns from this correction."))
    return redirect("language_settings", org_slug=membership.organisation.slug)


def _check_form(mention: Mention) -> CheckForm:
    # One form per mention on the page: ids of its own, so every label points at its field.
    return CheckForm(
        initial={"sentiment": mention.sentiment, "intents": mention.intents},
        auto_id=f"check-{mention.pk}-%s",
    )


@org_view(Role.EDITOR)
@require_POST
def mention_check_view(
    request: HttpRequest, membership: Membership, mention_id: int
) -> HttpResponse:
    mention = Mention.objects.filter(organisation=membership.organisation, pk=mention_id).first()
    if mention is None:
        raise Http404
    form = CheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a sentiment; intents are optional."))
        return redirect("language_settings", org_slug=membership.organisation.slug)
    try:
        services.mention_check(
            membership,
            mention,
            sentiment=form.cleaned_data["sentiment"],
            intents=form.cleaned_data["intents"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you. Klankbord learns from this correction."))
    return redirect(
        reverse("language_settings", kwargs={"org_slug": membership.organisation.slug})
        + "#to-check"
    )


@org_view(Role.EDITOR)
@require_POST
def correction_delete_view(
    request: HttpRequest, membership: Membership, correction_id: int
) -> HttpResponse:
    correction = Correction.objects.filter(
        organisation=membership.organisation, pk=correction_id
    ).first()
    if correction is None:
        raise Http404
    if correction.created_by_id != membership.user_id and not membership.has_role(Role.MANAGER):
        raise PermissionDenied
    services.correction_delete(membership, correction_id)
    messages.success(request, _("Correction removed. It is forgotten at the next retraining."))
    return redirect("language_settings", org_slug=membership.organisation.slug)


@org_view(Role.MANAGER)
@require_POST
def retrain_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    services.retrain_soon(membership)
    messages.success(
        request, _("Retraining has started; it takes a minute. Refresh this page to see it done.")
    )
    return redirect("language_settings", org_slug=membership.organisation.slug)
