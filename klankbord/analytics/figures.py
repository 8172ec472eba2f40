"""Measure's figures, counted once and shown again for a few minutes.

Counting two years of a busy organisation's posts, messages and clicks takes a second or more,
while the figures themselves change only when results are collected or messages arrive. A page
asks here: figures younger than FIGURES_MAX_AGE_SECONDS are shown as they are (the page says
when they were counted and offers to count again now). Older ones, up to a day old, are shown at
once while the background counts them again, and the page reloads itself when it has; older
still, or when the background does not count, they are counted while the reader waits. Every
minute the background also counts again, before they expire, the figures someone looked at in
the last FIGURES_WARM_HOURS.
"""

import hashlib
import logging
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from klankbord.analytics.models import KeptFigures
from klankbord.orgs.models import Organisation

log = logging.getLogger(__name__)

MEASURE = "measure"
DASHBOARD = "dashboard"
# How often a look is noted: a busy page does not write on every view.
ASKED_EVERY = timedelta(minutes=1)
# The background round runs every minute; it counts again what would expire before the next
# round but one, so that figures never expire between two rounds.
ROUND = timedelta(minutes=2)
# A count queued longer ago than this is taken as lost (a worker died) and queued again.
QUEUED_FOR = timedelta(minutes=10)
# Older figures are shown at once while they are counted again, up to this age.
SHOWN_WHILE_COUNTING = timedelta(days=1)


@dataclass(frozen=True)
class Figures:
    values: dict[str, Any]
    counted_at: datetime
    # Older than FIGURES_MAX_AGE_SECONDS, shown while the background counts them again.
    recounting: bool = False


def measure_figures(organisation: Organisation, days: int, *, fresh: bool = False) -> Figures:
    """The Measure page's figures over the last `days` days."""
    return _kept(organisation, MEASURE, days, fresh=fresh)


def dashboard_figures(organisation: Organisation) -> Figures:
    """The dashboard's KPI card and sparklines."""
    return _kept(organisation, DASHBOARD, 0, fresh=False)


def kept_measure_values(organisation: Organisation, days: int) -> dict[str, Any] | None:
    """The Measure figures kept for this period in the current language while they are young
    enough to be shown as they are; None otherwise. Never counts or queues anything."""
    max_age = timedelta(seconds=settings.FIGURES_MAX_AGE_SECONDS)
    row = (
        _rows(organisation, MEASURE, days)
        .filter(counted_at__gt=timezone.now() - max_age)
        .only("version", "values")
        .first()
    )
    if row is None or row.version != code_version():
        return None
    return _unpickled(row.values)


def counted_since(organisation: Organisation, days: int, moment: datetime) -> bool:
    """Whether the page showing the Measure figures counted at `moment` should reload: they
    were counted again since, forgotten, or their count was queued so long ago that the
    background is not counting (the reload counts them then)."""
    row = _rows(organisation, MEASURE, days).only("counted_at", "queued_at").first()
    if row is None or row.counted_at > moment:
        return True
    return row.queued_at is not None and timezone.now() - row.queued_at >= QUEUED_FOR


def forget(organisation_id: int) -> None:
    """Drop the organisation's kept figures: a setting they depend on changed."""
    KeptFigures.objects.filter(organisation_id=organisation_id).delete()


def _counters() -> dict[str, Callable[[Organisation, int], dict[str, Any]]]:
    from klankbord.analytics.pages import count_dashboard, count_measure

    return {MEASURE: count_measure, DASHBOARD: count_dashboard}


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def _rows(organisation: Organisation, page: str, days: int) -> QuerySet[KeptFigures]:
    """The kept figures of a page and period in the reader's language (one row or none)."""
    return KeptFigures.objects.filter(
        organisation=organisation, page=page, days=days, language=_language()
    )


def _kept(organisation: Organisation, page: str, days: int, *, fresh: bool) -> Figures:
    now = timezone.now()
    row = (
        _rows(organisation, page, days)
        .only("counted_at", "asked_at", "queued_at", "version", "values")
        .first()
    )
    if row is not None and not fresh and row.version == code_version():
        shown = _shown(row, now)
        if shown is not None:
            if now - row.asked_at >= ASKED_EVERY:
                KeptFigures.objects.filter(pk=row.pk).update(asked_at=now)
            return shown
    return _count_and_keep(organisation, page, days, _language(), asked_at=now)


