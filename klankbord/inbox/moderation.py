"""Hiding a comment on one of our posts from everyone but its author, from the inbox."""

from django.utils.translation import gettext as _

from klankbord.channels.models import Channel, HiddenComment
from klankbord.channels.networks import connector_class
from klankbord.channels.networks.base import AuthError, ConnectorError
from klankbord.channels.services import channel_mark_broken, connector_for
from klankbord.inbox.models import Item
from klankbord.inbox.selectors import channel_of
from klankbord.orgs.models import Membership
from klankbord.orgs.services import audit_record


class HideRefused(Exception):
    """The comment cannot be hidden (or shown) now; `message` says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def hideable_channel(item: Item) -> Channel | None:
    """The account whose post the item's comment is on, if the network lets us hide it."""
    channel = channel_of(item)
    if channel is None or channel.organisation_id != item.organisation_id:
        return None
    if not connector_class(channel.network).hides_comments or item.mention.kind != "reply":
        return None
    return channel


def is_hidden(item: Item) -> bool:
    channel = channel_of(item)
    return (
        channel is not None
        and HiddenComment.objects.filter(channel=channel, remote_id=item.mention.remote_id).exists()
    )


def item_set_hidden(*, item: Item, hidden: bool, by: Membership) -> None:
    """Hide the item's comment on the network (or show it again), then remember and audit it."""
    if by.organisation_id != item.organisation_id:
        raise ValueError("not a member of this item's organisation")
    channel = hideable_channel(item)
    if channel is None:
        raise HideRefused(_("Only a comment on your own Facebook posts can be hidden."))
    if channel.status != Channel.Status.CONNECTED:
        raise HideRefused(
            _("%(account)s is not connected. Reconnect it under Settings, then try again.")
            % {"account": channel.handle}
        )
    remote_id = item.mention.remote_id
    try:
        connector_for(channel).comment_hide(remote_id, hidden=hidden)
    except ConnectorError as error:
        if isinstance(error, AuthError):
            channel_mark_broken(channel=channel, reason=error.message)
        raise HideRefused(error.message) from error
    if hidden:
        HiddenComment.objects.get_or_create(
            channel=channel, remote_id=remote_id, defaults={"hidden_by": by.user}
        )
    else:
        HiddenComment.objects.filter(channel=channel, remote_id=remote_id).delete()
    audit_record(
        organisation=by.organisation,
        actor=by.user,
        action="inbox.comment_hidden" if hidden else "inbox.comment_shown",
        target=f"#{item.pk}",
        data={"remote_id": remote_id},
    )
