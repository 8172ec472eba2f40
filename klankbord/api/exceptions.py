from typing import Any

from django.http import Http404
from rest_framework.response import Response
from rest_framework.views import exception_handler


def json_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error is JSON with a `detail` message (and field errors where they apply)."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, Http404):
        response.data = {"detail": str(response.data.get("detail", "Not found."))}
    elif not isinstance(response.data, dict) or "detail" not in response.data:
        from django.utils.translation import gettext as _

        response.data = {"detail": _("The request is not valid."), "errors": response.data}
    return response
