import json
import secrets
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from klankbord.accounts.types import AuthenticatedHttpRequest
from klankbord.channels import meta_webhooks, selectors, services
from klankbord.channels.forms import (
    BlueskyForm,
    FacebookAppForm,
    FacebookPageForm,
    FeedForm,
    GoogleAppForm,
    GoogleLocationsForm,
    InstagramAccountForm,
    LinkedInAppForm,
    LinkedInPageForm,
    MastodonForm,
    SandboxForm,
    ThreadsAppForm,
    WhatsAppForm,
)
from klankbord.channels.models import Channel, FacebookApp, MastodonApp, ThreadsApp
from klankbord.channels.networks import (
    available_networks,
    connector_class,
    facebook,
    google,
    linkedin,
    mastodon,
    threads,
    whatsapp,
)
from klankbord.channels.networks.base import (
    Account,
    AuthError,
    ConnectorError,
    NotFound,
    Profile,
)
from klankbord.channels.networks.rss import FeedConnector
from klankbord.core.middleware import csp_allow
from klankbord.lib.crypto import secret_box
from klankbord.orgs.access import get_membership, org_view
from klankbord.orgs.models import Membership, Role

MASTODON_STATE = "mastodon_oauth"
FACEBOOK_STATE = "facebook_oauth"


def _oauth_start(request: HttpRequest, key: str, membership: Membership, **data: str) -> str:
    """A fresh OAuth state, kept in the session with what the callback needs to finish."""
    state = secrets.token_urlsafe(24)
    request.session[key] = {"state": state, "org": membership.organisation.slug, **data}
    return state


def _oauth_pending(request: HttpRequest, key: str) -> dict[str, str] | None:
    """What the connection started here, if the callback brings back its state; used once."""
    pending = request.session.pop(key, None)
    if not pending or not secrets.compare_digest(pending["state"], request.GET.get("state", "")):
        return None
    return dict(pending)


# After Facebook Login: the organisation and its long-lived user token, encrypted, until a
# Page is chosen.
FACEBOOK_PENDING = "facebook_pages"


def channels_page(request: HttpRequest, membership: Membership, **forms: object) -> HttpResponse:
    org = membership.organisation
    context = {
        "membership": membership,
        "channels": selectors.channels_of(org, include_disconnected=True),
        "networks": {cls.network: cls for cls in available_networks()},
        "sandbox_form": forms.get("sandbox_form") or SandboxForm(),
        "feed_form": forms.get("feed_form") or FeedForm(),
        "mastodon_form": forms.get("mastodon_form") or MastodonForm(),
        "bluesky_form": forms.get("bluesky_form") or BlueskyForm(),
        "facebook_app_form": forms.get("facebook_app_form") or FacebookAppForm(),
        "facebook_app": selectors.facebook_app_of(org),
        "is_owner": membership.has_role(Role.OWNER),
        "facebook_webhook": _app_webhook(membership, FacebookApp, "meta_webhook"),
        # The channels whose comments and messages Meta's webhook brings.
        "meta_networks": ("facebook", "instagram"),
        "threads_app_form": forms.get("threads_app_form") or ThreadsAppForm(),
        "threads_app": selectors.threads_app_of(org),
        "threads_redirect_uri": threads_redirect_uri(),
        "threads_webhook": _app_webhook(membership, ThreadsApp, "threads_webhook"),
        "google_app_form": forms.get("google_app_form") or GoogleAppForm(),
        "google_app": selectors.oauth_app_of(org, "google"),
        "google_redirect_uri": google_redirect_uri(),
        **_linkedin_card(membership, forms.get("linkedin_app_form")),
        "whatsapp_form": forms.get("whatsapp_form") or WhatsAppForm(),
        "whatsapp_webhooks": _whatsapp_webhooks(membership),
    }
    response = render(request, "channels/list.html", context)
    # Connecting Mastodon posts this page's form, then sends the browser on to the instance.
    return csp_allow(response, "form-action", ["https:", "http:"])


def _app_webhook(
    membership: Membership, model: type[meta_webhooks.AppT], url_name: str
) -> dict[str, object] | None:
    """How an app's events come in, and (for the owner) what to enter at Meta."""
    stored = model.objects.filter(organisation=membership.organisation).first()
    if stored is None:
        return None
    if membership.has_role(Role.OWNER):
        stored = meta_webhooks.webhook_ensure(stored)
    url = settings.SITE_URL + reverse(url_name, args=[stored.webhook_key])
    return {
        "way_in": meta_webhooks.way_in(stored),
        "last_event_at": stored.last_event_at,
        "url": url if stored.webhook_key else "",
        "verify_token": stored.secrets.get("verify_token", ""),
    }


# Public: Meta calls it. Each app has its own unguessable address; the body is signed.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def meta_webhook_view(request: HttpRequest, key: str) -> HttpResponse:
    app = FacebookApp.objects.filter(webhook_key=key).first() if key else None
    if app is None:
        raise Http404
    return _webhook_answer(request, app)


