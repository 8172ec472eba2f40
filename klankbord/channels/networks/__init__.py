"""The networks Klankbord can reach. Adding one is one line here and one module beside it."""

from functools import cache

from django.utils.module_loading import import_string

from klankbord.channels.networks.base import Connector

NETWORKS = {
    "sandbox": "klankbord.channels.networks.sandbox.SandboxConnector",
    "rss": "klankbord.channels.networks.rss.FeedConnector",
    "mastodon": "klankbord.channels.networks.mastodon.MastodonConnector",
    "bluesky": "klankbord.channels.networks.bluesky.BlueskyConnector",
    "facebook": "klankbord.channels.networks.facebook.FacebookConnector",
    "instagram": "klankbord.channels.networks.instagram.InstagramConnector",
    "threads": "klankbord.channels.networks.threads.ThreadsConnector",
    "linkedin": "klankbord.channels.networks.linkedin.LinkedInConnector",
    "google": "klankbord.channels.networks.google.GoogleConnector",
    "whatsapp": "klankbord.channels.networks.whatsapp.WhatsAppConnector",
}


@cache
def connector_class(network: str) -> type[Connector]:
    if network not in NETWORKS:
        raise KeyError(f"unknown network {network!r}")
    cls: type[Connector] = import_string(NETWORKS[network])
    return cls


def available_networks() -> list[type[Connector]]:
    return [connector_class(name) for name in NETWORKS]
