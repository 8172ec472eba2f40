"""The inbox: mentions, replies and messages that may need a person, and what the team did."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klankbord.channels.models import Channel
from klankbord.listening.models import Mention, StoredMedia
from klankbord.orgs.models import Organisation

DEFAULT_TARGET_MINUTES = 120  # two working hours


def default_opening_hours() -> dict[str, list[list[str]]]:
    """Monday (0) to Friday 9:00-17:00; weekends closed."""
    week = {str(day): [["09:00", "17:00"]] for day in range(5)}
    week.update({"5": [], "6": []})
    return week


class InboxSettings(models.Model):
    """How fast an organisation wants to answer, and when it counts as open."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="inbox_settings"
    )
    target_minutes = models.PositiveIntegerField(
        _("answer within (working minutes)"), default=DEFAULT_TARGET_MINUTES
    )
    opening_hours = models.JSONField(default=default_opening_hours)
    holiday_region = models.CharField(_("public holidays of"), max_length=20, default="BE-VLG")
    alert_overdue = models.BooleanField(
        _("e-mail the assignee when an item is overdue"), default=True
    )
    lead_webhook_url = models.URLField(_("send leads to this webhook"), max_length=1000, blank=True)

    def __str__(self) -> str:
        return f"inbox settings of {self.organisation_id}"


class Item(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        ASSIGNED = "assigned", _("Assigned")
        WAITING = "waiting", _("Waiting for customer")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    OPEN = (Status.NEW, Status.ASSIGNED, Status.WAITING)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="inbox_items"
    )
    mention = models.OneToOneField(Mention, on_delete=models.CASCADE, related_name="inbox_item")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbox_items",
    )
    # Copied from the mention, so the default order is one index scan.
    priority = models.PositiveSmallIntegerField(default=0)
    arrived_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_response_seconds = models.PositiveIntegerField(null=True, blank=True)  # working time
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)
    is_lead = models.BooleanField(default=False)
    lead_sent_at = models.DateTimeField(null=True, blank=True)
    labels = models.JSONField(default=list, blank=True)
    draft = models.TextField(blank=True)  # the reply being written survives a failed send
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    viewed_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-priority", "arrived_at", "pk"]
        indexes = [
            models.Index(fields=["organisation", "status", "-priority", "arrived_at"]),
            models.Index(fields=["organisation", "-priority", "arrived_at"]),
            models.Index(fields=["organisation", "assignee", "status"]),
            # Overdue means open and past due: status first, so only open items are read.
            models.Index(fields=["organisation", "status", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"inbox item {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class Reply(models.Model):
    """An answer sent through the network; sent at most once (see replying.py)."""

    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNCONFIRMED = "unconfirmed", _("Not confirmed")
        DELETED = "deleted", _("Deleted")  # taken back on the network (a Google review's reply)

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    channel = models.ForeignKey(Channel, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField()
    private = models.BooleanField(default=False)  # a direct message instead of a public reply
    idempotency_key = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SENDING)
    remote_id = models.CharField(max_length=500, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Where a network reports it (WhatsApp's status webhooks): reached the phone, then read.
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # A message template sent instead of free text: {"name", "language", "parameters": [...]}.
    template = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"reply {self.pk} ({self.status})"


class ReplyMedia(StoredMedia):
    """The image or document an answer carries (WhatsApp), shown in the conversation."""

    reply = models.OneToOneField(Reply, on_delete=models.CASCADE, related_name="media")

    def __str__(self) -> str:
        return f"{self.kind} of reply {self.reply_id}"


class Note(models.Model):
    """An internal note on an item; @name tells a colleague."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(max_length=5000)
    mentioned = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.item_id}"


class SavedReply(models.Model):
    """A reusable answer; {name} and other variables are filled in when it is used."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="saved_replies"
    )
    title = models.CharField(_("title"), max_length=100)
    language = models.CharField(_("language"), max_length=5, blank=True)  # blank: any
    text = models.TextField(_("text"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title