# Public: Meta calls it for the Threads app (docs/threads/webhooks); signed with its secret.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def threads_webhook_view(request: HttpRequest, key: str) -> HttpResponse:
    app = ThreadsApp.objects.filter(webhook_key=key).first() if key else None
    if app is None:
        raise Http404
    return _webhook_answer(request, app)


def _webhook_answer(request: HttpRequest, app: meta_webhooks.App) -> HttpResponse:
    """The handshake, or a signed delivery stored and acknowledged."""
    if request.method == "GET":
        mode = request.GET.get("hub.mode", "")
        token = request.GET.get("hub.verify_token", "")
        challenge = request.GET.get("hub.challenge", "")
        if not meta_webhooks.verify_ok(app, mode, token) or not challenge.isalnum():
            return HttpResponseForbidden()
        return HttpResponse(challenge[:200], content_type="text/plain")
    # Checked before anything is parsed or stored: an unsigned body is not Meta's.
    secret = str(app.secrets.get("app_secret") or "")
    signature = request.headers.get("X-Hub-Signature-256", "")
    if not meta_webhooks.signature_ok(secret, request.body, signature):
        return HttpResponseForbidden()
    try:
        meta_webhooks.events_receive(app=app, body=request.body)
    except meta_webhooks.BadDelivery:
        return HttpResponse(status=400)
    return HttpResponse("EVENT_RECEIVED", content_type="text/plain")


@org_view(Role.MANAGER)
def channels_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    return channels_page(request, membership)


@org_view(Role.MANAGER)
@require_POST
def connect_sandbox_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = SandboxForm(request.POST)
    if not form.is_valid():
        return channels_page(request, membership, sandbox_form=form)
    name = form.cleaned_data["name"]
    handle = slugify(name) or "oefenaccount"
    channel = services.channel_connect(
        organisation=membership.organisation,
        network="sandbox",
        profile=Profile(
            external_id=f"sandbox-{secrets.token_hex(6)}", handle=handle, display_name=name
        ),
        by=membership.user,
        settings={"display_name": name},
    )
    messages.success(
        request, _("The practice channel %(handle)s is ready.") % {"handle": channel.handle}
    )
    return redirect("channels", org_slug=membership.organisation.slug)


@org_view(Role.MANAGER)
@require_POST
def connect_feed_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = FeedForm(request.POST)
    if not form.is_valid():
        return channels_page(request, membership, feed_form=form)
    try:
        feed_url, parsed = FeedConnector.locate(
            form.cleaned_data["url"], allow_loopback=services.allow_loopback()
        )
    except ConnectorError as error:
        form.add_error("url", error.message)
        return channels_page(request, membership, feed_form=form)
    title = parsed.get("feed", {}).get("title", "") or feed_url
    services.channel_connect(
        organisation=membership.organisation,
        network="rss",
        profile=Profile(
            external_id=feed_url,
            handle=title[:300],
            display_name=title[:300],
            profile_url=parsed.get("feed", {}).get("link", "")[:1000],
        ),
        by=membership.user,
        base_url=feed_url,
    )
    messages.success(request, _("The feed “%(title)s” was added.") % {"title": title})
    return redirect("channels", org_slug=membership.organisation.slug)


@org_view(Role.MANAGER)
@require_POST
def connect_bluesky_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = BlueskyForm(request.POST)
    if not form.is_valid():
        return channels_page(request, membership, bluesky_form=form)
    # Here, not at the top: atproto holds 40 MB that no other page of a web process needs.
    from klankbord.channels.networks.bluesky import PUBLIC_PDS, BlueskyConnector

    pds = (form.cleaned_data["pds"] or PUBLIC_PDS).rstrip("/")
    try:
        profile, secrets_ = BlueskyConnector.log_in(
            handle=form.cleaned_data["handle"],
            app_password=form.cleaned_data["app_password"],
            pds=pds,
            allow_loopback=services.allow_loopback(),
        )
    except ConnectorError as error:
        form.add_error("app_password", error.message)
        return channels_page(request, membership, bluesky_form=form)
    services.channel_connect(
        organisation=membership.organisation,
        network="bluesky",
        profile=profile,
        by=membership.user,
        base_url=pds,
        secrets=secrets_,
    )
    messages.success(request, _("%(handle)s is connected.") % {"handle": profile.handle})
    return redirect("channels", org_slug=membership.organisation.slug)


def mastodon_redirect_uri() -> str:
    return settings.SITE_URL + reverse("mastodon_callback")


def mastodon_app(instance: str) -> mastodon.App:
    redirect_uri = mastodon_redirect_uri()
    stored = MastodonApp.objects.filter(instance_url=instance, redirect_uri=redirect_uri).first()
    if stored is None:
        app = mastodon.register_app(
            instance, redirect_uri, allow_loopback=services.allow_loopback()
        )
        stored, _created = MastodonApp.objects.get_or_create(
            instance_url=instance,
            redirect_uri=redirect_uri,
            defaults={"client_id": app.client_id, "secrets": {"client_secret": app.client_secret}},
        )
    return mastodon.App(client_id=stored.client_id, client_secret=stored.secrets["client_secret"])


