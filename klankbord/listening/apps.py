from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ListeningConfig(AppConfig):
    name = "klankbord.listening"
    label = "listening"

    def ready(self) -> None:
        post_save.connect(channel_changed, sender="channels.Channel")
        post_delete.connect(channel_changed, sender="channels.Channel")


def channel_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A channel connected, reconnected or gone: its mentions, replies or feed follow along."""
    from klankbord.listening.services import sources_sync
    from klankbord.orgs.models import Organisation

    # Looked up again: when a whole organisation is deleted, it is gone before its channels.
    organisation = Organisation.objects.filter(pk=instance.organisation_id).first()
    if organisation is not None:
        sources_sync(organisation)
