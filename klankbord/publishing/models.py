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
    # Title, description and image of the first link, as fetched when the post was written.
    link_preview = models.JSONField(default=dict, blank=True)
    # A content pillar of the plan, by name; Measure compares what each pillar brings.
    pillar = models.CharField(_("content pillar"), max_length=100, blank=True)
    # What one network adds to the post, by network: {"google": {"topic": "OFFER", ...}}.
    network_options = models.JSONField(default=dict, blank=True)
    # Links go out as short links of this Klankbord, which count clicks per channel.
    track_clicks = models.BooleanField(_("track clicks on links"), default=False)
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

    # Will go out, is going out, or went out: what takes a slot and counts for the rhythm.
    PLANNED = (
        Status.AWAITING_APPROVAL,
        Status.SCHEDULED,
        Status.CLAIMED,
        Status.PUBLISHING,
        Status.PUBLISHED,
        Status.UNCONFIRMED,
    )

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
    # The steps a network with several (Instagram's container, then its publication) has taken
    # for this post, so a retry or a crash continues them instead of starting a second post.
    progress = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheduled_at"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="target_status_due"),
            # Measure counts what went out per period, and finds the first post.
            models.Index(fields=["published_at"], name="target_published"),
            # The regularity warnings read each channel's posts around today.
            models.Index(fields=["channel", "scheduled_at"], name="target_channel_scheduled"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["post", "channel"], name="one_target_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.post_id}@{self.channel_id} {self.status}"


class ShortLink(models.Model):
    """A link in one post on one channel as it went out: /r/<code> leads to `destination`.

    The destination is only ever read from this row, and only http(s) addresses are stored
    (see tracking.short_link_for), so a code cannot send anyone anywhere else.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(PostTarget, on_delete=models.CASCADE, related_name="short_links")
    code = models.CharField(max_length=16, unique=True)
    url = models.URLField(max_length=2000)  # as written in the post
    destination = models.URLField(max_length=2000)  # with the UTM parameters added
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "url"], name="one_short_link_per_url"),
            models.CheckConstraint(
                condition=models.Q(destination__startswith="http://")
                | models.Q(destination__startswith="https://"),
                name="short_link_web_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} -> {self.destination}"


class LinkClick(models.Model):
    """How often a short link was followed on one day (the organisation's): no visitor data."""

    link = models.ForeignKey(ShortLink, on_delete=models.CASCADE, related_name="clicks")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "day"], name="one_click_row_a_day")]
        # Clicks added up per period or per post are read from the index alone: a busy
        # organisation keeps millions of these rows.
        indexes = [models.Index(fields=["link", "day", "count"], name="click_link_day_count")]

    def __str__(self) -> str:
        return f"{self.link_id} {self.day}: {self.count}"


class ClickDay(models.Model):
    """All of an organisation's clicks on its tracked links on one day (the organisation's),
    kept beside LinkClick as the clicks come in (tracking.click_record): a period's clicks are
    the period's rows here, one a day, instead of every link's rows of those days.

    The unique index (organisation, day) serves a period's sum: a month is some thirty rows.
    `count` is deliberately in no index, so that PostgreSQL updates it in place (a HOT update)
    on every click instead of adding index entries each time.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "day"], name="one_click_day_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.day}: {self.count}"


class PostImage(models.Model):
    """An uploaded image. Kept in the database so every worker machine can publish it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # Empty while the post is being composed; set when the post is saved.
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="images", null=True, blank=True
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    mime_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    alt_text = models.TextField(_("alt text"), blank=True, max_length=1500)
    # The user said explicitly that this image goes out without a description.
    no_alt_text = models.BooleanField(_("publish without alt text"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.filename

    @property
    def described(self) -> bool:
        return bool(self.alt_text.strip()) or self.no_alt_text


class PostComment(models.Model):
    """A remark in a post's thread: a comment, an approval or a rejection."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        APPROVAL = "approval", _("Approved")
        REJECTION = "rejection", _("Rejected")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    text = models.TextField(_("comment"), max_length=5000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:40]}"


class Notification(models.Model):
    """Something a member should know about (a post approved, rejected, commented on, failed)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, related_name="+")
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.message


class QueueSlot(models.Model):
    """A weekly moment ("publicatieslot") at which a channel publishes from its queue."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="queue_slots")
    weekday = models.PositiveSmallIntegerField(_("day"))  # 0 = Monday, as in Python
    time = models.TimeField(_("time"))  # wall-clock time in the organisation's time zone

    class Meta:
        ordering = ["weekday", "time"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "weekday", "time"], name="one_slot_per_time")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.weekday} {self.time:%H:%M}"


class PublishingSettings(models.Model):
    """How an organisation's calendar looks and what the regularity monitor expects."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="publishing_settings"
    )
    holiday_regions = models.JSONField(_("holidays to show"), default=list, blank=True)
    # A sensible default until the plan sets a rhythm per channel.
    max_silence_days = models.PositiveSmallIntegerField(
        _("warn when a channel has nothing planned for this many days"), default=7
    )
    clash_minutes = models.PositiveSmallIntegerField(
        _("warn when two posts on one channel are closer than (minutes)"), default=60
    )

    def __str__(self) -> str:
        return f"settings of {self.organisation_id}"


class CalendarFeed(models.Model):
    """A secret iCalendar address for one member; revoking it stops it at once."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Looked up by hash; the token itself is kept encrypted so its owner can copy it again.
    token_hash = models.CharField(max_length=64, unique=True)
    token_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"feed {self.pk} of {self.user_id}"