@org_view(Role.MANAGER)
@require_POST
def connect_mastodon_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = MastodonForm(request.POST)
    if not form.is_valid():
        return channels_page(request, membership, mastodon_form=form)
    try:
        instance = mastodon.normalise_instance(form.cleaned_data["instance"])
        app = mastodon_app(instance)
    except ConnectorError as error:
        form.add_error("instance", error.message)
        return channels_page(request, membership, mastodon_form=form)
    state = _oauth_start(request, MASTODON_STATE, membership, instance=instance)
    return redirect(mastodon.authorize_url(instance, app, mastodon_redirect_uri(), state))


@login_required
def mastodon_callback_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    pending = _oauth_pending(request, MASTODON_STATE)
    if pending is None:
        messages.error(
            request, _("This Mastodon connection was not started here, or it expired. Try again.")
        )
        return redirect("home")
    membership = get_membership(request.user, pending["org"], Role.MANAGER)
    back = redirect("channels", org_slug=membership.organisation.slug)
    if "code" not in request.GET:
        messages.error(
            request,
            _("Mastodon did not give access: %(reason)s")
            % {
                "reason": request.GET.get(
                    "error_description", request.GET.get("error", _("refused"))
                )
            },
        )
        return back
    instance = pending["instance"]
    try:
        app = mastodon_app(instance)
        token = mastodon.exchange_code(
            instance,
            app,
            mastodon_redirect_uri(),
            request.GET["code"],
            allow_loopback=services.allow_loopback(),
        )
        connector = mastodon.MastodonConnector(
            Account(base_url=instance, secrets={"access_token": token}),
            allow_loopback=services.allow_loopback(),
        )
        profile = connector.profile()
        limits = mastodon.instance_limits(connector.client())
    except ConnectorError as error:
        messages.error(
            request, _("Connecting to Mastodon failed: %(reason)s") % {"reason": error.message}
        )
        return back
    services.channel_connect(
        organisation=membership.organisation,
        network="mastodon",
        profile=profile,
        by=request.user,
        base_url=instance,
        secrets={"access_token": token},
        settings={"limits": limits},
    )
    messages.success(request, _("%(handle)s is connected.") % {"handle": profile.handle})
    return back


@org_view(Role.MANAGER)
@require_POST
def channel_check_view(
    request: HttpRequest, membership: Membership, channel_id: int
) -> HttpResponse:
    channel = get_object_or_404(Channel, pk=channel_id, organisation=membership.organisation)
    try:
        services.channel_check(channel=channel)
    except ConnectorError as error:
        messages.error(request, _("The check failed: %(reason)s") % {"reason": error.message})
    else:
        if channel.status == Channel.Status.BROKEN:
            messages.error(request, channel.status_reason)
        else:
            messages.success(request, _("%(handle)s works.") % {"handle": channel.handle})
    return redirect("channels", org_slug=membership.organisation.slug)


@org_view(Role.MANAGER)
@require_POST
def channel_disconnect_view(
    request: HttpRequest, membership: Membership, channel_id: int
) -> HttpResponse:
    channel = get_object_or_404(Channel, pk=channel_id, organisation=membership.organisation)
    services.channel_disconnect(channel=channel, by=membership.user)
    messages.success(
        request, _("%(handle)s was disconnected; its history stays.") % {"handle": channel.handle}
    )
    return redirect("channels", org_slug=membership.organisation.slug)


def facebook_redirect_uri() -> str:
    return settings.SITE_URL + reverse("facebook_callback")


@org_view(Role.OWNER)
@require_POST
def facebook_app_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = FacebookAppForm(request.POST)
    if not form.is_valid():
        return channels_page(request, membership, facebook_app_form=form)
    services.facebook_app_save(
        organisation=membership.organisation,
        app_id=form.cleaned_data["app_id"],
        app_secret=form.cleaned_data["app_secret"],
        by=membership.user,
    )
    messages.success(request, _("The Meta app is saved. You can now connect a Facebook Page."))
    return redirect("channels", org_slug=membership.organisation.slug)


@org_view(Role.MANAGER)
@require_POST
def connect_facebook_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    app = selectors.facebook_app_of(membership.organisation)
    if app is None:
        messages.error(request, _("First the owner enters the app ID and secret of your Meta app."))
        return redirect("channels", org_slug=membership.organisation.slug)
    state = _oauth_start(request, FACEBOOK_STATE, membership, network="facebook")
    return redirect(facebook.dialog_url(app, facebook_redirect_uri(), state))


