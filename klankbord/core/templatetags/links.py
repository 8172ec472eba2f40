"""`{{ value|safe_url }}`: an address from outside, or "" when it is not http(s) (lib.links).

Every href or src that shows outside content goes through it, so a row stored before the rule
existed cannot become a javascript: link either.
"""

from urllib.parse import urlsplit

from django import template

from klankbord.lib import links

register = template.Library()


@register.filter
def safe_url(value: object) -> str:
    url = links.safe_url(value)
    # The practice network's reserved .invalid addresses never resolve: no dead links.
    return "" if (urlsplit(url).hostname or "").endswith(".invalid") else url
