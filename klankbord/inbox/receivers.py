"""What the inbox hears from the rest of Klankbord."""

from typing import Any

from django.dispatch import receiver

from klankbord.listening.pipeline import mentions_stored


@receiver(mentions_stored)
def mentions_to_inbox(sender: Any, source: Any, mentions: list[Any], **kwargs: Any) -> None:
    from klankbord.inbox.services import items_from_mentions

    items_from_mentions(source=source, mentions=mentions)
