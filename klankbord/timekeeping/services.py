"""Writing time and money: the timer, entries, accepted suggestions, ad spend and the values."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klankbord.orgs.models import Membership
from klankbord.orgs.services import audit_record
from klankbord.timekeeping import selectors
from klankbord.timekeeping.models import (
    MAX_MINUTES,
    AdSpend,
    CoveredWork,
    ReturnSettings,
    RunningTimer,
    TimeEntry,
)


class TimeError(Exception):
    """Something the member should be told, in her language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def local_day(membership: Membership, moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(membership.organisation.timezone)).date()


def timer_start(*, membership: Membership, activity: str) -> RunningTimer:
    """Start the member's timer; one that was running is stopped and recorded first."""
    with transaction.atomic():
        timer_stop(membership=membership)
        try:
            with transaction.atomic():
                return RunningTimer.objects.create(
                    organisation=membership.organisation,
                    member_id=membership.user_id,
                    activity=activity,
                    started_at=timezone.now(),
                )
        except IntegrityError:  # a second tab started one at the same moment
            raise TimeError(_("Your timer is already running.")) from None


def timer_stop(*, membership: Membership) -> TimeEntry | None:
    """Stop the member's timer and record its minutes; None when none was running."""
    timer = selectors.running_timer(membership)
    if timer is None:
        return None
    # Claim by deleting: of two stops at once, only one records the time.
    deleted, _rows = RunningTimer.objects.filter(pk=timer.pk).delete()
    if not deleted:
        return None
    ended_at = timezone.now()
    seconds = (ended_at - timer.started_at).total_seconds()
    return TimeEntry.objects.create(
        organisation=membership.organisation,
        member_id=membership.user_id,
        activity=timer.activity,
        day=local_day(membership, timer.started_at),
        minutes=min(MAX_MINUTES, max(1, round(seconds / 60))),
        started_at=timer.started_at,
        ended_at=ended_at,
        source=TimeEntry.Source.TIMER,
    )


def entry_create(
    *, membership: Membership, activity: str, day: date, minutes: int, note: str = ""
) -> TimeEntry:
    return TimeEntry.objects.create(
        organisation=membership.organisation,
        member_id=membership.user_id,
        activity=activity,
        day=day,
        minutes=minutes,
        note=note,
        source=TimeEntry.Source.MANUAL,
    )


def entry_update(
    *, entry: TimeEntry, activity: str, day: date, minutes: int, note: str = ""
) -> TimeEntry:
    """A correction keeps where the entry came from (timer, entered or suggested)."""
    entry.activity, entry.day, entry.minutes, entry.note = activity, day, minutes, note
    entry.save(update_fields=["activity", "day", "minutes", "note", "updated_at"])
    return entry


def entry_delete(*, membership: Membership, entry_id: int) -> bool:
    entry = selectors.entry_for(membership, entry_id)
    if entry is None:
        return False
    entry.delete()
    return True


def suggestion_accept(
    *, membership: Membership, kind: str, ids: list[int], activity: str, minutes: int, note: str
) -> TimeEntry:
    """Record the time of a suggestion and mark its posts or replies as counted."""
    with transaction.atomic():
        found, day = _claimable(membership, kind, ids)
        entry = TimeEntry.objects.create(
            organisation=membership.organisation,
            member_id=membership.user_id,
            activity=activity,
            day=day,
            minutes=minutes,
            note=note,
            source=TimeEntry.Source.SUGGESTED,
        )
        _cover(membership, kind, found, entry)
    return entry


def suggestion_dismiss(*, membership: Membership, kind: str, ids: list[int]) -> int:
    """Never suggest these posts or replies again; how many were dismissed."""
    with transaction.atomic():
        found, _day = _claimable(membership, kind, ids)
        _cover(membership, kind, found, None)
    return len(found)


def _claimable(membership: Membership, kind: str, ids: list[int]) -> tuple[list[int], date]:
    """The member's own posts or replies among `ids` that no suggestion used yet, and the
    first day of them."""
    since, until = datetime.min.replace(tzinfo=ZoneInfo("UTC")), timezone.now()
    rows: list[tuple[int, datetime | None]]
    if kind == CoveredWork.Kind.POST:
        posts = selectors.uncovered_posts(membership, since, until).filter(pk__in=ids)
        rows = list(posts.values_list("pk", "created_at"))
    else:
        replies = selectors.uncovered_replies(membership, since, until).filter(pk__in=ids)
        rows = list(replies.values_list("pk", "sent_at"))
    found = [(pk, moment) for pk, moment in rows if moment is not None]
    if not found:
        raise TimeError(_("This suggestion was already recorded or dismissed."))
    return [pk for pk, _moment in found], min(local_day(membership, m) for _pk, m in found)


def _cover(membership: Membership, kind: str, ids: list[int], entry: TimeEntry | None) -> None:
    try:
        with transaction.atomic():
            CoveredWork.objects.bulk_create(
                CoveredWork(
                    organisation=membership.organisation,
                    member_id=membership.user_id,
                    kind=kind,
                    object_id=pk,
                    entry=entry,
                )
                for pk in ids
            )
    except IntegrityError:  # the same suggestion, accepted twice at once
        raise TimeError(_("This suggestion was already recorded or dismissed.")) from None


def ad_spend_create(
    *,
    membership: Membership,
    start: date,
    end: date,
    amount: Decimal,
    network: str = "",
    note: str = "",
) -> AdSpend:
    spend = AdSpend.objects.create(
        organisation=membership.organisation,
        start=start,
        end=end,
        amount=amount,
        network=network,
        note=note,
        created_by=membership.user,
    )
    _audit(membership, "time.ad_spend_added", f"€ {amount} {start}..{end}")
    return spend


def ad_spend_delete(*, membership: Membership, spend_id: int) -> bool:
    spend = selectors.ad_spends(membership.organisation).filter(pk=spend_id).first()
    if spend is None:
        return False
    spend.delete()
    _audit(membership, "time.ad_spend_removed", f"€ {spend.amount} {spend.start}..{spend.end}")
    return True


def return_settings_save(*, membership: Membership, settings: ReturnSettings) -> None:
    settings.organisation = membership.organisation
    settings.save()
    _audit(membership, "time.values_changed", "")


def _audit(membership: Membership, action: str, target: str) -> None:
    audit_record(
        organisation=membership.organisation,
        actor=membership.user,
        action=action,
        target=target,
    )
