from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klankbord.channels.models import Channel
from klankbord.orgs.models import Membership, Organisation
from klankbord.publishing.models import PostTarget


class PostResultQuerySet(models.QuerySet["PostResult"]):
    def counted(self) -> "PostResultQuerySet":
        """Rows with counts: not one made before its first check, nor a post the network lost
        before it counted anything."""
        lost = {"gone": True, "engagement": 0, "views__isnull": True}
        return self.exclude(checked_at__isnull=True, engagement=0).exclude(**lost)


class PostResult(models.Model):
    """What a network counted for one published post on one channel, checked a few times.

    One row per published target: the latest counts and when to ask again. Checks follow the
    post's life (an hour, a day, a week, a month after publishing) and then stop.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    target = models.OneToOneField(PostTarget, on_delete=models.CASCADE, related_name="result")
    likes = models.PositiveIntegerField(default=0)
    shares = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    quotes = models.PositiveIntegerField(default=0)
    # How often the post was seen and saved; NULL: the network never gave it (not zero).
    views = models.PositiveIntegerField(null=True, blank=True)
    saves = models.PositiveIntegerField(null=True, blank=True)
    # likes + shares + replies + quotes + saves (a missing count adds nothing), stored so lists
    # can be ordered by it in the database.
    engagement = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField()  # copied from the target: the period filters use it
    checked_at = models.DateTimeField(null=True, blank=True)
    checks = models.PositiveSmallIntegerField(default=0)
    next_check_at = models.DateTimeField(null=True, blank=True)  # None: no more checks
    lease_until = models.DateTimeField(null=True, blank=True)
    # The network no longer has the post (deleted there): the last counts stay.
    gone = models.BooleanField(default=False)
    error = models.CharField(max_length=500, blank=True)

    objects = PostResultQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["next_check_at"], name="result_next_check"),
            models.Index(fields=["organisation", "published_at"], name="result_org_published"),
        ]

    def __str__(self) -> str:
        return f"{self.target_id}: {self.engagement}"


class ReportSubscription(models.Model):
    """Whether one member gets the monthly results report by e-mail, and the last month sent.

    A member without a row gets the report when they are an owner or a manager.
    """

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="report_subscription"
    )
    monthly = models.BooleanField(_("monthly report by e-mail"), default=True)
    # The first day of the month last reported; claimed by a conditional UPDATE, so sent once.
    last_sent_for = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.monthly}"


class AudienceCount(models.Model):
    """How many followers a channel had on one day: one count per local day, the first of it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()  # the organisation's local date
    followers = models.PositiveIntegerField()
    counted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "day"], name="one_audience_count_a_day")
        ]
        indexes = [models.Index(fields=["organisation", "day"], name="audience_org_day")]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.day}: {self.followers}"


class LocationDay(models.Model):
    """One day of a Google Business Profile location: how it was found and what people did,
    and its rating as Google gave it that day. A value Google did not give stays null."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    views_search = models.PositiveIntegerField(null=True)  # desktop + mobile impressions
    views_maps = models.PositiveIntegerField(null=True)
    calls = models.PositiveIntegerField(null=True)
    directions = models.PositiveIntegerField(null=True)
    website_clicks = models.PositiveIntegerField(null=True)
    # Google's own average and count over all the location's reviews, written down daily.
    rating = models.FloatField(null=True)
    reviews = models.PositiveIntegerField(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "day"], name="one_location_day")]
        indexes = [models.Index(fields=["organisation", "day"], name="location_day_org_day")]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.day}"


MAX_RECIPIENTS = 10


class ClientReport(models.Model):
    """A report of the results sent on a schedule to people outside the organisation (an
    agency's client), in their language, with the PDF attached."""

    class Period(models.TextChoices):
        MONTH = "month", _("Every month")
        QUARTER = "quarter", _("Every quarter")
        CUSTOM = "custom", _("Once, for chosen dates")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    period = models.CharField(
        _("period"), max_length=10, choices=Period.choices, default=Period.MONTH
    )
    # Only for a custom period: the local dates it covers, both included.
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("to"), null=True, blank=True)
    recipients = models.JSONField(_("recipients"), default=list)  # e-mail addresses
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    active = models.BooleanField(_("active"), default=True)
    # The first day of the period last sent; claimed by a conditional UPDATE, so sent once.
    last_sent_for = models.DateField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["organisation", "active"], name="client_report_org")]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.name}"


class ReportLink(models.Model):
    """A read-only address of a report for someone without an account; revoking stops it."""

    class Period(models.TextChoices):
        LAST_MONTH = "last_month", _("The last whole month")
        LAST_QUARTER = "last_quarter", _("The last whole quarter")
        CUSTOM = "custom", _("Chosen dates")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("for whom"), max_length=120, blank=True)
    period = models.CharField(
        _("period"), max_length=12, choices=Period.choices, default=Period.LAST_MONTH
    )
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("to"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # Looked up by hash; the token itself is kept encrypted so the team can copy it again.
    token_hash = models.CharField(max_length=64, unique=True)
    token_encrypted = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_viewed_at = models.DateTimeField(null=True, blank=True)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"report link {self.pk} of {self.organisation_id}"


class KeptFigures(models.Model):
    """A Measure page's figures as last counted, shown again until they are too old.

    `asked_at` says when someone last looked, so the background keeps counting only what
    people still look at (analytics/figures.py). `values` is what the page's template reads,
    pickled: written and read only by Klankbord itself, like Django's own cache.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    page = models.CharField(max_length=16)
    days = models.PositiveSmallIntegerField(default=0)  # the period chosen; 0 where none
    language = models.CharField(max_length=12)
    version = models.CharField(max_length=40)  # figures counted by other code are counted again
    counted_at = models.DateTimeField()
    asked_at = models.DateTimeField()
    queued_at = models.DateTimeField(null=True, blank=True)  # a background count is on its way
    values = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "page", "days", "language"], name="one_kept_figures"
            )
        ]
        indexes = [models.Index(fields=["asked_at"], name="kept_figures_asked")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.page}/{self.days} {self.language} {self.counted_at}"
