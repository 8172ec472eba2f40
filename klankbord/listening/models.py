from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klankbord.channels.models import Channel
from klankbord.orgs.models import Organisation

DEFAULT_POLL_SECONDS = 300


class Source(models.Model):
    """Where mentions come from: a connected channel read in one way, or imported files."""

    class Kind(models.TextChoices):
        MENTIONS = "mentions", _("Mentions of a connected account")
        SEARCH = "search", _("Search or hashtag")
        COMMENTS = "comments", _("Replies to your published posts")
        FEED = "feed", _("RSS/Atom feed")
        IMPORT = "import", _("Imported file")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="listening_sources"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, null=True, blank=True, related_name="sources"
    )
    term = models.CharField(max_length=200, blank=True)  # what a SEARCH source looks for
    name = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    interval_seconds = models.PositiveIntegerField(default=DEFAULT_POLL_SECONDS)
    # Advanced only in the transaction that stores the batch it led to.
    cursor = models.TextField(blank=True)
    next_poll_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["active", "next_poll_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def keeps_everything(self) -> bool:
        """Mentions of our own accounts are kept even when no monitor asks for them."""
        return self.kind in (self.Kind.MENTIONS, self.Kind.COMMENTS, self.Kind.IMPORT)


class Monitor(models.Model):
    class Kind(models.TextChoices):
        BRAND = "brand", _("Own brand")
        PRODUCT = "product", _("Product or service")
        COMPETITOR = "competitor", _("Competitor")
        TRADE = "trade", _("Trade or opportunity")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="monitors"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.BRAND)
    query = models.TextField(_("query"), max_length=1000)
    # Empty: every source of the organisation.
    sources = models.ManyToManyField(Source, blank=True, related_name="monitors")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Mention(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="mentions"
    )
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="mentions"
    )
    monitors = models.ManyToManyField(Monitor, blank=True, related_name="mentions")
    network = models.CharField(max_length=30)
    remote_id = models.CharField(max_length=500)
    key = models.CharField(max_length=40)  # exact duplicate key: network + remote id
    url = models.URLField(max_length=2000, blank=True)
    canonical_url = models.CharField(max_length=2000, blank=True, db_index=True)
    author_handle = models.CharField(max_length=300, blank=True)
    author_name = models.CharField(max_length=300, blank=True)
    title = models.CharField(max_length=500, blank=True)
    text = models.TextField()
    kind = models.CharField(max_length=20, default="mention")
    # Null rather than "": a column SQLite can add in place, keeping the search triggers of 0005.
    in_reply_to = models.CharField(max_length=500, null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)
    language = models.CharField(max_length=5, default="und")
    sentiment = models.CharField(max_length=10, default="neutral")
    sentiment_score = models.FloatField(default=0.0)
    intents = models.JSONField(default=list, blank=True)
    places = models.JSONField(default=list, blank=True)
    # How sure the reading is: the calibrated probability of its sentiment, and whether
    # Klankbord is unsure of it (a low probability or an intent near its threshold). A member's
    # correction makes it sure.
    reading_confidence = models.FloatField(default=1.0)
    uncertain = models.BooleanField(default=False)
    reach = models.PositiveIntegerField(default=0)
    # A review's stars (1-5, Google Business Profile); null for everything else.
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(default=0)
    # 64-bit SimHash split in four 16-bit bands: near-duplicates share at least one band.
    simhash = models.BigIntegerField(default=0)
    band0 = models.PositiveIntegerField(default=0)
    band1 = models.PositiveIntegerField(default=0)
    band2 = models.PositiveIntegerField(default=0)
    band3 = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="one_mention_per_item")
        ]
        indexes = [
            models.Index(fields=["organisation", "-published_at"]),
            # Covering the near-duplicate lookup, so it never reads the table itself.
            models.Index(fields=["organisation", "band0", "fetched_at", "simhash"]),
            models.Index(fields=["organisation", "band1", "fetched_at", "simhash"]),
            models.Index(fields=["organisation", "band2", "fetched_at", "simhash"]),
            models.Index(fields=["organisation", "band3", "fetched_at", "simhash"]),
            # The readings to check first: an organisation's uncertain ones, least sure first.
            models.Index(
                fields=["organisation", "uncertain", "reading_confidence"],
                name="listening_mention_to_check",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network}:{self.remote_id}"


class StoredMedia(models.Model):
    """A file that came with a message or went out with an answer, kept in the database so
    every worker machine can serve it."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        AUDIO = "audio", _("Voice message")
        VIDEO = "video", _("Video")
        DOCUMENT = "document", _("Document")
        STICKER = "sticker", _("Sticker")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    mime_type = models.CharField(max_length=100)
    filename = models.CharField(max_length=255, blank=True)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)  # hex
    content = models.BinaryField()
    caption = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class MentionMedia(StoredMedia):
    """The file of a message (a WhatsApp photo, voice note, video, document or sticker)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="media")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind} of mention {self.mention_id}"


