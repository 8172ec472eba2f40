"""Time spent on social media, money spent on ads, and what a lead or a click is worth.

Together with the plan's hourly cost they give Measure the cost of a period against its results.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klankbord.orgs.models import Organisation
from klankbord.strategy.texts import NETWORKS

MAX_MINUTES = 24 * 60  # one entry covers at most a day
MAX_AMOUNT = 1_000_000  # euro; catches typing errors, not ambitions


class Activity(models.TextChoices):
    PLANNING = "planning", _("Planning")
    WRITING = "writing", _("Writing")
    ANSWERING = "answering", _("Answering")
    LISTENING = "listening", _("Listening")
    REPORTING = "reporting", _("Reporting")


class TimeEntry(models.Model):
    """Minutes one member spent on one activity on one local day."""

    class Source(models.TextChoices):
        TIMER = "timer", _("Timer")
        MANUAL = "manual", _("Entered")
        SUGGESTED = "suggested", _("Suggested")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="time_entries"
    )
    # Kept when the account goes: the hours were spent and cost money all the same.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    activity = models.CharField(_("activity"), max_length=20, choices=Activity.choices)
    day = models.DateField(_("day"))  # the organisation's local date
    minutes = models.PositiveIntegerField(_("minutes"))
    started_at = models.DateTimeField(null=True, blank=True)  # timer entries only
    ended_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day", "-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "day"], name="time_entry_org_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=MAX_MINUTES), name="time_entry_minutes"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.activity} {self.minutes} min"


class RunningTimer(models.Model):
    """A member's timer while it runs; stopping it turns it into a TimeEntry."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    activity = models.CharField(_("activity"), max_length=20, choices=Activity.choices)
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "member"], name="one_running_timer_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.activity} since {self.started_at:%Y-%m-%d %H:%M}"


class CoveredWork(models.Model):
    """A post or reply a time suggestion was made from, once accepted or dismissed: never
    suggested again, so no work is counted twice."""

    class Kind(models.TextChoices):
        POST = "post", _("Post")
        REPLY = "reply", _("Reply")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    # None: dismissed; otherwise the entry it was accepted into.
    entry = models.ForeignKey(
        TimeEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="covered"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "object_id"], name="work_covered_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class AdSpend(models.Model):
    """Money paid to a network for ads over a period (both days included)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    amount = models.DecimalField(_("amount (€)"), max_digits=12, decimal_places=2)
    network = models.CharField(
        _("network"),
        max_length=20,
        blank=True,
        choices=list(NETWORKS.items()),  # the plan's networks, so the two compare
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="ad_spend_period"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="ad_spend_not_negative"),
        ]

    def __str__(self) -> str:
        return f"€ {self.amount} {self.start}..{self.end}"


class ReturnSettings(models.Model):
    """What the owner says a lead and a click are worth, and how long a post or reply takes."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="return_settings"
    )
    value_per_lead = models.DecimalField(
        _("value of a lead (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    value_per_click = models.DecimalField(
        _("value of a click (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    minutes_per_post = models.PositiveSmallIntegerField(_("minutes to write a post"), default=20)
    minutes_per_reply = models.PositiveSmallIntegerField(
        _("minutes to answer a message"), default=5
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"return settings of {self.organisation_id}"