@org_view(Role.MANAGER)
@require_POST
def connect_instagram_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Instagram professional accounts come through Facebook Login, by the Page they belong to."""
    app = selectors.facebook_app_of(membership.organisation)
    if app is None:
        messages.error(request, _("First the owner enters the app ID and secret of your Meta app."))
        return redirect("channels", org_slug=membership.organisation.slug)
    state = _oauth_start(request, FACEBOOK_STATE, membership, network="instagram")
    scopes = facebook.INSTAGRAM_SCOPES
    return redirect(facebook.dialog_url(app, facebook_redirect_uri(), state, scopes))


@login_required
def facebook_callback_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    pending = _oauth_pending(request, FACEBOOK_STATE)
    if pending is None:
        messages.error(
            request, _("This Facebook connection was not started here, or it expired. Try again.")
        )
        return redirect("home")
    membership = get_membership(request.user, pending["org"], Role.MANAGER)
    back = redirect("channels", org_slug=membership.organisation.slug)
    app = selectors.facebook_app_of(membership.organisation)
    if "code" not in request.GET or app is None:
        reason = request.GET.get("error_description") or request.GET.get("error") or _("refused")
        messages.error(request, _("Facebook did not give access: %(reason)s") % {"reason": reason})
        return back
    loopback = services.allow_loopback()
    instagram = pending.get("network") == "instagram"
    try:
        token = facebook.user_token(
            app, facebook_redirect_uri(), request.GET["code"], allow_loopback=loopback
        )
        missing = facebook.missing_scopes(
            app, token, allow_loopback=loopback, required=_required_scopes(instagram)
        )
    except ConnectorError as error:
        messages.error(
            request, _("Connecting to Facebook failed: %(reason)s") % {"reason": error.message}
        )
        return back
    if missing:
        messages.error(
            request,
            _(
                "Facebook did not give every permission Klankbord needs (%(missing)s). "
                "Connect again and allow them."
            )
            % {"missing": ", ".join(sorted(missing))},
        )
        return back
    request.session[FACEBOOK_PENDING] = {
        "org": membership.organisation.slug,
        "token": secret_box().encrypt(token),
    }
    choose = "instagram_accounts" if instagram else "facebook_pages"
    return redirect(choose, org_slug=membership.organisation.slug)


def _required_scopes(instagram: bool) -> frozenset[str]:
    return facebook.INSTAGRAM_REQUIRED_SCOPES if instagram else facebook.REQUIRED_SCOPES


def _pending_pages(
    request: HttpRequest, membership: Membership, *, with_instagram: bool
) -> list[facebook.Page] | None:
    """The Pages of the Facebook Login this organisation started; None (and a message) if not."""
    org = membership.organisation
    pending = request.session.get(FACEBOOK_PENDING)
    if not pending or pending.get("org") != org.slug:
        messages.error(
            request, _("This Facebook connection was not started here, or it expired. Try again.")
        )
        return None
    token = secret_box().decrypt(pending["token"])
    loopback = services.allow_loopback()
    try:
        return facebook.pages_of(token, allow_loopback=loopback, with_instagram=with_instagram)
    except ConnectorError as error:
        messages.error(
            request, _("Connecting to Facebook failed: %(reason)s") % {"reason": error.message}
        )
        return None


@org_view(Role.MANAGER)
def facebook_pages_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    org = membership.organisation
    pages = _pending_pages(request, membership, with_instagram=False)
    if pages is None:
        return redirect("channels", org_slug=org.slug)
    loopback = services.allow_loopback()
    form = FacebookPageForm(request.POST or None, pages=pages)
    if request.method == "POST" and form.is_valid():
        page = form.chosen()
        account = Account(
            external_id=page.page_id,
            base_url=facebook.graph_url(),
            secrets={"access_token": page.access_token},
        )
        try:
            profile = facebook.FacebookConnector(account, allow_loopback=loopback).profile()
        except ConnectorError as error:
            form.add_error("page_id", error.message)
        else:
            services.channel_connect(
                organisation=org,
                network="facebook",
                profile=profile,
                by=membership.user,
                base_url=facebook.graph_url(),
                secrets=account.secrets,
            )
            del request.session[FACEBOOK_PENDING]
            messages.success(request, _("%(handle)s is connected.") % {"handle": profile.handle})
            return redirect("channels", org_slug=org.slug)
    return render(request, "channels/facebook_pages.html", {"membership": membership, "form": form})


@org_view(Role.MANAGER)
def instagram_accounts_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Choose the Instagram professional account, among those linked to the user's Pages."""
    org = membership.organisation
    pages = _pending_pages(request, membership, with_instagram=True)
    if pages is None:
        return redirect("channels", org_slug=org.slug)
    form = InstagramAccountForm(request.POST or None, pages=pages)
    if request.method == "POST" and form.is_valid():
        page = form.chosen()
        account = Account(
            external_id=page.instagram_id,
            base_url=facebook.graph_url(),
            secrets={"access_token": page.access_token},
            settings={"page_id": page.page_id, "username": page.instagram_username},
        )
        loopback = services.allow_loopback()
        try:
            profile = connector_class("instagram")(account, allow_loopback=loopback).profile()
        except ConnectorError as error:
            form.add_error("account", error.message)
        else:
            services.channel_connect(
                organisation=org,
                network="instagram",
                profile=profile,
                by=membership.user,
                base_url=facebook.graph_url(),
                secrets=account.secrets,
                settings=account.settings,
            )
            del request.session[FACEBOOK_PENDING]
            messages.success(request, _("%(handle)s is connected.") % {"handle": profile.handle})
            return redirect("channels", org_slug=org.slug)
    context = {
        "membership": membership,
        "form": form,
        "without_instagram": [page for page in pages if not page.instagram_id],
    }
    return render(request, "channels/instagram_accounts.html", context)


