"""Writing help: the organisation's own language model endpoint, its monthly usage and the
facts sheet that answers may rely on."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klankbord.channels.fields import EncryptedJSONField
from klankbord.orgs.models import Organisation


class Connection(models.Model):
    """One OpenAI-compatible chat endpoint per organisation; off until an owner turns it on."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="assistant_connection"
    )
    enabled = models.BooleanField(_("turned on"), default=False)
    base_url = models.CharField(_("endpoint address"), max_length=500, blank=True)
    model = models.CharField(_("model"), max_length=200, blank=True)
    # {"api_key": "..."}; encrypted at rest and never shown back.
    secrets = EncryptedJSONField(blank=True, default=dict)
    accepts_images = models.BooleanField(_("the model reads images"), default=False)
    # 0: no limit.
    monthly_requests = models.PositiveIntegerField(_("requests per month"), default=200)
    monthly_tokens = models.PositiveIntegerField(_("tokens per month"), default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"writing help of {self.organisation_id}"

    def __repr__(self) -> str:
        # Never print secrets, not even in a debugger.
        return f"<Connection {self.pk} of {self.organisation_id}>"

    @property
    def has_key(self) -> bool:
        return bool((self.secrets or {}).get("api_key"))

    @property
    def ready(self) -> bool:
        return self.enabled and bool(self.base_url) and bool(self.model)


class Usage(models.Model):
    """Requests and tokens used in one calendar month; counted with conditional updates."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="assistant_usage"
    )
    month = models.DateField()  # the first day of the month
    requests = models.PositiveIntegerField(default=0)
    tokens = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="one_usage_per_month")
        ]

    def __str__(self) -> str:
        return f"usage of {self.organisation_id} in {self.month:%Y-%m}"


class FactsSheet(models.Model):
    """What the organisation chose to share; a suggested answer states no other fact."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="facts_sheet"
    )
    opening_hours = models.TextField(_("opening hours"), max_length=2000, blank=True)
    address = models.TextField(_("address"), max_length=1000, blank=True)
    services = models.TextField(_("services"), max_length=4000, blank=True)
    prices = models.TextField(_("prices"), max_length=4000, blank=True)
    other = models.TextField(_("other facts"), max_length=4000, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"facts sheet of {self.organisation_id}"
