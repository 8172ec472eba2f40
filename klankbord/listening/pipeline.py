"""The mention pipeline: a named list of small steps over one batch of incoming items.

Each step works on the items still alive and may drop an item with a reason from `Reason`;
every drop is counted per source and day (`Drop`), so nothing disappears unexplained. The last
step stores what is left. The caller runs the whole pipeline inside the transaction that also
advances the source's cursor: a batch is stored completely or not at all.
"""

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from klankbord.language.detect import detect_languages
from klankbord.language.places import find_places
from klankbord.language.understand import Reading
from klankbord.lib.bulk import insert_all
from klankbord.lib.links import safe_url
from klankbord.lib.text import LINK
from klankbord.listening import cleaning, fingerprint
from klankbord.listening.inquiries import as_inquiry
from klankbord.listening.models import (
    BlockedAuthor,
    Drop,
    ListeningSettings,
    Mention,
    Monitor,
    Source,
)
from klankbord.listening.privacy import bare, pseudonym
from klankbord.listening.query import MentionText, Query, QueryError, parse
from klankbord.understanding.services import read

NEAR_DUPLICATE_WINDOW = timedelta(days=7)
MAX_LINKS = 4  # more links than this in a short post is what link spam looks like
MAX_HASHTAGS = 12
SPAM_WORDS = re.compile(
    r"\b(casino|viagra|crypto ?giveaway|free followers|gratis volgers|onlyfans|"
    r"bitcoin doubler|forex signals)\b",
    re.IGNORECASE,
)


class Reason(StrEnum):
    EMPTY = "empty"
    DUPLICATE = "duplicate"
    NEAR_DUPLICATE = "near_duplicate"
    OWN_POST = "own_post"
    BLOCKED_AUTHOR = "blocked_author"
    SPAM = "spam"
    NO_MONITOR = "no_monitor"


@dataclass
class Item:
    """One incoming mention, as a source delivered it, plus what the steps learn about it."""

    network: str
    remote_id: str
    text: str
    url: str = ""
    author_handle: str = ""
    author_name: str = ""
    title: str = ""
    published_at: datetime | None = None
    kind: str = "mention"
    in_reply_to: str = ""  # the network id of the post this answers, if any
    reach: int = 0
    rating: int | None = None  # a review's stars, 1-5
    is_html: bool = False
    key: str = ""
    canonical_url: str = ""
    simhash: int = 0
    monitors: list[Monitor] = field(default_factory=list)
    reading: Reading | None = None
    priority: int = 0
    dropped: str = ""
    found: tuple[str, list[Any]] | None = None  # language and places, once found


@dataclass
class Batch:
    source: Source
    items: list[Item]
    monitors: list[tuple[Monitor, Query]] = field(default_factory=list)
    drops: Counter[str] = field(default_factory=Counter)
    stored: list[Mention] = field(default_factory=list)
    pseudonymise: bool = False

    @property
    def organisation_id(self) -> int:
        return self.source.organisation_id

    def alive(self) -> list[Item]:
        return [item for item in self.items if not item.dropped]

    def drop(self, item: Item, reason: Reason) -> None:
        item.dropped = reason
        self.drops[reason] += 1


def normalise(batch: Batch) -> None:
    for item in batch.alive():
        item.text = cleaning.clean_text(item.text, is_html=item.is_html)
        item.title = cleaning.clean_text(item.title)[:500]
        item.author_handle = item.author_handle.strip()[:300]
        item.author_name = cleaning.clean_text(item.author_name)[:300]
        if not item.text and not item.title:
            batch.drop(item, Reason.EMPTY)
            continue
        item.key = fingerprint.exact_key(item.network, item.remote_id)
        item.url = safe_url(item.url)  # whatever the source, a javascript: link is not kept
        item.canonical_url = fingerprint.canonical_url(item.url) if item.url else ""
    alive = batch.alive()
    hashes = fingerprint.simhashes([f"{item.title} {item.text}" for item in alive])
    for item, simhash in zip(alive, hashes, strict=True):
        item.simhash = simhash


def drop_duplicates(batch: Batch) -> None:
    """The same network id again: in this batch, or already stored."""
    alive = batch.alive()
    stored = set(
        Mention.objects.filter(
            organisation_id=batch.organisation_id, key__in=[item.key for item in alive]
        )
        .order_by()
        .values_list("key", flat=True)
    )
    seen: set[str] = set()
    for item in alive:
        if item.key in stored or item.key in seen:
            batch.drop(item, Reason.DUPLICATE)
        seen.add(item.key)


# Someone talking to us: two people may well write the same few words, and each needs an answer.
CONVERSATION_KINDS = frozenset({"message", "reply", "review"})