# --- Threads: the organisation's own Threads app and the authorization window --------------

THREADS_STATE = "threads_oauth"


def threads_redirect_uri() -> str:
    return settings.SITE_URL + reverse("threads_callback")


@org_view(Role.OWNER)
@require_POST
def threads_app_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = ThreadsAppForm(request.POST)
    if not form.is_valid():
        return channels_page(request, membership, threads_app_form=form)
    services.threads_app_save(
        organisation=membership.organisation,
        app_id=form.cleaned_data["threads_app_id"],
        app_secret=form.cleaned_data["threads_app_secret"],
        by=membership.user,
    )
    messages.success(request, _("The Threads app is saved. You can now connect Threads."))
    return redirect("channels", org_slug=membership.organisation.slug)


@org_view(Role.MANAGER)
@require_POST
def connect_threads_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    app = selectors.threads_app_of(membership.organisation)
    if app is None:
        messages.error(
            request, _("First the owner enters the Threads app ID and secret of your Meta app.")
        )
        return redirect("channels", org_slug=membership.organisation.slug)
    state = _oauth_start(request, THREADS_STATE, membership)
    return redirect(threads.authorize_url(app, threads_redirect_uri(), state))


@login_required
def threads_callback_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    pending = _oauth_pending(request, THREADS_STATE)
    if pending is None:
        messages.error(
            request, _("This Threads connection was not started here, or it expired. Try again.")
        )
        return redirect("home")
    membership = get_membership(request.user, pending["org"], Role.MANAGER)
    back = redirect("channels", org_slug=membership.organisation.slug)
    app = selectors.threads_app_of(membership.organisation)
    if "code" not in request.GET or app is None:
        reason = request.GET.get("error_description") or request.GET.get("error") or _("refused")
        messages.error(request, _("Threads did not give access: %(reason)s") % {"reason": reason})
        return back
    try:
        token, profile = _threads_account(app, request.GET["code"])
    except ConnectorError as error:
        messages.error(
            request, _("Connecting to Threads failed: %(reason)s") % {"reason": error.message}
        )
        return back
    services.channel_connect(
        organisation=membership.organisation,
        network="threads",
        profile=profile,
        by=request.user,
        base_url=threads.graph_url(),
        secrets=token.secrets(),
        token_expires_at=token.expires_at,
    )
    messages.success(request, _("%(handle)s is connected.") % {"handle": profile.handle})
    return back


def _threads_account(app: threads.App, code: str) -> tuple[threads.Token, Profile]:
    """The code → a long-lived token with every permission needed → who it belongs to."""
    loopback = services.allow_loopback()
    token = threads.user_token(app, threads_redirect_uri(), code, allow_loopback=loopback)
    missing = threads.missing_scopes(token.access_token, allow_loopback=loopback)
    if missing:
        raise ConnectorError(
            _(
                "Threads did not give every permission Klankbord needs (%(missing)s). "
                "Connect again and allow them."
            )
            % {"missing": ", ".join(sorted(missing))},
            permanent=True,
        )
    account = Account(
        external_id=token.user_id, base_url=threads.graph_url(), secrets=token.secrets()
    )
    profile = threads.ThreadsConnector(account, allow_loopback=loopback).profile()
    return token, profile


# --- Google Business Profile: the organisation's own OAuth client, consent, the locations ----

GOOGLE_STATE = "google_oauth"
# After consent: the organisation and the tokens, encrypted, until the locations are chosen.
GOOGLE_PENDING = "google_locations"


def google_redirect_uri() -> str:
    return settings.SITE_URL + reverse("google_callback")


def _google_app(membership: Membership) -> google.App | None:
    stored = selectors.oauth_app_of(membership.organisation, "google")
    if stored is None:
        return None
    return google.App(client_id=stored.client_id, client_secret=stored.secrets["client_secret"])


@org_view(Role.OWNER)
@require_POST
def google_app_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = GoogleAppForm(request.POST)
    if not form.is_valid():
        return channels_page(request, membership, google_app_form=form)
    services.oauth_app_save(
        organisation=membership.organisation,
        network="google",
        client_id=form.cleaned_data["google_client_id"],
        client_secret=form.cleaned_data["google_client_secret"],
        by=membership.user,
    )
    messages.success(
        request, _("The Google OAuth client is saved. You can now connect Google Business Profile.")
    )
    return redirect("channels", org_slug=membership.organisation.slug)


