from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from klankbord.orgs.models import Organisation


class Heartbeat(models.Model):
    """The last sign of life of a background process (a worker host, or beat)."""

    class Kind(models.TextChoices):
        WORKER = "worker"
        BEAT = "beat"

    name = models.CharField(max_length=200, primary_key=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} @ {self.seen_at:%H:%M:%S}"


class ImportJob(models.Model):
    """An uploaded file waiting for, or being read by, a worker; its progress and result.

    The file itself is kept in the row, so any worker machine can read it; it is emptied once
    the import is over.
    """

    class Kind(models.TextChoices):
        MENTIONS = "mentions", _("Mentions")
        POSTS = "posts", _("Posts")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Stopped")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    filename = models.CharField(max_length=200)
    # The uploader's language: the worker reports bad lines in it.
    language = models.CharField(max_length=10)
    content = models.BinaryField()
    size_bytes = models.PositiveBigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    lease_until = models.DateTimeField(null=True, blank=True)
    done_bytes = models.PositiveBigIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "lease_until"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.filename} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.done_bytes * 100 // self.size_bytes) if self.size_bytes else 0


class Counter(models.Model):
    """A count kept in the database, so what every worker counted shows in one scrape."""

    name = models.CharField(max_length=100)
    label = models.CharField(max_length=200, blank=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "label"], name="counter_name_label_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}{{{self.label}}} = {self.value}"
