"""The instructions sent to the language model: pure functions of the plan, the text and the
thread, so a test can read exactly what goes out. Instructions are in English (what models
follow best); the answer is asked for in the chosen language and form of address."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from klankbord.publishing.counting import NETWORK_TEXT_RULES

LANGUAGES = {
    "nl-BE": "Dutch as written in Flanders (Belgium)",
    "nl-NL": "Dutch as written in the Netherlands",
    "fr-BE": "French as written in Belgium",
    "en": "English",
}
POST_KINDS = (
    "draft", "shorter", "longer", "warmer", "variant", "hashtags", "alt_text",
    "translate_fr", "translate_nl",
)  # fmt: skip
TRANSLATION_TARGETS = {"translate_fr": "fr-BE", "translate_nl": "nl-BE"}
FACTS_RULE = (
    "Never state a fact (a price, a time, an opening hour, a date, an availability, a "
    "service) that is not on the facts sheet. When the customer asks for something the facts "
    "sheet does not say, do not guess: say that you will find out and come back to them."
)
TASKS = {
    "draft": "Write a social media post from these few words of the author:",
    "shorter": "Make this post shorter, keeping what matters most:",
    "longer": "Make this post a little longer and richer, without inventing facts:",
    "warmer": "Make this post warmer and more personal, without inventing facts:",
    "variant": "Rewrite this post so it suits {network} (its style and its limits):",
    "hashtags": "Suggest at most five fitting hashtags for this post, on one line:",
    "alt_text": (
        "Describe the attached image for people who cannot see it (alt text), in one or two "
        "sentences. The post it goes with:"
    ),
    "translate_fr": "Translate this post into {language}, keeping its tone and meaning:",
    "translate_nl": "Translate this post into {language}, keeping its tone and meaning:",
}


@dataclass(frozen=True)
class Voice:
    """What the plan says about how the organisation sounds."""

    organisation: str
    formal: bool = False
    desired_image: str = ""
    avoid: str = ""
    pillars: Sequence[dict[str, Any]] = ()
    donts: Sequence[str] = ()  # from the staff policy: what is never shared
    dos: Sequence[str] = ()  # from the staff policy: how the business writes and answers


@dataclass(frozen=True)
class Facts:
    opening_hours: str = ""
    address: str = ""
    services: str = ""
    prices: str = ""
    other: str = ""

    def lines(self) -> list[str]:
        named = [
            ("Opening hours", self.opening_hours),
            ("Address", self.address),
            ("Services", self.services),
            ("Prices", self.prices),
            ("Other facts", self.other),
        ]
        return [f"{name}: {value.strip()}" for name, value in named if value.strip()]


@dataclass(frozen=True)
class ThreadLine:
    author: str
    text: str
    ours: bool = False


@dataclass(frozen=True)
class Request:
    kind: str
    language: str
    text: str
    network: str = ""
    pillar: str = ""
    image_url: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def address_rule(language: str, formal: bool) -> str:
    if language.startswith("nl"):
        return (
            'Address the reader as "u" (formal), never "je" or "jij".'
            if formal
            else 'Address the reader as "je" (informal, friendly), never "u".'
        )
    if language.startswith("fr"):
        return (
            'Address the reader as "vous", never "tu".'
            if formal
            else 'Address the reader as "tu" (informal, friendly), never "vous".'
        )
    return "Address the reader formally." if formal else "Address the reader in a friendly way."


def network_rule(network: str) -> str:
    rule = NETWORK_TEXT_RULES.get(network)
    if rule is None or not rule.limit:
        return ""
    text = f"The post is for {rule.label}: at most {rule.limit} characters."
    if rule.max_hashtags is not None:
        text += f" At most {rule.max_hashtags} hashtags."
    return text


def voice_lines(voice: Voice, language: str) -> list[str]:
    lines = [
        f"You help {voice.organisation}, a small business, write for social media.",
        f"Write in {LANGUAGES[language]}. {address_rule(language, voice.formal)}",
    ]
    if voice.desired_image.strip():
        lines.append(f"How the business wants to be seen: {voice.desired_image.strip()}")
    if voice.avoid.strip():
        lines.append(f"Never write about: {voice.avoid.strip()}")
    if voice.donts:
        lines.append("Never share: " + "; ".join(d.strip() for d in voice.donts if d.strip()))
    lines.extend(f"Always: {rule}" for rule in voice.dos)
    lines.append("Do not invent facts, prices, dates or promises. Answer with the text only.")
    return lines


def pillar_line(voice: Voice, pillar: str) -> str:
    for found in voice.pillars:
        if found.get("name") == pillar:
            examples = str(found.get("examples") or "").strip()
            return f"Content pillar: {pillar}." + (f" Examples: {examples}" if examples else "")
    return f"Content pillar: {pillar}." if pillar else ""


def post_messages(request: Request, voice: Voice) -> list[dict[str, Any]]:
    """The messages for a post suggestion of `request.kind`."""
    if request.kind not in POST_KINDS:
        raise ValueError(f"unknown kind {request.kind!r}")
    language = TRANSLATION_TARGETS.get(request.kind, request.language)
    system = voice_lines(voice, language)
    system += [
        line for line in (network_rule(request.network), pillar_line(voice, request.pillar)) if line
    ]
    task = TASKS[request.kind].format(
        network=NETWORK_TEXT_RULES[request.network].label
        if request.network in NETWORK_TEXT_RULES
        else "the network",
        language=LANGUAGES[language],
    )
    user: Any = f"{task}\n\n{request.text.strip()}"
    if request.kind == "alt_text" and request.image_url:
        user = [
            {"type": "text", "text": user},
            {"type": "image_url", "image_url": {"url": request.image_url}},
        ]
    return [{"role": "system", "content": "\n".join(system)}, {"role": "user", "content": user}]


def answer_messages(
    *,
    voice: Voice,
    language: str,
    thread: Sequence[ThreadLine],
    facts: Facts,
    saved_replies: Sequence[str] = (),
    network: str = "",
) -> list[dict[str, Any]]:
    """The messages for a suggested answer to a customer, in the customer's language."""
    system = voice_lines(voice, language)
    system.append("You write the answer to a customer, on behalf of the business.")
    system.append(FACTS_RULE)
    facts_lines = facts.lines()
    system.append(
        "Facts sheet:\n" + "\n".join(facts_lines) if facts_lines else "Facts sheet: (empty)"
    )
    if saved_replies:
        system.append(
            "Saved replies of the business (reuse their wording where they fit):\n"
            + "\n---\n".join(saved_replies)
        )
    if network_rule(network):
        system.append(network_rule(network).replace("The post", "The answer"))
    conversation = "\n".join(
        f"{'Us' if line.ours else 'Customer'} ({line.author}): {line.text.strip()}"
        for line in thread
    )
    user = f"The conversation, oldest first:\n{conversation}\n\nWrite our answer."
    return [{"role": "system", "content": "\n\n".join(system)}, {"role": "user", "content": user}]
