import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from klankbord.lib import logs

# A request id a proxy may pass on (X-Request-ID); anything else gets a new one.
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


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


class RequestContextMiddleware:
    """Every log line of a request carries its id and organisation; its time is measured by
    view name (never by raw path, which would make a metric per address)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from klankbord.core.metrics import http_observe

        given = request.headers.get("X-Request-ID", "")
        request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        logs.bind(request_id=request_id, organisation="")
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        http_observe(
            view=match.view_name if match else "unmatched",
            method=request.method or "",
            seconds=time.perf_counter() - started,
        )
        response["X-Request-ID"] = request_id
        return response

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]
    ) -> None:
        if org_slug := kwargs.get("org_slug"):
            logs.bind(organisation=org_slug)
