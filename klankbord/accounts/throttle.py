"""Login limits beyond django-axes' rule of one account on one address.

Axes locks an account on one address after AXES_FAILURE_LIMIT wrong passwords. Two wider rules
slow down attacks that spread out: many addresses against one account, and one address against
many accounts. Neither applies to an address where that account logged in before, so a person
keeps getting in from home or work while strangers attack their account. Both count the same
failures axes keeps, so they end AXES_COOLOFF_TIME after the last wrong password.
"""

from datetime import timedelta
from enum import StrEnum

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


class Blocked(StrEnum):
    ACCOUNT = "account"
    ADDRESS = "address"


def _failures(**lookup: str) -> int:
    since = timezone.now() - (get_cool_off() or timedelta(0))
    attempts = AccessAttempt.objects.filter(attempt_time__gte=since, **lookup)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def _known_address(username: str, ip_address: str) -> bool:
    since = timezone.now() - timedelta(days=settings.LOGIN_KNOWN_ADDRESS_DAYS)
    return AccessLog.objects.filter(
        username=username, ip_address=ip_address, attempt_time__gte=since
    ).exists()


def login_blocked(*, username: str, ip_address: str | None) -> Blocked | None:
    """Why a login is refused before its password is even checked, or None."""
    if not username or not ip_address or _known_address(username, ip_address):
        return None
    if _failures(ip_address=ip_address) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return Blocked.ADDRESS
    if _failures(username=username) >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT:
        return Blocked.ACCOUNT
    return None


def login_failures_forget(*, username: str) -> int:
    """Forget an account's failed logins, e.g. after its password was reset by e-mail."""
    deleted, _ = AccessAttempt.objects.filter(username=username).delete()
    return deleted
