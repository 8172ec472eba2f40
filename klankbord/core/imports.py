"""Imports read by a worker: the web request only stores the file, so a big file never meets
the web server's timeout and nothing is lost halfway.

    import_job_create(...)   store the upload in a row and hand its id to a worker
    import_job_run(job_id)   claim the row with one conditional UPDATE, read the file, record
                             progress and the result as it goes
    import_jobs_sweep()      resend queued jobs whose message was lost; report jobs whose
                             worker died as stopped
"""

import io
import logging
import time
from datetime import datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from klankbord.core.models import ImportJob
from klankbord.listening.imports import ImportResult, import_file
from klankbord.orgs.models import Membership
from klankbord.publishing.bulk import BulkFileError, BulkResult, bulk_schedule

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
# A queued job nobody took for this long lost its message: it is sent again.
RESEND_AFTER = timedelta(minutes=2)
PROGRESS_EVERY_SECONDS = 1.0
# Lines listed on the result page; the counts stay exact.
MAX_LISTED = 1000

Status = ImportJob.Status


def import_job_create(*, membership: Membership, kind: str, upload: UploadedFile) -> ImportJob:
    content = b"".join(upload.chunks())
    job = ImportJob.objects.create(
        organisation=membership.organisation,
        created_by=membership.user,
        kind=kind,
        filename=(upload.name or "")[:200],
        language=translation.get_language() or "",
        content=content,
        size_bytes=len(content),
    )
    _enqueue(job.pk)
    return job


def _enqueue(job_id: int) -> None:
    from klankbord.core.tasks import run_import_job

    transaction.on_commit(lambda: run_import_job.delay(job_id))


def import_job_run(*, job_id: int) -> None:
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, lease_until=now + LEASE
    )
    if claimed != 1:
        return  # another worker got there first, or the job is over
    job = ImportJob.objects.get(pk=job_id)
    with translation.override(job.language or None):
        try:
            result = _run(job)
        except Exception as error:
            logger.exception("Import %s stopped", job.pk)
            _finish(job, Status.FAILED, {**job.result, "stopped": _stopped_by(error)})
        else:
            _finish(job, Status.DONE, result)


def _run(job: ImportJob) -> dict[str, Any]:
    stream = io.BytesIO(bytes(job.content))
    reporter = _Reporter(job, stream)
    if job.kind == ImportJob.Kind.POSTS:
        membership = Membership.objects.filter(
            organisation_id=job.organisation_id, user=job.created_by
        ).first()
        if membership is None:
            return {"stopped": _("You are no longer a member of this organisation.")}
        posts = BulkResult()
        try:
            bulk_schedule(membership, stream, result=posts, progress=reporter.report)
        except BulkFileError as error:
            return {**_summary(posts), "stopped": str(error)}
        finally:
            job.result = _summary(posts)  # what a failure keeps
        return job.result
    mentions = ImportResult()
    try:
        import_file(
            job.organisation, stream, job.filename, result=mentions, progress=reporter.report
        )
    finally:
        job.result = _summary(mentions)
    return job.result


class _Reporter:
    """Writes the progress to the row now and then, and keeps the lease alive."""

    def __init__(self, job: ImportJob, stream: io.BytesIO) -> None:
        self.job, self.stream, self.last = job, stream, 0.0
        # Posts say after each line how far they got, so a stopped job names the right line.
        self.every = 0.0 if job.kind == ImportJob.Kind.POSTS else PROGRESS_EVERY_SECONDS
        # Posts are read in one go and then planned line by line: their progress is in lines.
        self.lines = stream.getvalue().count(b"\n") or 1

    def report(self, result: ImportResult | BulkResult) -> None:
        if time.monotonic() - self.last < self.every:
            return
        self.last = time.monotonic()
        done = self.stream.tell()
        if isinstance(result, BulkResult):
            done = self.job.size_bytes * min(result.last_line, self.lines) // self.lines
        ImportJob.objects.filter(pk=self.job.pk).update(
            done_bytes=done,
            result=_summary(result),
            lease_until=timezone.now() + LEASE,
        )


def _summary(result: ImportResult | BulkResult) -> dict[str, Any]:
    if isinstance(result, BulkResult):
        counts: dict[str, Any] = {"scheduled": result.scheduled, "last_line": result.last_line}
        notes: list[tuple[int, str]] = []
    else:
        counts = {
            "read": result.read,
            "stored": result.stored,
            "dropped": result.dropped,
            "last_line": result.last_line,
        }
        notes = result.notes
    return {
        **counts,
        "encoding": result.encoding,
        "errors": result.errors[:MAX_LISTED],
        "error_count": len(result.errors),
        "notes": notes[:MAX_LISTED],
        "note_count": len(notes),
    }


def _stopped_by(error: Exception) -> str:
    return _("An error stopped the import: %(error)s") % {"error": error.__class__.__name__}


def _finish(job: ImportJob, status: str, result: dict[str, Any]) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        result=result,
        done_bytes=job.size_bytes if status == Status.DONE else job.done_bytes,
        content=b"",  # the file is not needed any more
        lease_until=None,
        finished_at=timezone.now(),
    )


def import_jobs_sweep(now: datetime | None = None) -> None:
    now = now or timezone.now()
    for job in ImportJob.objects.filter(status=Status.RUNNING, lease_until__lt=now).only(
        "pk", "language", "result"
    ):
        with translation.override(job.language or None):
            stopped = _(
                "The worker stopped during the import, after line %(line)s. Import the lines "
                "after it again."
            ) % {"line": job.result.get("last_line", 0)}
        # Only if it is still stale: a worker that reported progress meanwhile is alive.
        ImportJob.objects.filter(pk=job.pk, status=Status.RUNNING, lease_until__lt=now).update(
            status=Status.FAILED,
            result={**job.result, "stopped": stopped},
            content=b"",
            lease_until=None,
            finished_at=now,
        )
    # A queued job's lease is when it was last sent: a busy worker is not sent it again and again.
    waiting = ImportJob.objects.filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now),
        status=Status.QUEUED,
        created_at__lt=now - RESEND_AFTER,
    )
    with transaction.atomic():
        resent = list(waiting.values_list("pk", flat=True))
        ImportJob.objects.filter(pk__in=resent).update(lease_until=now + RESEND_AFTER)
        for job_id in resent:
            _enqueue(job_id)