def drop_near_duplicates(batch: Batch) -> None:
    """The same article via two feeds, or the same text reposted: keep the first one.

    A direct message or a reply to our post is only compared by its address, not by its text.
    """
    alive = batch.alive()
    urls = {item.canonical_url for item in alive if item.canonical_url}
    # By URL alone, so the URL index is used (given the organisation too, SQLite may read all
    # of its mentions); other organisations' rows with the same URL are left out here.
    known_urls = {
        url
        for organisation_id, url in Mention.objects.filter(canonical_url__in=urls)
        .order_by()
        .values_list("organisation_id", "canonical_url")
        if organisation_id == batch.organisation_id
    }
    compared = [item.simhash for item in alive if item.kind not in CONVERSATION_KINDS]
    stored = _near_stored(batch.organisation_id, compared)
    seen = BandIndex()  # this batch's own items, for copies within the batch
    for item in alive:
        same_url = item.canonical_url and item.canonical_url in known_urls
        talking_to_us = item.kind in CONVERSATION_KINDS
        same_text = not talking_to_us and (
            item.simhash in stored or seen.has_near_duplicate(item.simhash)
        )
        if same_url or same_text:
            batch.drop(item, Reason.NEAR_DUPLICATE)
            continue
        if not talking_to_us:
            seen.add(item.simhash)
        if item.canonical_url:
            known_urls.add(item.canonical_url)


class BandIndex:
    """SimHashes by band: a near-duplicate shares at least one band, so only those are compared."""

    def __init__(self, hashes: Sequence[int] = ()) -> None:
        self.by_band: dict[tuple[int, int], list[int]] = {}
        for value in hashes:
            self.add(value)

    def add(self, value: int) -> None:
        for position, band in enumerate(fingerprint.bands(value)):
            self.by_band.setdefault((position, band), []).append(value)

    def has_near_duplicate(self, value: int) -> bool:
        return any(
            fingerprint.is_near_duplicate(value, other)
            for position, band in enumerate(fingerprint.bands(value))
            for other in self.by_band.get((position, band), ())
        )


def _near_stored(organisation_id: int, hashes: Sequence[int]) -> set[int]:
    """Those of `hashes` with a near-duplicate stored in the last week.

    Per band, the stored hashes with an equal band are compared only with the hashes of this
    batch that have that band value: no index of all candidates is built in Python.
    """
    if not hashes:
        return set()
    since = timezone.now() - NEAR_DUPLICATE_WINDOW
    near: set[int] = set()
    for position in range(4):
        by_band: dict[int, list[int]] = {}
        for value in hashes:
            by_band.setdefault(fingerprint.bands(value)[position], []).append(value)
        query = Mention.objects.filter(
            organisation_id=organisation_id,
            fetched_at__gte=since,
            **{f"band{position}__in": list(by_band)},
        ).order_by()
        rows = _on_band_index(query.values_list(f"band{position}", "simhash"), position)
        for band, stored in rows:
            stored = fingerprint.from_signed(stored)
            near.update(h for h in by_band[band] if fingerprint.is_near_duplicate(h, stored))
    return near


def _on_band_index(query: Any, position: int) -> list[tuple[Any, ...]]:
    """The query's rows, read through the (organisation, band) index.

    Without fresh statistics SQLite reads all of an organisation's mentions through the
    (organisation, date) index instead, which gets slower with every mention stored.
    """
    if connection.vendor != "sqlite":
        return list(query)
    fields = ["organisation", f"band{position}"]
    index = next(index for index in Mention._meta.indexes if index.fields[:2] == fields)
    sql, params = query.query.sql_with_params()
    table = f'FROM "{Mention._meta.db_table}"'
    sql = sql.replace(table, f'{table} INDEXED BY "{index.name}"', 1)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def drop_own_posts(batch: Batch) -> None:
    own = own_accounts(batch.organisation_id)
    for item in batch.alive():
        if (item.network, bare(item.author_handle)) in own:
            batch.drop(item, Reason.OWN_POST)


def own_accounts(organisation_id: int) -> set[tuple[str, str]]:
    """(network, handle) of the organisation's connected accounts."""
    from klankbord.channels.models import Channel

    own = set()
    for network, handle in Channel.objects.filter(organisation_id=organisation_id).values_list(
        "network", "handle"
    ):
        handle = bare(handle)
        own.add((network, handle))
        if network == "mastodon" and "@" in handle:
            # The server writes its own users without the domain.
            own.add((network, handle.split("@", 1)[0]))
    return own


