from typing import Any

from django.http import HttpRequest

from klankbord.core.selectors import background_status
from klankbord.orgs.selectors import memberships_for_user


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs on every page: the organisation switcher and the banner."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "my_memberships": memberships_for_user(user),
        "background": background_status(),
    }
