from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def content_security_policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def permissions_policy(features: list[str]) -> str:
    return ", ".join(f"{feature}=()" for feature in features)


def csp_allow(response: HttpResponse, directive: str, sources: list[str]) -> HttpResponse:
    """One page's exception to the site's policy; the rest of the policy stays."""
    directives = {**settings.SECURE_CSP, directive: [*settings.SECURE_CSP[directive], *sources]}
    response["Content-Security-Policy"] = content_security_policy(directives)
    return response


class SecurityHeadersMiddleware:
    """Every response says what the browser may load and which device features are off."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Chrome shows a PDF in a viewer of its own that the policy of a page would break.
        if not response.get("Content-Type", "").startswith("application/pdf"):
            # A page with an exception (csp_allow) keeps it.
            response.headers.setdefault(
                "Content-Security-Policy", content_security_policy(settings.SECURE_CSP)
            )
        response["Permissions-Policy"] = permissions_policy(settings.PERMISSIONS_POLICY_DISABLED)
        return response
