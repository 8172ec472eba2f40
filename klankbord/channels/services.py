from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from klankbord.accounts.models import User
from klankbord.channels.models import (
    Channel,
    FacebookApp,
    MastodonApp,
    OAuthApp,
    RateBudgetState,
    ThreadsApp,
)
from klankbord.channels.networks import connector_class
from klankbord.channels.networks.base import (
    Account,
    AuthError,
    Connector,
    ConnectorError,
    Profile,
    Quota,
)
from klankbord.orgs.models import Organisation
from klankbord.orgs.services import audit_record


class ChannelStore:
    """Saves what a connector changes on its channel row."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    def save_secrets(self, secrets: dict[str, Any]) -> None:
        self.channel.secrets = secrets
        fields = ["secrets"]
        if isinstance(secrets.get("expires_at"), int):
            # A refreshed token (Threads) lives longer: the expiry warning follows it.
            self.channel.token_expires_at = datetime.fromtimestamp(secrets["expires_at"], UTC)
            fields.append("token_expires_at")
        self.channel.save(update_fields=fields)

    def save_settings(self, settings: dict[str, Any]) -> None:
        self.channel.settings = settings
        self.channel.save(update_fields=["settings"])

    def reload_secrets(self) -> dict[str, Any]:
        fresh = Channel.objects.get(pk=self.channel.pk)
        self.channel.secrets = fresh.secrets
        return dict(fresh.secrets)

    @contextmanager
    def refresh_lock(self) -> Iterator[None]:
        # One refresh at a time per channel: the row lock makes other workers wait, then
        # they re-read the token this one stored instead of refreshing again.
        with transaction.atomic():
            Channel.objects.select_for_update().filter(pk=self.channel.pk).first()
            yield


class DatabaseBudget:
    """The HTTP seam's rate budget, kept in the database so every worker shares it."""

    def blocked_until(self, key: str) -> datetime | None:
        state = RateBudgetState.objects.filter(key=key).first()
        now = timezone.now()
        exhausted = state is not None and state.remaining is not None and state.remaining <= 0
        if exhausted and state and state.reset_at and state.reset_at > now:
            return state.reset_at
        return None

    def record(self, key: str, remaining: int | None, reset_at: datetime | None) -> None:
        RateBudgetState.objects.update_or_create(
            key=key, defaults={"remaining": remaining, "reset_at": reset_at}
        )


def allow_loopback() -> bool:
    return bool(django_settings.KLANKBORD_ALLOW_LOOPBACK_URLS)


def account_for(channel: Channel) -> Account:
    return Account(
        external_id=channel.external_id,
        handle=channel.handle,
        base_url=channel.base_url,
        secrets=dict(channel.secrets),
        settings=dict(channel.settings),
    )


def connector_for(channel: Channel) -> Connector:
    return connector_class(channel.network)(
        account_for(channel),
        ChannelStore(channel),
        budget=DatabaseBudget(),
        allow_loopback=allow_loopback(),
    )


# The composer asks as the user types; the network is asked at most this often per channel.
QUOTA_CACHE_SECONDS = 300


def publishing_quota(channel: Channel) -> Quota | None:
    """What the network says is left of its posting limit (Instagram, Threads), briefly cached;
    None when it has no limit or cannot say right now."""
    if not connector_class(channel.network).has_quota:
        return None
    key = f"klankbord:quota:{channel.pk}"
    cached: Quota | None = cache.get(key)
    if cached is not None:
        return cached
    try:
        quota = connector_for(channel).publishing_quota()
    except ConnectorError:
        return None  # the limit is checked again when the post goes out
    if quota is not None:
        cache.set(key, quota, QUOTA_CACHE_SECONDS)
    return quota


@transaction.atomic
def channel_connect(
    *,
    organisation: Organisation,
    network: str,
    profile: Profile,
    by: User,
    base_url: str = "",
    secrets: dict[str, Any] | None = None,
    settings: dict[str, Any] | None = None,
    token_expires_at: datetime | None = None,
) -> Channel:
    """Connect an account, or reconnect it when it was connected before (history stays)."""
    channel = (
        Channel.objects.filter(
            organisation=organisation, network=network, external_id=profile.external_id
        )
        .order_by("-connected_at")
        .first()
    )
    reconnect = channel is not None
    if channel is None:
        channel = Channel(organisation=organisation, network=network)
    channel.external_id = profile.external_id
    channel.handle = profile.handle
    channel.display_name = profile.display_name
    channel.avatar_url = profile.avatar_url[:1000]
    channel.profile_url = profile.profile_url[:1000]
    channel.base_url = base_url
    channel.secrets = secrets or {}
    channel.settings = {**(channel.settings or {}), **(settings or {})}
    channel.status = Channel.Status.CONNECTED
    channel.status_reason = ""
    channel.token_expires_at = token_expires_at
    channel.connected_at = timezone.now()
    channel.disconnected_at = None
    channel.save()
    audit_record(
        organisation=organisation,
        actor=by,
        action="channel.reconnect" if reconnect else "channel.connect",
        target=f"{network}:{profile.handle}",
    )
    return channel