def _shown(row: KeptFigures, now: datetime) -> Figures | None:
    """The kept figures as they may be shown: young enough, or a day old at most while the
    background counts them again; None when they must be counted while the reader waits."""
    age = now - row.counted_at
    max_age = timedelta(seconds=settings.FIGURES_MAX_AGE_SECONDS)
    if not max_age or age >= SHOWN_WHILE_COUNTING:
        return None
    if age >= max_age and not _count_in_background(row, now):
        return None
    values = _unpickled(row.values)
    if values is None:
        return None
    return Figures(values, row.counted_at, recounting=age >= max_age)


def _count_in_background(row: KeptFigures, now: datetime) -> bool:
    """Queue the figures to be counted again, once; False when an earlier count was queued so
    long ago that the background is not counting (the reader's request counts them then)."""
    if row.queued_at is not None:
        return now - row.queued_at < QUEUED_FOR
    if _claimed(row.pk, None, now):
        from klankbord.analytics.tasks import count_figures

        kept_id = row.pk
        transaction.on_commit(lambda: count_figures.delay(kept_id))
    return True


def _unpickled(values: bytes | memoryview) -> dict[str, Any] | None:
    try:
        found = pickle.loads(bytes(values))  # noqa: S301 - written by this module only
    except Exception:  # figures kept by other code: count them again
        log.warning("kept figures could not be read; counting again", exc_info=True)
        return None
    return found if isinstance(found, dict) else None


def _count_and_keep(
    organisation: Organisation, page: str, days: int, language: str, *, asked_at: datetime
) -> Figures:
    counted_at = timezone.now()
    values = _counters()[page](organisation, days)
    try:
        kept = pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # a figure that cannot be kept is a bug, but the page still shows it
        log.exception("figures of %s could not be kept", page)
        return Figures(values, counted_at)
    fields = {
        "version": code_version(),
        "counted_at": counted_at,
        "asked_at": asked_at,
        "queued_at": None,
        "values": kept,
    }
    key = {"organisation": organisation, "page": page, "days": days, "language": language}
    if not KeptFigures.objects.filter(**key).update(**fields):
        try:
            with transaction.atomic():
                KeptFigures.objects.create(**key, **fields)
        except IntegrityError:  # another request kept the same figures meanwhile
            pass
    return Figures(values, counted_at)


def due_for_counting(now: datetime | None = None) -> list[int]:
    """Claim the kept figures that someone looked at lately and that would expire before the
    next round; their ids, each to be counted again once."""
    now = now or timezone.now()
    max_age = timedelta(seconds=settings.FIGURES_MAX_AGE_SECONDS)
    warm = timedelta(hours=settings.FIGURES_WARM_HOURS)
    if not max_age or not warm:
        return []
    due = KeptFigures.objects.filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - QUEUED_FOR),
        asked_at__gte=now - warm,
        counted_at__lte=now - max_age + ROUND,
    )
    rows = due.values_list("pk", "queued_at")
    return [pk for pk, queued_at in rows if _claimed(pk, queued_at, now)]


def _claimed(kept_id: int, queued_at: datetime | None, now: datetime) -> bool:
    """Queue a count of kept figures whose queued time is still `queued_at`: a conditional
    update, so two looks, two beats or a look and a beat never queue the same count twice."""
    return bool(KeptFigures.objects.filter(pk=kept_id, queued_at=queued_at).update(queued_at=now))


def count_again(kept_id: int) -> None:
    """Count kept figures again in the background, in their language and organisation's zone."""
    row = KeptFigures.objects.select_related("organisation").filter(pk=kept_id).first()
    if row is None:  # forgotten meanwhile: the next look counts them
        return
    organisation = row.organisation
    with translation.override(row.language), timezone.override(organisation.timezone):
        _count_and_keep(organisation, row.page, row.days, row.language, asked_at=row.asked_at)


@cache
def code_version() -> str:
    """A fingerprint of Klankbord's code: figures kept by other code are not read back."""
    digest = hashlib.sha1(usedforsecurity=False)
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