@org_view(Role.MANAGER)
@require_POST
def connect_google_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    app = _google_app(membership)
    if app is None:
        messages.error(
            request,
            _("First the owner enters the client ID and secret of your Google OAuth client."),
        )
        return redirect("channels", org_slug=membership.organisation.slug)
    state = _oauth_start(request, GOOGLE_STATE, membership)
    return redirect(google.authorize_url(app, google_redirect_uri(), state))


@login_required
def google_callback_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    pending = _oauth_pending(request, GOOGLE_STATE)
    if pending is None:
        messages.error(
            request, _("This Google connection was not started here, or it expired. Try again.")
        )
        return redirect("home")
    membership = get_membership(request.user, pending["org"], Role.MANAGER)
    back = redirect("channels", org_slug=membership.organisation.slug)
    app = _google_app(membership)
    if "code" not in request.GET or app is None:
        reason = request.GET.get("error") or _("refused")
        messages.error(request, _("Google did not give access: %(reason)s") % {"reason": reason})
        return back
    loopback = services.allow_loopback()
    try:
        token = google.token_from_code(
            app, google_redirect_uri(), request.GET["code"], allow_loopback=loopback
        )
    except ConnectorError as error:
        messages.error(
            request, _("Connecting to Google failed: %(reason)s") % {"reason": error.message}
        )
        return back
    box = secret_box()
    request.session[GOOGLE_PENDING] = {
        "org": membership.organisation.slug,
        "access": box.encrypt(token.access_token),
        "refresh": box.encrypt(token.refresh_token),
        "expires_at": int(token.expires_at.timestamp()),
    }
    return redirect("google_locations", org_slug=membership.organisation.slug)


@org_view(Role.MANAGER)
def google_locations_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Choose the locations to connect: a bakery with three shops connects three."""
    org = membership.organisation
    pending = request.session.get(GOOGLE_PENDING)
    app = _google_app(membership)
    if not pending or pending.get("org") != org.slug or app is None:
        messages.error(
            request, _("This Google connection was not started here, or it expired. Try again.")
        )
        return redirect("channels", org_slug=org.slug)
    box = secret_box()
    token = google.Token(
        access_token=box.decrypt(pending["access"]),
        refresh_token=box.decrypt(pending["refresh"]),
        expires_at=datetime.fromtimestamp(int(pending["expires_at"]), UTC),
    )
    try:
        locations = google.locations_of(
            token.access_token, allow_loopback=services.allow_loopback()
        )
    except ConnectorError as error:
        messages.error(
            request, _("Connecting to Google failed: %(reason)s") % {"reason": error.message}
        )
        return redirect("channels", org_slug=org.slug)
    form = GoogleLocationsForm(request.POST or None, locations=locations)
    if request.method == "POST" and form.is_valid():
        for location in form.chosen():
            _google_connect(request, membership, app, token, location)
        del request.session[GOOGLE_PENDING]
        return redirect("channels", org_slug=org.slug)
    return render(
        request, "channels/google_locations.html", {"membership": membership, "form": form}
    )


def _google_connect(
    request: HttpRequest,
    membership: Membership,
    app: google.App,
    token: google.Token,
    location: google.Location,
) -> None:
    """One location as a channel, after checking Google gives its reviews (verified only)."""
    secrets_ = google.secrets_of(app, token)
    account = Account(external_id=location.name, secrets=secrets_)
    try:
        google.GoogleConnector(account, allow_loopback=services.allow_loopback()).reviews_page(1)
    except ConnectorError as error:
        messages.error(
            request,
            _("%(location)s is not connected: %(reason)s")
            % {"location": location.handle, "reason": error.message},
        )
        return
    services.channel_connect(
        organisation=membership.organisation,
        network="google",
        profile=google.profile_of(location),
        by=membership.user,
        base_url=google.api_url("v4"),
        secrets=secrets_,
        settings={"maps_uri": location.maps_uri},
    )
    messages.success(request, _("%(handle)s is connected.") % {"handle": location.handle})


# --- LinkedIn: the organisation's own LinkedIn app, a page or a member's own profile --------

LINKEDIN_STATE = "linkedin_oauth"
# After LinkedIn's window: the organisation and the token, encrypted, until a page is chosen.
LINKEDIN_PENDING = "linkedin_pages"


def linkedin_redirect_uri() -> str:
    return settings.SITE_URL + reverse("linkedin_callback")


def _linkedin_card(membership: Membership, form: object) -> dict[str, object]:
    stored = selectors.oauth_app_of(membership.organisation, "linkedin")
    return {
        "linkedin_app": stored,
        "linkedin_app_form": form or LinkedInAppForm(),
        "linkedin_redirect_uri": linkedin_redirect_uri(),
    }


def _linkedin_app(membership: Membership) -> linkedin.App | None:
    stored = selectors.oauth_app_of(membership.organisation, "linkedin")
    if stored is None:
        return None
    return linkedin.App(stored.client_id, str(stored.secrets["client_secret"]))


@org_view(Role.OWNER)
@require_POST
def linkedin_app_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = LinkedInAppForm(request.POST)
    if not form.is_valid():
        return channels_page(request, membership, linkedin_app_form=form)
    services.oauth_app_save(
        organisation=membership.organisation,
        network="linkedin",
        client_id=form.cleaned_data["linkedin_client_id"],
        client_secret=form.cleaned_data["linkedin_client_secret"],
        by=membership.user,
    )
    messages.success(request, _("The LinkedIn app is saved. You can now connect LinkedIn."))
    return redirect("channels", org_slug=membership.organisation.slug)


@org_view(Role.MANAGER)
@require_POST
def connect_linkedin_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Start LinkedIn's window for a page (`kind=page`) or the member's own profile."""
    app = _linkedin_app(membership)
    if app is None:
        messages.error(
            request, _("First the owner enters the Client ID and secret of your LinkedIn app.")
        )
        return redirect("channels", org_slug=membership.organisation.slug)
    kind = "profile" if request.POST.get("kind") == "profile" else "page"
    scopes = linkedin.PROFILE_SCOPES if kind == "profile" else linkedin.PAGE_SCOPES
    state = _oauth_start(request, LINKEDIN_STATE, membership, kind=kind)
    return redirect(linkedin.authorize_url(app, linkedin_redirect_uri(), state, scopes))


