"""The staff social media policy: a draft in Dutch, French or English from the plan (its tone, who
posts and answers, the channels, topics to avoid) and the organisation's choices.

The draft is Markdown-light: "# " title, "## " sections, "- " bullets, blank-line paragraphs and
**bold**, as lib.pdf reads it.
"""

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from klankbord.inbox.services import inbox_settings
from klankbord.lib.pdf import Heading, blocks_from_markdown, document_pdf
from klankbord.orgs.models import Organisation
from klankbord.strategy import texts
from klankbord.strategy import vocabulary as v
from klankbord.strategy.models import StaffPolicy
from klankbord.strategy.policy_texts import TEXTS, Texts
from klankbord.strategy.rules import Steps

DEFAULT_CHOICES: dict[str, Any] = {
    "employer": "disclaimer",
    "sharing": "encouraged",
    "confidential": list(v.POLICY_CONFIDENTIAL),
    "confidential_other": "",
    "photos": "consent",
    "private_use": "breaks",
    "contact": "",
}
FILE_NAMES = {
    "nl": "sociale-media-afspraken",
    "fr": "charte-reseaux-sociaux",
    "en": "social-media-guidelines",
}
# A French "de" before these becomes "d'": "l'équipe d'Atelier Jan".
FRENCH_ELISION = tuple("aeiouyàâäéèêëîïôöùûüAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜ")


def tone_of(positioning: Mapping[str, Any]) -> str:
    """Staff are addressed as the plan addresses customers: "je" or "u", else by the register."""
    address = positioning.get("address")
    if address in v.ADDRESS:
        return "formal" if address == "u" else "informal"
    return "formal" if positioning.get("register") == "formal" else "informal"


def policy_draft(
    *, organisation: Organisation, plan_steps: Steps, choices: dict[str, Any], language: str
) -> str:
    positioning = plan_steps.get("positioning") or {}
    words = TEXTS[language][tone_of(positioning)]
    chosen = {**DEFAULT_CHOICES, **choices}
    values = _values(words, organisation, plan_steps, chosen)
    blocks = [
        words["title"],
        words["intro"],
        *_who(words, values),
        words["employer_heading"],
        words["employer_" + chosen["employer"]],
        words["share_heading"],
        words["share_" + chosen["sharing"]],
        *_confidential(words, chosen),
        *([words["avoid_heading"], words["avoid"]] if values["avoid"] else []),
        words["photos_heading"],
        words["photos_" + chosen["photos"]],
        words["private_heading"],
        words["private_" + chosen["private_use"]],
        *_negative(words),
        words["privacy_heading"],
        words["privacy"],
        words["harassment_heading"],
        words["harassment"],
        words["questions_heading"],
        words["questions"],
        words["closing"],
    ]
    return "\n\n".join(block.format_map(values) for block in blocks) + "\n"


def _values(
    words: Texts, organisation: Organisation, steps: Steps, chosen: dict[str, Any]
) -> dict[str, str]:
    rhythm = steps.get("rhythm") or {}
    org = _inline(organisation.name)
    de_org = _french_de(org)
    who_answers = _inline(rhythm.get("who_answers") or "")
    answerer = who_answers or words["answerer_fallback"]
    names = [texts.NETWORKS[n] for n in (steps.get("channels") or {}).get("networks") or []]
    channels = _listed(names, words["and"]) or words["channels_fallback"].format(
        org=org, de_org=de_org
    )
    # The timezone tells the country, as for the plan's reach figures.
    country = "nl" if organisation.timezone == "Europe/Amsterdam" else "be"
    return {
        "org": org,
        "de_org": de_org,
        "who_posts": _inline(rhythm.get("who_posts") or ""),
        "who_answers": who_answers,
        "answerer": answerer,
        "poster": _inline(rhythm.get("who_posts") or "") or words["poster_fallback"],
        "contact": _inline(chosen.get("contact") or "") or answerer,
        "channels": channels,
        "target": duration(inbox_settings(organisation).target_minutes, words),
        "avoid": _inline((steps.get("positioning") or {}).get("avoid") or "").rstrip(".;"),
        "privacy_law": words["privacy_law_" + country],
    }


def _who(words: Texts, values: dict[str, str]) -> list[str]:
    posts = words["posts_named"] if values["who_posts"] else words["posts_unnamed"]
    answers = words["answers_named"] if values["who_answers"] else words["answers_unnamed"]
    return [words["who_heading"], "\n".join([posts, answers, words["others"]])]


def _confidential(words: Texts, chosen: dict[str, Any]) -> list[str]:
    items = [words["conf_" + key] for key in v.POLICY_CONFIDENTIAL if key in chosen["confidential"]]
    # What the organisation adds itself, one item a line; braces would read as placeholders.
    own = [_inline(line).replace("{", "{{").replace("}", "}}") for line in _lines(chosen)]
    listed = [f"- {item}" for item in items + own]
    if not listed:
        return [words["confidential_heading"], words["confidential_intro_none"]]
    return [
        words["confidential_heading"],
        words["confidential_intro"] + "\n\n" + "\n".join(listed),
        words["confidential_after"],
    ]


def _lines(chosen: dict[str, Any]) -> list[str]:
    text = chosen.get("confidential_other") or ""
    return [line.strip().lstrip("-*• ").strip() for line in text.splitlines() if line.strip()]


def _negative(words: Texts) -> list[str]:
    steps = ("negative_dont_answer", "negative_forward", "negative_keep", "negative_no_discussion")
    return [
        words["negative_heading"],
        words["negative_intro"],
        "\n".join(words[key] for key in steps),
        words["crisis"],
    ]


def duration(minutes: int, words: Texts) -> str:
    """120 → "2 uur", 90 → "1 uur en 30 minuten", 30 → "30 minuten"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return words["minutes"].format(n=minutes)
    whole = words["hour"] if hours == 1 else words["hours"].format(n=hours)
    return f"{whole} {words['and']} {words['minutes'].format(n=rest)}" if rest else whole


def _listed(names: list[str], and_: str) -> str:
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {and_} {names[-1]}"


def _inline(text: str) -> str:
    """A free-text answer on one line, so it cannot start a heading or a bullet of its own."""
    return " ".join(text.split())


def _french_de(name: str) -> str:
    return f"d'{name}" if name.startswith(FRENCH_ELISION) else f"de {name}"


def is_edited(policy: StaffPolicy) -> bool:
    """The text was changed by hand since its draft was generated (or written without one)."""
    if not policy.text:
        return False
    return policy.generated_at is None or policy.updated_at > policy.generated_at


def file_name(policy: StaffPolicy, extension: str) -> str:
    return f"{FILE_NAMES[policy.language]}-{policy.organisation.slug}.{extension}"


def policy_pdf(policy: StaffPolicy) -> bytes:
    """The text as an A4 document; its "# " title becomes the document's title."""
    blocks = blocks_from_markdown(policy.text)
    title = policy.organisation.name
    if blocks and isinstance(blocks[0], Heading) and blocks[0].level == 1:
        title, blocks = blocks[0].text, blocks[1:]
    changed = timezone.localtime(policy.updated_at).strftime("%d/%m/%Y")
    return document_pdf(
        title=title,
        blocks=blocks,
        footer=f"{policy.organisation.name} · {changed}",
        language=policy.language,
    )
