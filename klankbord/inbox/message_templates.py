"""WhatsApp message templates in the inbox: the approved ones offered, one sent as an answer.

Outside WhatsApp's 24-hour customer service window only a template Meta approved may go out.
It goes out as any reply does (replying.py): committed as "sending" first, sent at most once,
and its Reply keeps the template and the text the customer reads.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _

from klankbord.channels.models import Channel
from klankbord.channels.networks.base import AuthError, ConnectorError
from klankbord.channels.networks.whatsapp import (
    HEADER_LIMIT,
    VARIABLE_LIMIT,
    Template,
    WhatsAppConnector,
    template_fill,
)
from klankbord.channels.services import channel_mark_broken, connector_for
from klankbord.inbox import replying
from klankbord.inbox.models import Item, Reply
from klankbord.orgs.models import Membership

# Meta is asked at most this often per number; "Refresh" asks at once.
CACHE_SECONDS = 600
# After a failure the page (which refreshes itself while answers are pending) waits this long.
FAILURE_SECONDS = 60
# WhatsApp refuses a variable with a line break, a tab or more than four spaces in a row.
NOT_IN_A_VARIABLE = re.compile(r"[\n\r\t]| {5,}")


@dataclass(frozen=True)
class Field:
    name: str  # of the form field: "header-0", "body-1"
    id: str
    label: str
    part: str  # header or body
    variable: str  # "1" or a name
    limit: int


@dataclass(frozen=True)
class Choice:
    """A template as the answer box shows it: what it says, and a field per variable."""

    template: Template
    category: str
    fields: list[Field]
    preview: str


@dataclass(frozen=True)
class Offer:
    choices: list[Choice]
    unsupported: list[Template]  # approved, but with media or buttons Klankbord cannot fill
    window_open: bool
    error: str = ""


def _cache_key(channel: Channel) -> str:
    return f"klankbord:whatsapp-templates:{channel.pk}:{channel.external_id}"


def _failure_key(channel: Channel) -> str:
    return _cache_key(channel) + ":failed"


def templates_of(channel: Channel, *, refresh: bool = False) -> list[Template]:
    """The approved templates of a WhatsApp number, briefly cached; ConnectorError when Meta
    cannot be asked."""
    key = _cache_key(channel)
    cached: list[Template] | None = None if refresh else cache.get(key)
    if cached is not None:
        return cached
    failed: str | None = None if refresh else cache.get(_failure_key(channel))
    if failed is not None:
        raise ConnectorError(failed)
    connector = connector_for(channel)
    if not isinstance(connector, WhatsAppConnector):
        return []
    try:
        found = connector.templates()
    except ConnectorError as error:
        cache.set(_failure_key(channel), error.message, FAILURE_SECONDS)
        if isinstance(error, AuthError):
            channel_mark_broken(channel=channel, reason=error.message)
        raise
    cache.delete(_failure_key(channel))
    cache.set(key, found, CACHE_SECONDS)
    return found


def template_offer(item: Item, channel: Channel | None) -> Offer | None:
    """What the answer box of a WhatsApp conversation offers; None for other networks."""
    if channel is None or channel.network != "whatsapp":
        return None
    if channel.status != Channel.Status.CONNECTED:
        return None
    window_open = replying.window_open(channel, item.mention)
    try:
        found = templates_of(channel)
    except ConnectorError as error:
        message = _("Klankbord could not read your message templates: %(error)s") % {
            "error": error.message
        }
        return Offer(choices=[], unsupported=[], window_open=window_open, error=message)
    sendable = [t for t in found if not t.unsupported]
    # The customer's language first: the first template is open once the window closed.
    language = (item.mention.language or "")[:2]
    sendable.sort(key=lambda t: not (language and t.language[:2] == language))
    return Offer(
        choices=[_choice(t, index) for index, t in enumerate(sendable)],
        unsupported=[t for t in found if t.unsupported],
        window_open=window_open,
    )


def shown(variable: str) -> str:
    """A variable as the template writes it: {{1}}, {{name}}."""
    return "{{" + variable + "}}"


def _categories() -> dict[str, str]:
    # https://developers.facebook.com/docs/whatsapp/updates-to-pricing/new-template-guidelines
    return {
        "MARKETING": _("Marketing"),
        "UTILITY": _("Utility"),
        "AUTHENTICATION": _("Authentication"),
    }


def _choice(template: Template, index: int) -> Choice:
    fields = [
        Field(
            name=f"{part}-{position}",
            id=f"template-{index}-{part}-{position}",
            label=(_("Header: %(variable)s") if part == "header" else _("Text: %(variable)s"))
            % {"variable": shown(variable)},
            part=part,
            variable=variable,
            limit=HEADER_LIMIT if part == "header" else VARIABLE_LIMIT,
        )
        for part, variables in (
            ("header", template.header_variables),
            ("body", template.body_variables),
        )
        for position, variable in enumerate(variables)
    ]
    return Choice(
        template=template,
        category=_categories().get(template.category, template.category),
        fields=fields,
        preview=template_text(template, [], []),
    )


def template_text(template: Template, header_values: list[str], body_values: list[str]) -> str:
    """What the customer reads: the header and the body with their variables filled in."""
    header = template_fill(template.header, template.header_variables, header_values)
    body = template_fill(template.body, template.body_variables, body_values)
    return "\n\n".join(part for part in (header, body) if part)


def template_problems(
    template: Template, header_values: list[str], body_values: list[str]
) -> list[str]:
    """Why these values cannot go out with this template, in the active language."""
    expected = len(template.header_variables) + len(template.body_variables)
    given = len(header_values) + len(body_values)
    if len(header_values) != len(template.header_variables) or len(body_values) != len(
        template.body_variables
    ):
        return [
            _(
                "This template has %(expected)s variables, but %(given)s values were given. "
                "Refresh the page and fill them in again."
            )
            % {"expected": expected, "given": given}
        ]
    problems = []
    pairs = [
        *zip(template.header_variables, header_values, strict=True),
        *zip(template.body_variables, body_values, strict=True),
    ]
    for variable, value in pairs:
        names = {"variable": shown(variable), "limit": VARIABLE_LIMIT, "count": len(value)}
        if not value.strip():
            problems.append(_("Fill in %(variable)s.") % names)
        elif NOT_IN_A_VARIABLE.search(value):
            problems.append(
                _(
                    "%(variable)s cannot hold a line break, a tab or more than four spaces in a "
                    "row: WhatsApp refuses them."
                )
                % names
            )
        elif len(value) > VARIABLE_LIMIT:
            problems.append(
                _("%(variable)s has %(count)s characters; WhatsApp allows %(limit)s.") % names
            )
    header = template_fill(template.header, template.header_variables, header_values)
    if not problems and len(header) > HEADER_LIMIT:
        problems.append(
            _("With its variable the header has %(count)s characters; WhatsApp allows %(limit)s.")
            % {"count": len(header), "limit": HEADER_LIMIT}
        )
    return problems


def template_chosen(
    template: Template, header_values: list[str], body_values: list[str]
) -> dict[str, Any]:
    """What a Reply keeps of the template it sent: enough to send it again exactly."""
    chosen: dict[str, Any] = {
        "name": template.name,
        "language": template.language,
        "parameters": body_values,
    }
    if template.named:
        chosen["names"] = list(template.body_variables)
    if header_values:
        chosen["header_parameters"] = header_values
        if template.named:
            chosen["header_names"] = list(template.header_variables)
    return chosen


def template_reply_send(
    *, item: Item, by: Membership, key: str, header_values: list[str], body_values: list[str]
) -> Reply:
    """Answer a WhatsApp conversation with an approved template (`key`: "name:language"),
    also after the customer service window closed; ReplyRefused before anything is sent
    when it cannot go out."""
    if by.organisation_id != item.organisation_id:
        raise ValueError("not a member of this item's organisation")
    channel = replying.reply_channel(item)
    if channel.network != "whatsapp":
        raise replying.ReplyRefused(_("Only WhatsApp answers with message templates."))
    try:
        found = templates_of(channel)
    except ConnectorError as error:
        raise replying.ReplyRefused(
            _("Klankbord could not read your message templates: %(error)s")
            % {"error": error.message}
        ) from error
    template = next((t for t in found if t.key == key and not t.unsupported), None)
    if template is None:
        raise replying.ReplyRefused(
            _(
                "This template is not approved (any more), or Klankbord cannot fill it. Refresh "
                "the templates and choose another one."
            )
        )
    values = [v.strip() for v in header_values], [v.strip() for v in body_values]
    problems = template_problems(template, *values)
    if problems:
        raise replying.ReplyRefused(" ".join(problems))
    return replying.reply_send(
        item=item,
        by=by,
        text=template_text(template, *values),
        private=True,
        template=template_chosen(template, *values),
    )
