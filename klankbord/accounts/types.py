from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from klankbord.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind login_required: its user is a real User."""

    user: User


class HtmxHttpRequest(HttpRequest):
    """A request after django-htmx's middleware: `request.htmx` says whether htmx sent it."""

    htmx: HtmxDetails
