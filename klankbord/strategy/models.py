"""The social media plan: one current plan per organisation, saved step by step, with versions.

Each step's answers are one JSON object, validated by that step's form (forms.py) before it is
stored, so a half-filled step can be saved and picked up later. Shapes (keys in vocabulary.py):

- goals: goals [goal], primary, hours_per_week, who, mode, internal_rate, consultant_rate
- audiences: audiences [{name, description, where, area, age_from, age_to, kind,
  online [moment], networks [network], usage}]
- positioning: current_image, desired_image, difference, address, register, avoid, visual
- channels: networks [network], notes
- content: pillars [{name, kind, share, examples}], visual_style, formats {network: [format]}
- rhythm: posts_per_week {network: n}, best_moments {network: text}, who_posts, who_answers,
  response_minutes
- budget: hours_per_week, hourly_cost, ad_spend, tools, tools_cost, outside_help (euro/month)
- kpis: kpis [{goal, indicator, target, period, metric, evaluate_on (ISO date)}]; metric is a key
  of kpi_metrics.KPI_METRICS when Klankbord measures the KPI itself, "" when it is entered by hand
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klankbord.orgs.models import Organisation
from klankbord.strategy.vocabulary import STEPS

SNAPSHOT_FORMAT = 1


class Plan(models.Model):
    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="plan")
    # The number of the last saved version; 0 until one is saved.
    version = models.PositiveIntegerField(default=0)
    goals = models.JSONField(default=dict, blank=True)
    audiences = models.JSONField(default=dict, blank=True)
    positioning = models.JSONField(default=dict, blank=True)
    channels = models.JSONField(default=dict, blank=True)
    content = models.JSONField(default=dict, blank=True)
    rhythm = models.JSONField(default=dict, blank=True)
    budget = models.JSONField(default=dict, blank=True)
    kpis = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The evaluation rhythm: a reminder opens the review page on next_review_on.
    review_every_months = models.PositiveSmallIntegerField(_("evaluate every (months)"), default=3)
    next_review_on = models.DateField(_("next evaluation"), null=True, blank=True)
    # The next_review_on a reminder went out for; a claim by conditional UPDATE sends it once.
    review_reminded_for = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"plan of {self.organisation_id} (version {self.version})"

    @property
    def steps(self) -> dict[str, dict[str, Any]]:
        return {key: getattr(self, key) or {} for key in STEPS}

    def snapshot(self) -> dict[str, Any]:
        return {"format": SNAPSHOT_FORMAT, "steps": self.steps}


class PlanVersion(models.Model):
    """The whole plan as it was when someone saved a version or a review."""

    class Kind(models.TextChoices):
        MANUAL = "manual", _("Saved version")
        REVIEW = "review", _("Review")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MANUAL)
    data = models.JSONField()
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_per_number")
        ]

    def __str__(self) -> str:
        return f"version {self.number} of plan {self.plan_id}"

    @property
    def steps(self) -> dict[str, dict[str, Any]]:
        steps: dict[str, dict[str, Any]] = self.data.get("steps", {})
        return steps


class PlanShare(models.Model):
    """A read-only address of the plan for a consultant or the team; revoking stops it at once."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # Looked up by hash; the token itself is kept encrypted so the team can copy it again.
    token_hash = models.CharField(max_length=64, unique=True)
    token_encrypted = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"share {self.pk} of plan {self.plan_id}"


class StaffPolicy(models.Model):
    """The staff social media policy in one language: generated from the plan and the
    organisation's choices, then edited by hand."""

    class Language(models.TextChoices):
        DUTCH = "nl", "Nederlands"
        FRENCH = "fr", "Français"
        ENGLISH = "en", "English"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="staff_policies"
    )
    language = models.CharField(max_length=2, choices=Language.choices)
    # The answers the draft was generated from (what staff may say, confidentiality, …).
    choices = models.JSONField(default=dict, blank=True)
    text = models.TextField(blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "language"], name="one_staff_policy_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"staff policy ({self.language}) of {self.organisation_id}"
