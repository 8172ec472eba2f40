from django.db.models import QuerySet

from klankbord.channels.models import Channel, FacebookApp, OAuthApp, ThreadsApp
from klankbord.channels.networks import threads
from klankbord.channels.networks.facebook import App
from klankbord.orgs.models import Organisation


def channels_of(
    organisation: Organisation, *, include_disconnected: bool = False
) -> QuerySet[Channel]:
    channels = organisation.channels.all()
    if not include_disconnected:
        channels = channels.exclude(status=Channel.Status.DISCONNECTED)
    return channels


def facebook_app_of(organisation: Organisation) -> App | None:
    """The organisation's own Meta app, if its owner entered one."""
    stored = FacebookApp.objects.filter(organisation=organisation).first()
    if stored is None or not stored.secrets.get("app_secret"):
        return None
    return App(app_id=stored.app_id, app_secret=stored.secrets["app_secret"])


def oauth_app_of(organisation: Organisation, network: str) -> OAuthApp | None:
    """The organisation's own OAuth client at a network (LinkedIn, Google), if entered."""
    stored = OAuthApp.objects.filter(organisation=organisation, network=network).first()
    if stored is None or not stored.secrets.get("client_secret"):
        return None
    return stored


def threads_app_of(organisation: Organisation) -> threads.App | None:
    """The organisation's own Threads app, if its owner entered one."""
    stored = ThreadsApp.objects.filter(organisation=organisation).first()
    if stored is None or not stored.secrets.get("app_secret"):
        return None
    return threads.App(app_id=stored.app_id, app_secret=stored.secrets["app_secret"])
