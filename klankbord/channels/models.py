from datetime import timedelta

from django.conf import settings
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
    # {"app_secret": ..., "verify_token": ...}, encrypted with KLANKBORD_ENCRYPTION_KEYS.
    secrets = EncryptedJSONField(blank=True, default=dict)
    # The unguessable part of this app's webhook address (empty: no webhook yet).
    webhook_key = models.CharField(max_length=64, blank=True, db_index=True)
    last_event_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.organisation}: {self.app_id}"

    def __repr__(self) -> str:
        return f"<FacebookApp {self.pk} {self.app_id}>"


class HiddenComment(models.Model):
    """A comment on one of our posts that the team hid on the network from the inbox."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="hidden_comments")
    remote_id = models.CharField(max_length=500)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    hidden_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "remote_id"], name="hidden_comment_once")
        ]

    def __str__(self) -> str:
        return self.remote_id


class WebhookEvent(models.Model):
    """One change a network pushed to us, stored as received before anything is done with it."""

    class Status(models.TextChoices):
        NEW = "new", _("Received")
        CLAIMED = "claimed", _("Being processed")
        DONE = "done", _("Processed")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="webhook_events"
    )
    network = models.CharField(max_length=30)
    # The account the change is about (a Page id), and what stays the same on a redelivery.
    account_id = models.CharField(max_length=300)
    key = models.CharField(max_length=300)
    body = models.JSONField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "network", "key"], name="webhook_event_once"
            )
        ]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.network} {self.key}"


class RateBudgetState(models.Model):
    """Requests left per account and network, shared by all workers."""

    key = models.CharField(max_length=300, primary_key=True)
    remaining = models.IntegerField(null=True)
    reset_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.remaining} until {self.reset_at}"


# Its own model, not fields on FacebookApp: Meta gives the Threads use case its own app id and
# secret, and an organisation may use Threads without any Facebook Page.
class ThreadsApp(models.Model):
    """An organisation's own Meta app for Threads: the authorization runs under its id."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="threads_app"
    )
    app_id = models.CharField(max_length=30)
    # {"app_secret": ..., "verify_token": ...}, encrypted with KLANKBORD_ENCRYPTION_KEYS.
    secrets = EncryptedJSONField(blank=True, default=dict)
    # The unguessable part of this app's webhook address (empty: no webhook yet).
    webhook_key = models.CharField(max_length=64, blank=True, db_index=True)
    last_event_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.organisation}: {self.app_id}"

    def __repr__(self) -> str:
        return f"<ThreadsApp {self.pk} {self.app_id}>"


class OAuthApp(models.Model):
    """An organisation's own OAuth client at a network (LinkedIn, Google): one per network.

    Each business registers its own app, so its access never depends on another's approval.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="oauth_apps"
    )
    network = models.CharField(max_length=30)
    client_id = models.CharField(max_length=200)
    # {"client_secret": ...}, encrypted with KLANKBORD_ENCRYPTION_KEYS.
    secrets = EncryptedJSONField(blank=True, default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "network"], name="one_oauth_app_per_network"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.network} {self.client_id}"

    def __repr__(self) -> str:
        return f"<OAuthApp {self.pk} {self.network} {self.client_id}>"
