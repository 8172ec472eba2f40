from django import template

from klankbord.assistant import selectors
from klankbord.orgs.models import Organisation

register = template.Library()


@register.simple_tag
def assistant_ready(organisation: Organisation) -> bool:
    """Whether the writing help is on: its buttons only show then."""
    return selectors.is_on(organisation)


@register.simple_tag
def assistant_reads_images(organisation: Organisation) -> bool:
    """Whether the connected model may be asked to describe an image (alt text)."""
    connection = selectors.connection_of(organisation)
    return connection is not None and connection.ready and connection.accepts_images


@register.simple_tag
def assistant_language(organisation: Organisation) -> str:
    return selectors.default_language(organisation)


@register.simple_tag
def assistant_networks(organisation: Organisation) -> list[tuple[str, str]]:
    """The networks the organisation publishes to, for "a version for this network"."""
    from klankbord.publishing.counting import NETWORK_TEXT_RULES, network_label
    from klankbord.publishing.selectors import publishable_channels

    found = {c.network for c in publishable_channels(organisation)}
    return [(n, network_label(n)) for n in sorted(found) if NETWORK_TEXT_RULES.get(n)]
