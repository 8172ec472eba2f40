"""What the header's timer shows: the activity and how long it runs, or how to start one."""

from datetime import datetime
from typing import Any

from django.utils import timezone

from klankbord.orgs.models import Membership
from klankbord.timekeeping.models import Activity, RunningTimer


def elapsed_text(started_at: datetime, now: datetime) -> str:
    """h:mm, as the timer shows it before the script takes over."""
    minutes = max(0, int((now - started_at).total_seconds() // 60))
    return f"{minutes // 60}:{minutes % 60:02d}"


def timer_context(
    membership: Membership, timer: RunningTimer | None, next_url: str
) -> dict[str, Any]:
    return {
        "membership": membership,
        "timer": timer,
        "elapsed": elapsed_text(timer.started_at, timezone.now()) if timer else "",
        "activities": Activity.choices,
        "next_url": next_url,
    }