@transaction.atomic
def channel_disconnect(*, channel: Channel, by: User) -> None:
    """Forget the credentials but keep the channel and its history."""
    channel.status = Channel.Status.DISCONNECTED
    channel.secrets = {}
    channel.disconnected_at = timezone.now()
    channel.save(update_fields=["status", "secrets", "disconnected_at"])
    audit_record(
        organisation=channel.organisation,
        actor=by,
        action="channel.disconnect",
        target=str(channel),
    )


def channel_mark_broken(*, channel: Channel, reason: str) -> None:
    Channel.objects.filter(pk=channel.pk).update(
        status=Channel.Status.BROKEN, status_reason=reason[:500]
    )
    channel.status, channel.status_reason = Channel.Status.BROKEN, reason[:500]


def channel_check(*, channel: Channel) -> Channel:
    """Ask the network who we are: proves the credentials work, refreshes name and avatar."""
    try:
        profile = connector_for(channel).profile()
    except AuthError as error:
        channel_mark_broken(channel=channel, reason=error.message)
        return channel
    channel.display_name = profile.display_name
    channel.avatar_url = profile.avatar_url[:1000]
    channel.status = Channel.Status.CONNECTED
    channel.status_reason = ""
    channel.last_synced_at = timezone.now()
    channel.save(
        update_fields=["display_name", "avatar_url", "status", "status_reason", "last_synced_at"]
    )
    return channel


def facebook_app_save(
    *, organisation: Organisation, app_id: str, app_secret: str, by: User
) -> FacebookApp:
    """Keep the organisation's own Meta app; its secret is stored encrypted."""
    stored = FacebookApp.objects.filter(organisation=organisation).first()
    # The webhook's verify token stays: Meta keeps the one it was given.
    kept = (
        {"verify_token": stored.secrets["verify_token"]}
        if stored and stored.secrets.get("verify_token")
        else {}
    )
    app, created = FacebookApp.objects.update_or_create(
        organisation=organisation,
        defaults={"app_id": app_id, "secrets": {"app_secret": app_secret, **kept}},
    )
    audit_record(
        organisation=organisation,
        actor=by,
        action="facebook_app.create" if created else "facebook_app.update",
        target=app_id,
    )
    return app


def oauth_app_save(
    *, organisation: Organisation, network: str, client_id: str, client_secret: str, by: User
) -> OAuthApp:
    """Keep the organisation's own OAuth client at a network; its secret is stored encrypted."""
    app, created = OAuthApp.objects.update_or_create(
        organisation=organisation,
        network=network,
        defaults={"client_id": client_id, "secrets": {"client_secret": client_secret}},
    )
    audit_record(
        organisation=organisation,
        actor=by,
        action="oauth_app.create" if created else "oauth_app.update",
        target=f"{network}:{client_id}",
    )
    return app


def secrets_rotate() -> int:
    """Re-encrypt every stored secret with the newest (first) key. Returns the rows written."""
    written = 0
    for model in (Channel, MastodonApp, FacebookApp, ThreadsApp, OAuthApp):
        for row in model.objects.iterator():
            # Loading decrypts with any configured key; saving encrypts with the first one.
            row.save(update_fields=["secrets"])
            written += 1
    return written


def threads_app_save(
    *, organisation: Organisation, app_id: str, app_secret: str, by: User
) -> ThreadsApp:
    """Keep the organisation's own Threads app id and secret; the secret is stored encrypted."""
    stored = ThreadsApp.objects.filter(organisation=organisation).first()
    # The webhook's verify token stays: Meta keeps the one it was given.
    token = stored.secrets.get("verify_token") if stored else None
    kept = {"verify_token": token} if token else {}
    app, created = ThreadsApp.objects.update_or_create(
        organisation=organisation,
        defaults={"app_id": app_id, "secrets": {"app_secret": app_secret, **kept}},
    )
    audit_record(
        organisation=organisation,
        actor=by,
        action="threads_app.create" if created else "threads_app.update",
        target=app_id,
    )
    return app
