from django.db.models import QuerySet

from klankbord.channels.models import Channel
from klankbord.orgs.models import Organisation


def channels_of(
    organisation: Organisation, *, include_disconnected: bool = False
) -> QuerySet[Channel]:
    channels = organisation.channels.all()
    if not include_disconnected:
        channels = channels.exclude(status=Channel.Status.DISCONNECTED)
    return channels
