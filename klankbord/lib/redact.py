"""Keep secrets that travel in URLs out of logs and printed e-mails.

OAuth callbacks carry `?code=…&state=…`, some APIs take `?access_token=…`, and e-mails carry
password-reset and invitation links. Whoever reads a log must not be able to use any of them.
"""

import copy
import logging
import logging.config
import re
from collections.abc import Callable
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend

from klankbord.lib.text import LINK

SECRET_PARAMETERS = (
    "code",
    "state",
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "oauth_token",
    "oauth_verifier",
    "client_secret",
    "password",
    "secret",
    "key",
    "api_key",
    "signature",
    "sig",
)
REDACTED = "[redacted]"

_NAMES = "|".join(SECRET_PARAMETERS)
_QUERY_SECRET = re.compile(
    # Plain (`?code=…&`) and percent-encoded inside another parameter (`%3Fcode%3D…%26`).
    rf"(?P<name>[?&;](?:{_NAMES})=)[^&;#\s\"'<>]*"
    rf"|(?P<encoded>(?:%3F|%26)(?:{_NAMES})%3D)(?:(?!%26)[^&;#\s\"'<>])*",
    re.IGNORECASE,
)


def redact_query_secrets(text: str) -> str:
    """`/cb?code=abc&state=xyz&page=2` → `/cb?code=[redacted]&state=[redacted]&page=2`."""
    return _QUERY_SECRET.sub(
        lambda match: (match.group("name") or match.group("encoded")) + REDACTED, text
    )


def redact_links(text: str) -> str:
    """Every link keeps only its scheme and host: `https://host/[link hidden]`."""

    def hide(match: re.Match[str]) -> str:
        scheme, _, rest = match.group(0).partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}/[link hidden]"

    return LINK.sub(hide, text)


class RedactSecrets(logging.Filter):
    """Rewrites a record's message and traceback with secret query values redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken format string: the handler reports it
            return True
        redacted = redact_query_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            traceback = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact_query_secrets(traceback)
        return True


def redact_every_log_record() -> None:
    """Apply RedactSecrets to every record made in this process, whichever handler gets it.

    Gunicorn's access log, Celery's and runserver's handlers are not Django's LOGGING
    handlers, so a handler filter alone would miss them.
    """
    previous: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()
    if getattr(previous, "redacts_secrets", False):
        return
    redact = RedactSecrets()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redact.filter(record)
        return record

    factory.redacts_secrets = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


class LinkHidingConsoleBackend(ConsoleEmailBackend):
    """Prints e-mails like Django's console backend, with every link hidden.

    Without SMTP, a production server prints e-mails to its log; a password-reset or invitation
    link there would let anyone who reads the log in.
    """

    def write_message(self, message: EmailMessage) -> None:
        shown = copy.copy(message)
        shown.body = redact_links(str(message.body))
        alternatives = getattr(message, "alternatives", [])
        shown.alternatives = [type(alt)(redact_links(str(alt[0])), alt[1]) for alt in alternatives]  # type: ignore[attr-defined]
        shown.attachments = []
        super().write_message(shown)


def configure_logging(config: dict[str, Any]) -> None:
    """LOGGING_CONFIG: Django's LOGGING as usual, and no record ever carries a secret."""
    from klankbord.lib.logs import add_ids_to_every_record

    logging.config.dictConfig(config)
    redact_every_log_record()
    add_ids_to_every_record()