def drop_blocked_and_spam(batch: Batch) -> None:
    blocked = {
        bare(handle)
        for handle in BlockedAuthor.objects.filter(
            organisation_id=batch.organisation_id
        ).values_list("handle", flat=True)
    }
    for item in batch.alive():
        handle = item.author_handle
        # Erased authors are remembered only by their pseudonym.
        if handle and (
            bare(handle) in blocked or pseudonym(batch.organisation_id, handle) in blocked
        ):
            batch.drop(item, Reason.BLOCKED_AUTHOR)
        elif looks_like_spam(item.text):
            batch.drop(item, Reason.SPAM)


def looks_like_spam(text: str) -> bool:
    return (
        len(LINK.findall(text)) > MAX_LINKS
        or text.count("#") > MAX_HASHTAGS
        or SPAM_WORDS.search(text) is not None
    )


def match_monitors(batch: Batch) -> None:
    alive = batch.alive()
    texts = [f"{item.title}\n{item.text}" for item in alive]
    languages = detect_languages(texts)
    for item, text, (language, _confidence) in zip(alive, texts, languages, strict=True):
        # Found once here; the understand step reuses them.
        item.found = (language, find_places(text))
        prepared = MentionText.of(
            text,
            language=item.found[0],
            places=[(place.lat, place.lon) for place in item.found[1]],
        )
        item.monitors = [monitor for monitor, query in batch.monitors if query.matches(prepared)]
        if not item.monitors and not batch.source.keeps_everything:
            batch.drop(item, Reason.NO_MONITOR)


def understand(batch: Batch) -> None:
    """Language, sentiment, intents and places, with the organisation's own heads."""
    alive = batch.alive()
    tier = getattr(settings, "KLANKBORD_LISTENING_TIER", "auto")
    texts = [f"{i.title}\n{i.text}" for i in alive]
    found = [i.found for i in alive if i.found is not None]
    known = found if len(found) == len(alive) else None
    readings = read(batch.source.organisation, texts, tier, known=known)
    for item, reading in zip(alive, readings, strict=True):
        item.reading = as_inquiry(rated(reading, item.rating), item.kind, item.text)


def rated(reading: Reading, rating: int | None) -> Reading:
    """A review's stars say how the customer feels, whatever the words: 1-2 stars are negative;
    4-5 positive unless the words say otherwise. Intents (a complaint about waiting) stay read."""
    if rating is None:
        return reading
    if rating <= 2:
        return replace(
            reading,
            sentiment="negative",
            sentiment_score=min(reading.sentiment_score, -0.5),
            **_sure_of_sentiment(reading),
        )
    if rating >= 4 and reading.sentiment != "negative":
        return replace(
            reading,
            sentiment="positive",
            sentiment_score=max(reading.sentiment_score, 0.5),
            **_sure_of_sentiment(reading),
        )
    return reading


def _sure_of_sentiment(reading: Reading) -> dict[str, Any]:
    """The stars decided the sentiment, so the reading is taken as sure."""
    if not hasattr(reading, "confidence"):
        return {}
    return {"confidence": 1.0, "uncertain": False}


def set_priority(batch: Batch) -> None:
    for item in batch.alive():
        item.priority = priority(item.reading, item.reach, item.rating)


def priority(reading: Reading | None, reach: int, rating: int | None = None) -> int:
    """0-10: negative, complaints, leads and questions first, then by how many may see it.

    A review of 1 or 2 stars is urgent whatever it says: it is on the business's own profile."""
    if rating is not None and rating <= 2:
        return 10
    if reading is None:
        return 0
    score = 3 if reading.sentiment == "negative" else 0
    score += 3 if "complaint" in reading.intents else 0
    score += 3 if "lead" in reading.intents else 0
    score += 1 if "question" in reading.intents else 0
    score += min(3, int(math.log10(reach + 1)))
    return min(10, score)


def store(batch: Batch) -> None:
    """One INSERT for the batch; if a racing worker stored one of them first, one by one."""
    alive = batch.alive()
    now = timezone.now()
    mentions: list[Mention | None] = [_mention(batch, item, now) for item in alive]
    try:
        with transaction.atomic():  # a savepoint, so the fallback below can still write
            insert_all(mentions)  # type: ignore[arg-type]
        batch.stored.extend(mentions)  # type: ignore[arg-type]
    except IntegrityError:
        mentions = _store_one_by_one(batch, alive)
    _link_monitors(alive, mentions)


def _store_one_by_one(batch: Batch, items: list[Item]) -> list[Mention | None]:
    stored: list[Mention | None] = []
    now = timezone.now()
    for item in items:
        mention = _mention(batch, item, now)
        try:
            with transaction.atomic():
                mention.save()
        except IntegrityError:
            batch.drop(item, Reason.DUPLICATE)
            stored.append(None)
            continue
        batch.stored.append(mention)
        stored.append(mention)
    return stored


