from django import template

from klankbord.assistant import selectors
from klankbord.orgs.models import Organisation

register = template.Library()


@register.simple_tag
def assistant_ready(organisation: Organisation) -> bool:
    """Whether the writing help is on: its buttons only show then."""
    return selectors.is_on(organisation)


@register.simple_tag
def assistant_language(organisation: Organisation) -> str:
    return selectors.default_language(organisation)
