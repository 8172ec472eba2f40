from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone

from klankbord.assistant import prompts
from klankbord.assistant.models import Connection, FactsSheet, Usage
from klankbord.orgs.models import Organisation
from klankbord.strategy import policy_texts
from klankbord.strategy import vocabulary as v
from klankbord.strategy.models import StaffPolicy
from klankbord.strategy.policy import DEFAULT_CHOICES, tone_of
from klankbord.strategy.selectors import plan_of


def allow_local() -> bool:
    """A model on this same machine (loopback) is allowed only when the installation says so."""
    return bool(settings.KLANKBORD_ASSISTANT_ALLOW_LOCAL or settings.KLANKBORD_ALLOW_LOOPBACK_URLS)


def connection_of(organisation: Organisation) -> Connection | None:
    return Connection.objects.filter(organisation=organisation).first()


def is_on(organisation: Organisation) -> bool:
    connection = connection_of(organisation)
    return connection is not None and connection.ready


def this_month() -> date:
    return timezone.localdate().replace(day=1)


def usage_of(organisation: Organisation) -> Usage:
    found = Usage.objects.filter(organisation=organisation, month=this_month()).first()
    return found or Usage(organisation=organisation, month=this_month())


def facts_of(organisation: Organisation) -> FactsSheet:
    found = FactsSheet.objects.filter(organisation=organisation).first()
    return found or FactsSheet(organisation=organisation)


def facts_for_prompt(organisation: Organisation) -> prompts.Facts:
    sheet = facts_of(organisation)
    return prompts.Facts(
        opening_hours=sheet.opening_hours,
        address=sheet.address,
        services=sheet.services,
        prices=sheet.prices,
        other=sheet.other,
    )


def voice_of(organisation: Organisation, language: str) -> prompts.Voice:
    """The plan's tone and pillars, and the staff policy's "never share" list and do's."""
    plan = plan_of(organisation)
    positioning = (plan.positioning if plan else {}) or {}
    content = (plan.content if plan else {}) or {}
    tone = tone_of(positioning)
    short = language[:2] if language[:2] in policy_texts.TEXTS else "en"
    words = policy_texts.TEXTS[short][tone]
    staff = StaffPolicy.objects.filter(organisation=organisation, language=short).first()
    chosen = (staff.choices if staff else {}) or {}
    donts = [
        words["conf_" + key]
        for key in v.POLICY_CONFIDENTIAL
        if key in (chosen.get("confidential") or [])
    ]
    donts += [
        line.strip().lstrip("-*• ").strip()
        for line in str(chosen.get("confidential_other") or "").splitlines()
        if line.strip()
    ]
    return prompts.Voice(
        organisation=organisation.name,
        formal=tone == "formal",
        desired_image=str(positioning.get("desired_image") or ""),
        avoid=str(positioning.get("avoid") or ""),
        pillars=[p for p in content.get("pillars") or [] if isinstance(p, dict)],
        donts=donts,
        dos=policy_dos({**DEFAULT_CHOICES, **chosen}) if staff else (),
    )


# The staff policy's rules for what the business itself writes, as instructions to the model.
PRIVACY_DO = (
    "in a public answer, never ask for names, addresses, order numbers or other personal details; "
    "offer to take it further by private message, e-mail or phone."
)
CALM_DO = "answer criticism calmly and kindly; do not argue and never promise to delete anything."
PHOTO_DOS = {
    "consent": "name or show customers and colleagues only when they agreed to it.",
    "never": "never name or describe recognisable customers or colleagues.",
}


def policy_dos(chosen: dict[str, Any]) -> list[str]:
    """The do's of an organisation's staff policy that apply to its own posts and answers."""
    photos = PHOTO_DOS.get(str(chosen.get("photos")))
    return [PRIVACY_DO, CALM_DO, *([photos] if photos else [])]


def default_language(organisation: Organisation) -> str:
    return "nl-NL" if organisation.timezone == "Europe/Amsterdam" else "nl-BE"


def customer_language(mention_language: str, organisation: Organisation) -> str:
    """The customer's language as far as it is known; else the organisation's Dutch."""
    if mention_language.startswith("fr"):
        return "fr-BE"
    if mention_language.startswith("en"):
        return "en"
    return default_language(organisation)
