"""Reading posts for an organisation, and teaching its heads with its members' corrections."""

from collections.abc import Sequence
from datetime import timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from klankbord.language import corrections as language_corrections
from klankbord.language.understand import AUTO, OrgHeads, Reading, understand
from klankbord.listening.models import Mention
from klankbord.listening.services import mention_relabel
from klankbord.orgs.models import Membership, Organisation
from klankbord.orgs.services import audit_record
from klankbord.understanding.models import Correction, Intent, OrgModel, Sentiment

MAX_TEXT = 5000
TRAINING_LEASE = timedelta(minutes=30)


def retrain_after() -> int:
    """New corrections needed before an organisation's heads are retrained."""
    return int(getattr(settings, "KLANKBORD_RETRAIN_AFTER", 20))


def read(
    organisation: Organisation,
    texts: Sequence[str],
    tier: str = AUTO,
    known: Sequence[tuple[str, list[Any]]] | None = None,
) -> list[Reading]:
    return understand(list(texts), tier=tier, org=org_heads(organisation), known=known)


def org_heads(organisation: Organisation) -> OrgHeads | None:
    state = OrgModel.objects.filter(organisation=organisation).values("version").first()
    if not state or not state["version"]:
        return None
    return _heads(organisation.pk, state["version"])


@lru_cache(maxsize=64)
def _heads(organisation_id: int, version: int) -> OrgHeads | None:
    # Keyed by version: a retrain on any machine makes every process load the new heads.
    data = (
        OrgModel.objects.filter(organisation_id=organisation_id, version=version)
        .values_list("heads", flat=True)
        .first()
    )
    return OrgHeads.from_bytes(bytes(data)) if data else None


def clean_correction(text: str, sentiment: str, intents: Sequence[str] | None) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Give the text of the post you are correcting."))
    if len(text) > MAX_TEXT:
        raise ValidationError(
            _("The text is too long: at most %(max)d characters.") % {"max": MAX_TEXT}
        )
    if sentiment and sentiment not in Sentiment.values:
        raise ValidationError(_("Choose positive, neutral or negative."))
    if intents is not None and not set(intents) <= set(Intent.values):
        raise ValidationError(_("Choose among question, lead, complaint and praise."))
    if not sentiment and intents is None:
        raise ValidationError(_("Correct the sentiment, the intents or both."))
    return text


def correction_add(
    membership: Membership,
    text: str,
    sentiment: str = "",
    intents: Sequence[str] | None = None,
    source: str = "try",
) -> Correction:
    text = clean_correction(text, sentiment, intents)
    organisation = membership.organisation
    correction = Correction.objects.create(
        organisation=organisation,
        text=text,
        sentiment=sentiment,
        intents=sorted(set(intents), key=Intent.values.index) if intents is not None else None,
        source=source,
        created_by=membership.user,
    )
    audit_record(
        organisation=organisation,
        actor=membership.user,
        action="language.correction",
        target=str(correction.pk),
        data={"sentiment": sentiment, "intents": correction.intents},
    )
    if pending_corrections(organisation) >= retrain_after():
        transaction.on_commit(lambda: _enqueue_retrain(organisation.pk))
    return correction


def mention_check(
    membership: Membership, mention: Mention, sentiment: str, intents: Sequence[str]
) -> Correction:
    """A member checked a reading Klankbord was unsure of: it teaches, and leaves the list."""
    correction = correction_add(
        membership,
        f"{mention.title}\n{mention.text}".strip(),
        sentiment=sentiment,
        intents=intents,
        source="check",
    )
    mention_relabel(mention=mention, sentiment=sentiment, intents=intents)
    return correction


def correction_delete(membership: Membership, correction_id: int) -> bool:
    deleted, _rows = Correction.objects.filter(
        organisation=membership.organisation, pk=correction_id
    ).delete()
    if deleted:
        audit_record(
            organisation=membership.organisation,
            actor=membership.user,
            action="language.correction_deleted",
            target=str(correction_id),
        )
    return bool(deleted)


def pending_corrections(organisation: Organisation) -> int:
    """Corrections made since the organisation's heads were last trained."""
    trained_at = (
        OrgModel.objects.filter(organisation=organisation)
        .values_list("trained_at", flat=True)
        .first()
    )
    found = Correction.objects.filter(organisation=organisation)
    return (found.filter(created_at__gt=trained_at) if trained_at else found).count()


def _enqueue_retrain(organisation_id: int) -> None:
    from klankbord.understanding.tasks import retrain_organisation

    retrain_organisation.delay(organisation_id)


def _claim_training(organisation_id: int) -> bool:
    """One conditional UPDATE: only one worker trains an organisation at a time."""
    OrgModel.objects.get_or_create(organisation_id=organisation_id)
    now = timezone.now()
    free = Q(training_since__isnull=True) | Q(training_since__lt=now - TRAINING_LEASE)
    return bool(
        OrgModel.objects.filter(free, organisation_id=organisation_id).update(training_since=now)
    )


def retrain(organisation_id: int) -> bool:
    """Fit this organisation's heads on the shipped data plus all its corrections."""
    if not _claim_training(organisation_id):
        return False
    started = timezone.now()
    try:
        rows = list(Correction.objects.filter(organisation_id=organisation_id).order_by("pk"))
        heads = (
            language_corrections.retrain([_as_language(row) for row in rows]).to_bytes()
            if rows
            else None
        )
        state = OrgModel.objects.get(organisation_id=organisation_id)
        state.heads = heads
        state.version += 1
        state.corrections_used = len(rows)
        state.trained_at = started
        state.save(update_fields=["heads", "version", "corrections_used", "trained_at"])
    finally:
        OrgModel.objects.filter(organisation_id=organisation_id).update(training_since=None)
    return True


def _as_language(row: Correction) -> language_corrections.Correction:
    return language_corrections.Correction(
        text=row.text,
        sentiment=row.sentiment or None,
        intents=tuple(row.intents) if row.intents is not None else None,
    )


def retrain_due() -> list[int]:
    """Organisations with enough new corrections: a safety net for a lost retrain task."""
    due = []
    for organisation in Organisation.objects.filter(language_corrections__isnull=False).distinct():
        if pending_corrections(organisation) >= retrain_after() and retrain(organisation.pk):
            due.append(organisation.pk)
    return due


def retrain_soon(membership: Membership) -> None:
    """A manager asks for a retrain now, whatever the number of new corrections."""
    organisation = membership.organisation
    audit_record(organisation=organisation, actor=membership.user, action="language.retrain")
    transaction.on_commit(lambda: _enqueue_retrain(organisation.pk))
