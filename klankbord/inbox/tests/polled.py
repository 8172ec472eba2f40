"""An inbox item as it arrives: Listening reads the channel's mentions, the inbox gets one."""

from klankbord.channels.models import Channel
from klankbord.inbox import services
from klankbord.inbox.models import Item
from klankbord.listening import sources
from klankbord.listening.models import Mention, Source


def item_for(channel: Channel, remote_id: str) -> Item:
    """Listening reads the account's mentions as it does every few minutes; the inbox gets one."""
    source = Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
    sources.poll(source.pk)
    mention = Mention.objects.get(source=source, remote_id=remote_id)
    services.items_from_mentions(source=source, mentions=[mention])
    return Item.objects.select_related("mention__source__channel").get(mention=mention)
