from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klankbord.channels.fields import EncryptedJSONField
from klankbord.orgs.models import Organisation

# Warn this long before a token expires.
EXPIRY_WARNING = timedelta(days=7)


class Channel(models.Model):
    """A connected account (or feed) of an organisation on one network."""

    class Status(models.TextChoices):
        CONNECTED = "connected", _("Connected")
        BROKEN = "broken", _("Broken")
        DISCONNECTED = "disconnected", _("Disconnected")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="channels"
    )
    network = models.CharField(max_length=30)
    external_id = models.CharField(max_length=300)
    handle = models.CharField(max_length=300)
    display_name = models.CharField(max_length=300, blank=True)
    avatar_url = models.URLField(max_length=1000, blank=True)
    profile_url = models.URLField(max_length=1000, blank=True)
    base_url = models.URLField(max_length=1000, blank=True)
    # Tokens and passwords, encrypted with KLANKBORD_ENCRYPTION_KEYS.
    secrets = EncryptedJSONField(blank=True, default=dict)
    settings = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONNECTED)
    status_reason = models.CharField(max_length=500, blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    connected_at = models.DateTimeField(default=timezone.now)
    disconnected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["network", "handle"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "network", "external_id"],
                condition=~models.Q(status="disconnected"),
                name="one_active_channel_per_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.network}:{self.handle}"

    def __repr__(self) -> str:
        # Never print secrets, not even in a debugger.
        return f"<Channel {self.pk} {self.network}:{self.handle} {self.status}>"

    @property
    def expires_soon(self) -> bool:
        if self.token_expires_at is None:
            return False
        return self.token_expires_at - timezone.now() < EXPIRY_WARNING

    @property
    def days_until_expiry(self) -> int | None:
        if self.token_expires_at is None:
            return None
        return max(0, (self.token_expires_at - timezone.now()).days)


class MastodonApp(models.Model):
    """Our app registration on one Mastodon instance, shared by all channels there."""

    instance_url = models.URLField(max_length=500)
    redirect_uri = models.URLField(max_length=500)
    client_id = models.CharField(max_length=200)
    secrets = EncryptedJSONField(blank=True, default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["instance_url", "redirect_uri"], name="one_app_per_instance"
            )
        ]

    def __str__(self) -> str:
        return self.instance_url


class FacebookApp(models.Model):
    """An organisation's own Meta app: Facebook Login runs under its id and secret."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="facebook_app"
    )
    app_id = models.CharField(max_length=30)
    # {"app_secret": ...}, encrypted with KLANKBORD_ENCRYPTION_KEYS.
    secrets = EncryptedJSONField(blank=True, default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.organisation}: {self.app_id}"

    def __repr__(self) -> str:
        return f"<FacebookApp {self.pk} {self.app_id}>"


class RateBudgetState(models.Model):
    """Requests left per account and network, shared by all workers."""

    key = models.CharField(max_length=300, primary_key=True)
    remaining = models.IntegerField(null=True)
    reset_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.remaining} until {self.reset_at}"
