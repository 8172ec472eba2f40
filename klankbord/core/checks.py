"""Deploy checks of our own, next to Django's `check --deploy`."""

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_is_set(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """E-mails and network callbacks link to SITE_URL: a guessed address sends people nowhere."""
    if settings.SITE_URL_IS_SET:
        return []
    return [
        Warning(
            "SITE_URL is not set: links in e-mails (invitations, alerts, reports) and the "
            "callbacks of the networks point to http://127.0.0.1:8000.",
            hint="Set SITE_URL to the address people use, e.g. https://klankbord.example.be.",
            id="klankbord.W001",
        )
    ]
