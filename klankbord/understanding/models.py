from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from klankbord.orgs.models import Organisation


class Sentiment(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")


class Intent(models.TextChoices):
    QUESTION = "question", _("Question")
    LEAD = "lead", _("Lead")
    COMPLAINT = "complaint", _("Complaint")
    PRAISE = "praise", _("Praise")


class Correction(models.Model):
    """A member's word on what a post means; it teaches this organisation's heads."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="language_corrections"
    )
    text = models.TextField()
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices, blank=True)
    intents = models.JSONField(null=True, blank=True)  # None: intents not corrected
    source = models.CharField(max_length=20, default="try")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "created_at"])]

    def __str__(self) -> str:
        return self.text[:60]

    def intent_display(self) -> str:
        """The corrected intents in the reader's language; "" when intents were not corrected."""
        if self.intents is None:
            return ""
        labels = dict(Intent.choices)
        return ", ".join(str(labels.get(intent, intent)) for intent in self.intents) or str(
            _("none")
        )


class OrgModel(models.Model):
    """An organisation's retrained heads; absent or empty means the shipped ones are used."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="language_model"
    )
    heads = models.BinaryField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)  # bumps on every retrain: caches key on it
    corrections_used = models.PositiveIntegerField(default=0)
    trained_at = models.DateTimeField(null=True, blank=True)
    training_since = models.DateTimeField(null=True, blank=True)  # lease: one trainer at a time

    def __str__(self) -> str:
        return f"{self.organisation} v{self.version}"
