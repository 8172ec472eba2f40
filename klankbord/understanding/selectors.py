from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from klankbord.listening.models import Mention
from klankbord.orgs.models import Organisation
from klankbord.understanding.models import Correction, OrgModel
from klankbord.understanding.services import pending_corrections, retrain_after

TO_CHECK_DAYS = 30


def to_check(organisation: Organisation) -> QuerySet[Mention]:
    """The organisation's recent readings Klankbord is unsure of, least sure first.

    Direct messages are left to the inbox, where opening a private conversation is logged."""
    since = timezone.now() - timedelta(days=TO_CHECK_DAYS)
    return (
        Mention.objects.filter(organisation=organisation, uncertain=True, published_at__gte=since)
        .exclude(kind="message")
        .order_by("reading_confidence", "-published_at", "-pk")
    )


def corrections_of(organisation: Organisation) -> QuerySet[Correction]:
    return Correction.objects.filter(organisation=organisation).select_related("created_by")


def learning_status(organisation: Organisation) -> dict[str, Any]:
    state = OrgModel.objects.filter(organisation=organisation).first()
    return {
        "corrections": Correction.objects.filter(organisation=organisation).count(),
        "pending": pending_corrections(organisation),
        "retrain_after": retrain_after(),
        "trained_at": state.trained_at if state else None,
        "corrections_used": state.corrections_used if state else 0,
        "training": bool(state and state.training_since),
    }
