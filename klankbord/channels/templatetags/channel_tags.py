from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from klankbord.channels.networks.base import Capability

register = template.Library()

CAPABILITY_LABELS = {
    Capability.PUBLISH: _("publish"),
    Capability.MEDIA: _("images"),
    Capability.MENTIONS: _("mentions"),
    Capability.REPLY: _("replies"),
    Capability.METRICS: _("metrics"),
    Capability.SEARCH: _("search"),
}


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


@register.filter
def sorted_capabilities(capabilities: frozenset[Capability]) -> list[str]:
    return [str(CAPABILITY_LABELS[c]) for c in sorted(capabilities)]