def _linkedin_refusal(request: HttpRequest) -> str:
    """LinkedIn's reason for giving no code, in words the user can act on."""
    error = request.GET.get("error", "")
    reason = request.GET.get("error_description") or error or _("refused")
    if error == "unauthorized_scope_error":
        return _(
            "Your LinkedIn app may not ask for this (%(reason)s). In the LinkedIn Developer "
            "Portal, add the product the permission belongs to: Community Management API for "
            "pages, Share on LinkedIn and Sign In with LinkedIn using OpenID Connect for a "
            "profile."
        ) % {"reason": reason}
    return _("LinkedIn did not give access: %(reason)s") % {"reason": reason}


@login_required
def linkedin_callback_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    pending = _oauth_pending(request, LINKEDIN_STATE)
    if pending is None:
        messages.error(
            request, _("This LinkedIn connection was not started here, or it expired. Try again.")
        )
        return redirect("home")
    membership = get_membership(request.user, pending["org"], Role.MANAGER)
    back = redirect("channels", org_slug=membership.organisation.slug)
    app = _linkedin_app(membership)
    if "code" not in request.GET or app is None:
        messages.error(request, _linkedin_refusal(request))
        return back
    profile = pending.get("kind") == "profile"
    loopback = services.allow_loopback()
    try:
        token = linkedin.exchange_code(
            app, linkedin_redirect_uri(), request.GET["code"], allow_loopback=loopback
        )
        wanted = linkedin.PROFILE_SCOPES if profile else linkedin.PAGE_SCOPES
        missing = linkedin.missing_scopes(token, wanted)
        if missing:
            raise ConnectorError(
                _(
                    "LinkedIn did not give every permission Klankbord needs (%(missing)s). "
                    "Connect again and allow them."
                )
                % {"missing": ", ".join(sorted(missing))},
                permanent=True,
            )
        if profile:
            member = linkedin.member(token.access_token, allow_loopback=loopback)
    except ConnectorError as error:
        messages.error(
            request, _("Connecting to LinkedIn failed: %(reason)s") % {"reason": error.message}
        )
        return back
    if not profile:
        request.session[LINKEDIN_PENDING] = {
            "org": membership.organisation.slug,
            "token": secret_box().encrypt(json.dumps(token.secrets(app))),
        }
        return redirect("linkedin_pages", org_slug=membership.organisation.slug)
    _linkedin_connect(request, membership, member, token.secrets(app))
    return back


def _linkedin_connect(
    request: HttpRequest, membership: Membership, profile: Profile, secrets_: dict[str, Any]
) -> None:
    services.channel_connect(
        organisation=membership.organisation,
        network="linkedin",
        profile=profile,
        by=membership.user,
        base_url=linkedin.api_url(),
        secrets=secrets_,
        token_expires_at=datetime.fromtimestamp(int(secrets_["expires_at"]), UTC),
    )
    messages.success(request, _("%(handle)s is connected.") % {"handle": profile.display_name})