class Drop(models.Model):
    """How many items a source's batches dropped, per reason and day: nothing leaves silently."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="drops")
    reason = models.CharField(max_length=30)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "reason", "day"], name="one_drop_row")
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.reason} {self.day}: {self.count}"


class BlockedAuthor(models.Model):
    """Authors whose mentions are never stored: blocked, or erased on request (GDPR)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="blocked_authors"
    )
    handle = models.CharField(max_length=300)
    reason = models.CharField(max_length=20, default="blocked")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "handle"], name="one_block_per_author")
        ]

    def __str__(self) -> str:
        return self.handle


class Urgency(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    COMPLAINT = "complaint", _("Complaint")
    LEAD = "lead", _("Lead")
    QUESTION = "question", _("Question")


URGENT_BY_DEFAULT = [Urgency.NEGATIVE, Urgency.COMPLAINT, Urgency.LEAD]


def default_urgencies() -> list[str]:
    return [str(urgency) for urgency in URGENT_BY_DEFAULT]


class AlertRule(models.Model):
    """What one member wants to hear about at once, and whether they get the daily digest."""

    membership = models.OneToOneField(
        "orgs.Membership", on_delete=models.CASCADE, related_name="alert_rule"
    )
    monitors = models.ManyToManyField(Monitor, blank=True)  # empty: every monitor
    urgencies = models.JSONField(default=default_urgencies)
    instant_email = models.BooleanField(default=True)
    daily_digest = models.BooleanField(default=True)
    checked_until = models.DateTimeField(default=timezone.now)  # alerts cover what came after
    last_sent_at = models.DateTimeField(null=True, blank=True)
    last_digest_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"alerts for {self.membership_id}"


class Webhook(models.Model):
    """Urgent mentions posted as JSON (Slack-compatible "text") to a URL the organisation gives."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(max_length=1000)
    urgencies = models.JSONField(default=default_urgencies)
    active = models.BooleanField(default=True)
    checked_until = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.url


class MonitorFeed(models.Model):
    """A secret Atom/JSON address for one monitor's mentions; revoking it stops it at once."""

    monitor = models.ForeignKey(Monitor, on_delete=models.CASCADE, related_name="feeds")
    # Looked up by hash; the token itself is kept encrypted so the team can copy it again.
    token_hash = models.CharField(max_length=64, unique=True)
    token_encrypted = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"feed {self.pk} of monitor {self.monitor_id}"


DEFAULT_RETENTION_DAYS = 90


class ListeningSettings(models.Model):
    """Privacy choices of one organisation for what listening stores."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="listening_settings"
    )
    retention_days = models.PositiveIntegerField(
        _("keep mentions for (days)"), default=DEFAULT_RETENTION_DAYS
    )
    pseudonymise_authors = models.BooleanField(
        _("store authors under a pseudonym"),
        default=False,
        help_text=_(
            "Names and handles are replaced by a code such as author-3f9a1c: the same person "
            "keeps the same code, but who it is no longer shows."
        ),
    )

    def __str__(self) -> str:
        return f"listening settings of {self.organisation_id}"
