from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from klankbord.channels.models import Channel
from klankbord.lib.tid import new_tid
from klankbord.orgs.models import Organisation


class Post(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept, not deleted, so a worker holding a claim can still see that it must stop.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class PostTarget(models.Model):
    """One post on one channel: the unit the scheduler claims and publishes exactly once."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        SCHEDULED = "scheduled", _("Scheduled")
        CLAIMED = "claimed", _("Claimed")
        PUBLISHING = "publishing", _("Publishing")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="targets")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="targets")
    text = models.TextField(_("text for this channel"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # What the user chose, in UTC; `due_at` moves later on retries, this never does.
    scheduled_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    # Chosen once, before the first attempt: it makes every retry recognisable.
    idempotency_key = models.CharField(max_length=64, default=new_tid, unique=True)
    lease_token = models.CharField(max_length=32, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    remote_id = models.CharField(max_length=500, blank=True)
    remote_url = models.URLField(max_length=1000, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheduled_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="target_status_due")]
        constraints = [
            models.UniqueConstraint(fields=["post", "channel"], name="one_target_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.post_id}@{self.channel_id} {self.status}"