@org_view(Role.MANAGER)
def linkedin_pages_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Choose the organisation page, among those the member administers."""
    org = membership.organisation
    pending = request.session.get(LINKEDIN_PENDING)
    if not pending or pending.get("org") != org.slug:
        messages.error(
            request, _("This LinkedIn connection was not started here, or it expired. Try again.")
        )
        return redirect("channels", org_slug=org.slug)
    secrets_ = json.loads(secret_box().decrypt(pending["token"]))
    loopback = services.allow_loopback()
    try:
        pages = linkedin.administered(secrets_["access_token"], allow_loopback=loopback)
    except ConnectorError as error:
        messages.error(
            request, _("Connecting to LinkedIn failed: %(reason)s") % {"reason": error.message}
        )
        return redirect("channels", org_slug=org.slug)
    form = LinkedInPageForm(request.POST or None, pages=[(p.urn, p.name) for p in pages])
    if request.method == "POST" and form.is_valid():
        account = Account(external_id=form.cleaned_data["organisation"], secrets=secrets_)
        try:
            profile = linkedin.LinkedInConnector(account, allow_loopback=loopback).profile()
        except ConnectorError as error:
            form.add_error("organisation", error.message)
        else:
            _linkedin_connect(request, membership, profile, secrets_)
            del request.session[LINKEDIN_PENDING]
            return redirect("channels", org_slug=org.slug)
    return render(request, "channels/linkedin_pages.html", {"membership": membership, "form": form})


# --- WhatsApp Business: a phone number of the Cloud API, with a system-user token --------------


def _whatsapp_webhooks(membership: Membership) -> list[dict[str, str]]:
    """For the owner: per connected number, the callback address and verify token for Meta."""
    if not membership.has_role(Role.OWNER):
        return []
    numbers = selectors.channels_of(membership.organisation).filter(network="whatsapp")
    return [
        {
            "handle": channel.handle,
            "url": settings.SITE_URL
            + reverse("whatsapp_webhook", args=[channel.settings.get("webhook_key", "")]),
            "verify_token": str(channel.secrets.get("verify_token") or ""),
        }
        for channel in numbers
        if channel.settings.get("webhook_key")
    ]


def _whatsapp_webhook_of(org_channel: Channel | None) -> tuple[str, str]:
    """The webhook key and verify token a number keeps across reconnects (Meta has them)."""
    if org_channel is not None and org_channel.settings.get("webhook_key"):
        token = str(org_channel.secrets.get("verify_token") or "")
        return str(org_channel.settings["webhook_key"]), token or secrets.token_urlsafe(24)
    return secrets.token_urlsafe(24), secrets.token_urlsafe(24)


@org_view(Role.OWNER)
@require_POST
def connect_whatsapp_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = WhatsAppForm(request.POST)
    if not form.is_valid():
        return channels_page(request, membership, whatsapp_form=form)
    data = form.cleaned_data
    phone_number_id = data["whatsapp_phone_number_id"]
    account = Account(
        external_id=phone_number_id,
        base_url=whatsapp.graph_url(),
        secrets={"access_token": data["whatsapp_access_token"]},
    )
    connector = whatsapp.WhatsAppConnector(account, allow_loopback=services.allow_loopback())
    try:
        profile = connector.profile()
    except AuthError:
        form.add_error(
            "whatsapp_access_token",
            _("Meta does not accept this access token. Make a new one for the system user."),
        )
        return channels_page(request, membership, whatsapp_form=form)
    except NotFound:
        form.add_error(
            "whatsapp_phone_number_id",
            _("This token cannot reach this phone number ID. Check both under API Setup."),
        )
        return channels_page(request, membership, whatsapp_form=form)
    except ConnectorError as error:
        form.add_error(None, _("Connecting to WhatsApp failed: %(reason)s") % {"reason": error})
        return channels_page(request, membership, whatsapp_form=form)
    earlier = (
        Channel.objects.filter(
            organisation=membership.organisation,
            network="whatsapp",
            external_id=profile.external_id,
        )
        .order_by("-connected_at")
        .first()
    )
    webhook_key, verify_token = _whatsapp_webhook_of(earlier)
    services.channel_connect(
        organisation=membership.organisation,
        network="whatsapp",
        profile=profile,
        by=membership.user,
        base_url=whatsapp.graph_url(),
        secrets={
            "access_token": data["whatsapp_access_token"],
            "app_secret": data["whatsapp_app_secret"],
            "verify_token": verify_token,
        },
        settings={
            "waba_id": data["whatsapp_business_account_id"],
            "webhook_key": webhook_key,
        },
    )
    messages.success(
        request,
        _("%(number)s (%(name)s) is connected. Now enter its webhook at Meta.")
        % {"number": profile.handle, "name": profile.display_name},
    )
    return redirect("channels", org_slug=membership.organisation.slug)


# Public: Meta calls it for one WhatsApp number (docs/whatsapp/cloud-api/guides/set-up-webhooks),
# signed with the app secret the owner entered for it.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_webhook_view(request: HttpRequest, key: str) -> HttpResponse:
    channel = (
        Channel.objects.filter(network="whatsapp", settings__webhook_key=key)
        .exclude(status=Channel.Status.DISCONNECTED)
        .first()
        if key
        else None
    )
    if channel is None:
        raise Http404
    if request.method == "POST":
        return _webhook_answer(request, channel)
    expected = str(channel.secrets.get("verify_token") or "")
    mode = request.GET.get("hub.mode", "")
    token = request.GET.get("hub.verify_token", "")
    challenge = request.GET.get("hub.challenge", "")
    # Bytes: compare_digest refuses a str with characters outside ASCII.
    token_ok = bool(expected) and secrets.compare_digest(expected.encode(), token.encode())
    if mode != "subscribe" or not token_ok or not challenge.isalnum():
        return HttpResponseForbidden()
    return HttpResponse(challenge[:200], content_type="text/plain")
