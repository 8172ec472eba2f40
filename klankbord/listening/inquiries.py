"""A customer who asks the business itself whether they can buy, order or book is a lead.

Read on its own, "Hebben jullie morgen nog een taart voor 12 personen?" is a question (the
labelling guidelines keep leads for people still choosing whom to buy from). Sent to the business
as a private message, the same words are a sale waiting to be made, and the inbox treats them so.
"""

import re
from dataclasses import replace

from klankbord.language.understand import Reading

# Direct messages: the customer writes to the business, not about it.
PRIVATE_KINDS = frozenset({"message"})

_CUES = [
    # Dutch: ordering, booking, prices, availability, "hebben jullie nog …", "voor 12 personen".
    r"bestel\w*",
    r"reserv\w*",
    r"afspraak",
    r"offerte",
    r"prijs|prijzen|tarie[fv]\w*",
    r"wat kost\w*|hoeveel kost\w*",
    r"beschikbaar",
    r"(?:hebben|heb|hebt|heeft) (?:jullie|je|u|ge|gij)\b.*\bnog\b",
    r"(?:is|zijn) er (?:nog|morgen|vandaag)",
    r"nog (?:plaats|plek|een tafel)",
    r"(?:kan|kunnen|mag) (?:ik|we|wij|k)\b.*\b(?:halen|ophalen|kopen|komen|langskomen|boeken)\b",
    r"(?:verkopen|maken|leveren|doen) (?:jullie|je|u|ge)\b",
    r"lever\w*",
    r"voor \d+ (?:personen|pers|mensen)",
    # French and English, for the customers who write in them.
    r"command\w*|réserv\w*|reserv\w*|rendez-vous|devis|prix|combien|disponibles?",
    r"vous (?:avez|faites|vendez|livrez)",
    r"\border\b|\bbook(?:ing)?\b|appointment|quote|price|how much|available",
    r"do you (?:have|sell|make|deliver)",
]
PURCHASE = re.compile(r"\b(?:" + "|".join(_CUES) + r")", re.IGNORECASE)


def is_purchase_inquiry(text: str) -> bool:
    return bool(PURCHASE.search(text))


def as_inquiry(reading: Reading, kind: str, text: str) -> Reading:
    """A question in a private message about buying, ordering or booking is also a lead."""
    if kind not in PRIVATE_KINDS or "question" not in reading.intents:
        return reading
    if "lead" in reading.intents or not is_purchase_inquiry(text):
        return reading
    order = ("question", "lead", "complaint", "praise")
    intents = [i for i in order if i in {*reading.intents, "lead"}]
    return replace(reading, intents=intents)
