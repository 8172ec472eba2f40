from typing import Any

from django.http import HttpRequest

from klankbord.core.selectors import background_status
from klankbord.orgs.selectors import memberships_for_user


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs on every page: the organisation switcher and the banner."""
    user = request.user
    if not user.is_authenticated:
        return {}
    slug = request.resolver_match.kwargs.get("org_slug", "") if request.resolver_match else ""

    def unread_notifications() -> int:
        # Counted only when a page with the main menu renders it.
        return user.notifications.filter(organisation__slug=slug, read_at__isnull=True).count()

    return {
        "my_memberships": memberships_for_user(user),
        "background": background_status(),
        "unread_notifications": unread_notifications,
    }