def _link_monitors(items: list[Item], mentions: Sequence[Mention | None]) -> None:
    link = Mention.monitors.through
    links = [
        link(mention_id=mention.pk, monitor_id=monitor.pk)
        for item, mention in zip(items, mentions, strict=True)
        if mention is not None
        for monitor in item.monitors
    ]
    insert_all(links)


# Positional arguments take Django's fast path: a third of the time of keywords per mention.
MENTION_COLUMNS = [field.attname for field in Mention._meta.concrete_fields]


def _mention(batch: Batch, item: Item, fetched_at: datetime) -> Mention:
    reading = item.reading
    bands = fingerprint.bands(item.simhash)
    if batch.pseudonymise:
        item.author_handle = pseudonym(batch.organisation_id, item.author_handle or "?")
        item.author_name = ""
    values = dict(
        id=None,
        organisation_id=batch.organisation_id,
        source_id=batch.source.pk,
        fetched_at=fetched_at,
        network=item.network,
        remote_id=item.remote_id[:500],
        key=item.key,
        url=item.url[:2000],
        canonical_url=item.canonical_url[:2000],
        author_handle=item.author_handle,
        author_name=item.author_name,
        title=item.title,
        text=item.text,
        kind=item.kind,
        in_reply_to=item.in_reply_to[:500] or None,
        published_at=item.published_at or fetched_at,
        language=reading.language if reading else "und",
        sentiment=reading.sentiment if reading else "neutral",
        sentiment_score=reading.sentiment_score if reading else 0.0,
        intents=reading.intents if reading else [],
        places=reading.places if reading else [],
        # getattr: readings from models of before confidence count as sure.
        reading_confidence=getattr(reading, "confidence", 1.0),
        uncertain=getattr(reading, "uncertain", False),
        reach=item.reach,
        rating=item.rating,
        priority=item.priority,
        simhash=fingerprint.to_signed(item.simhash),
        band0=bands[0],
        band1=bands[1],
        band2=bands[2],
        band3=bands[3],
    )
    mention = Mention(*[values[name] for name in MENTION_COLUMNS])
    mention.source = batch.source  # cached, as the inbox reads it for every stored mention
    return mention


STEPS: list[tuple[str, Callable[[Batch], None]]] = [
    ("normalise", normalise),
    ("drop duplicates", drop_duplicates),
    ("drop near-duplicates", drop_near_duplicates),
    ("drop own posts", drop_own_posts),
    ("drop blocked authors and spam", drop_blocked_and_spam),
    ("match monitors", match_monitors),
    ("understand", understand),
    ("priority", set_priority),
    ("store", store),
]


def active_monitors(source: Source) -> list[tuple[Monitor, Query]]:
    """The organisation's monitors that read this source, parsed once per batch."""
    parsed = []
    for monitor in Monitor.objects.filter(
        organisation_id=source.organisation_id, active=True
    ).prefetch_related("sources"):
        chosen = {s.pk for s in monitor.sources.all()}
        if chosen and source.pk not in chosen:
            continue
        try:
            parsed.append((monitor, parse(monitor.query)))
        except QueryError:
            continue  # the editor refuses bad queries; an old one that broke matches nothing
    return parsed


# Sent with source= and mentions= inside the transaction that stored them (the inbox listens).
mentions_stored = Signal()


def run(source: Source, items: list[Item]) -> Batch:
    """Every step over the batch; call inside the transaction that advances the cursor."""
    return keep(prepare(source, items))


def prepare(source: Source, items: list[Item]) -> Batch:
    """Every step but storing: only reads, so it may run outside a transaction."""
    batch = Batch(source=source, items=items, monitors=active_monitors(source))
    batch.pseudonymise = ListeningSettings.objects.filter(
        organisation_id=source.organisation_id, pseudonymise_authors=True
    ).exists()
    for name, step in STEPS:
        if name == "store" or not batch.alive():
            break
        step(batch)
    return batch


def keep(batch: Batch) -> Batch:
    """Store what the earlier steps kept and count what they dropped; inside a transaction."""
    if batch.alive():
        dict(STEPS)["store"](batch)
    count_drops(batch)
    if batch.stored:
        mentions_stored.send(sender=Source, source=batch.source, mentions=batch.stored)
    return batch


def count_drops(batch: Batch) -> None:
    today = timezone.localdate()
    for reason, count in batch.drops.items():
        row, _created = Drop.objects.get_or_create(source=batch.source, reason=reason, day=today)
        Drop.objects.filter(pk=row.pk).update(count=F("count") + count)
