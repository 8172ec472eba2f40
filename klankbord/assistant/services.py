import base64
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from klankbord.assistant import client, prompts, selectors
from klankbord.assistant.models import Connection, FactsSheet, Usage
from klankbord.lib import http
from klankbord.orgs.models import Membership, Organisation
from klankbord.orgs.services import audit_record

# The audit log's action when a person used a suggestion in a post or a reply.
TEXT_USED = "assistant.text_used"
MAX_SAVED_REPLIES = 5


def check_base_url(base_url: str) -> str:
    """The endpoint address, refused when it points inside the network (unless allowed)."""
    base_url = base_url.strip().rstrip("/")
    parts = urlsplit(base_url)
    if parts.query or parts.fragment:
        # A key pasted into the address would end up in the audit log and on the page.
        raise ValidationError(
            _("Enter the address without ? or #; the API key goes in its own field.")
        )
    try:
        http.check_url(base_url, allow_loopback=selectors.allow_local())
    except http.UnsafeURL as error:
        if not selectors.allow_local():
            raise ValidationError(
                _(
                    "%(reason)s A model on this same machine needs "
                    "KLANKBORD_ASSISTANT_ALLOW_LOCAL=true in the installation's settings."
                )
                % {"reason": error.message}
            ) from error
        raise ValidationError(error.message) from error
    except http.HttpError as error:
        raise ValidationError(error.message) from error
    return base_url


@transaction.atomic
def connection_save(
    *,
    organisation: Organisation,
    by: Membership,
    enabled: bool,
    base_url: str,
    model: str,
    api_key: str = "",
    forget_key: bool = False,
    accepts_images: bool = False,
    monthly_requests: int = 0,
    monthly_tokens: int = 0,
) -> Connection:
    """Save the endpoint; an empty `api_key` keeps the stored one."""
    if base_url:
        base_url = check_base_url(base_url)
    if enabled and not (base_url and model):
        raise ValidationError(_("Enter the endpoint address and the model before turning it on."))
    connection, _created = Connection.objects.get_or_create(organisation=organisation)
    secrets = dict(connection.secrets or {})
    if forget_key:
        secrets.pop("api_key", None)
    elif api_key.strip():
        secrets["api_key"] = api_key.strip()
    connection.enabled, connection.base_url, connection.model = enabled, base_url, model.strip()
    connection.secrets = secrets
    connection.accepts_images = accepts_images
    connection.monthly_requests, connection.monthly_tokens = monthly_requests, monthly_tokens
    connection.updated_at, connection.updated_by = timezone.now(), by.user
    connection.save()
    audit_record(
        organisation=organisation,
        actor=by.user,
        action="assistant.connection",
        target=base_url,
        # Never the key itself: only whether one is kept.
        data={"enabled": enabled, "model": connection.model, "key": connection.has_key},
    )
    return connection


def facts_save(*, organisation: Organisation, by: Membership, **fields: str) -> FactsSheet:
    sheet = selectors.facts_of(organisation)
    for name, value in fields.items():
        setattr(sheet, name, value.strip())
    sheet.updated_at = timezone.now()
    sheet.save()
    audit_record(organisation=organisation, actor=by.user, action="assistant.facts")
    return sheet


def endpoint_for(connection: Connection) -> client.Endpoint:
    return client.Endpoint(
        base_url=connection.base_url,
        model=connection.model,
        api_key=(connection.secrets or {}).get("api_key", ""),
        allow_local=selectors.allow_local(),
        timeout=float(settings.KLANKBORD_ASSISTANT_TIMEOUT),
    )


def connection_test(*, connection: Connection) -> list[str]:
    return client.models_list(endpoint=endpoint_for(connection))


def limit_reached() -> client.AssistantError:
    return client.AssistantError(
        _("The writing help reached this month's limit. An owner can raise it."),
        kind="limit_reached",
    )


def usage_claim(*, connection: Connection) -> None:
    """Count one request, unless this month's limit is reached (checked in the same UPDATE)."""
    month = selectors.this_month()
    try:
        with transaction.atomic():
            Usage.objects.get_or_create(organisation_id=connection.organisation_id, month=month)
    except IntegrityError:
        pass  # another request created this month's row first
    rows = Usage.objects.filter(organisation_id=connection.organisation_id, month=month)
    if connection.monthly_requests:
        rows = rows.filter(requests__lt=connection.monthly_requests)
    if connection.monthly_tokens:
        rows = rows.filter(tokens__lt=connection.monthly_tokens)
    if rows.update(requests=F("requests") + 1) != 1:
        raise limit_reached()


def usage_add_tokens(*, connection: Connection, tokens: int) -> None:
    if tokens > 0:
        Usage.objects.filter(
            organisation_id=connection.organisation_id, month=selectors.this_month()
        ).update(tokens=F("tokens") + tokens)


def ready_connection(organisation: Organisation) -> Connection:
    connection = selectors.connection_of(organisation)
    if connection is None or not connection.ready:
        raise client.AssistantError(_("The writing help is not turned on."), kind="off")
    return connection


def post_messages(*, organisation: Organisation, request: prompts.Request) -> list[dict[str, Any]]:
    connection = ready_connection(organisation)
    if request.kind == "alt_text" and not connection.accepts_images:
        raise client.AssistantError(
            _("This language model does not read images."), kind="no_images"
        )
    language = prompts.TRANSLATION_TARGETS.get(request.kind, request.language)
    return prompts.post_messages(request, selectors.voice_of(organisation, language))


def image_data_url(*, organisation: Organisation, image_id: int) -> str:
    """An uploaded image as a data: URL: the model cannot (and must not) fetch our media."""
    from django.http import Http404

    from klankbord.publishing.models import PostImage

    image = PostImage.objects.filter(organisation=organisation, pk=image_id).first()
    if image is None:
        raise Http404
    encoded = base64.b64encode(bytes(image.content)).decode("ascii")
    return f"data:{image.mime_type};base64,{encoded}"


def suggest(*, organisation: Organisation, messages: list[dict[str, Any]]) -> str:
    """One suggestion, in full. Nothing is saved, scheduled or sent."""
    connection = ready_connection(organisation)
    usage_claim(connection=connection)
    completion = client.chat(endpoint=endpoint_for(connection), messages=messages)
    usage_add_tokens(connection=connection, tokens=completion.tokens)
    return completion.text


def suggest_stream(*, organisation: Organisation, messages: list[dict[str, Any]]) -> Iterator[str]:
    """The suggestion piece by piece, as the model writes it. Nothing is saved or sent."""
    connection = ready_connection(organisation)
    usage_claim(connection=connection)
    stream = client.chat_stream(endpoint=endpoint_for(connection), messages=messages)
    try:
        yield from stream
    finally:
        usage_add_tokens(connection=connection, tokens=stream.tokens)


def answer_messages(*, item: Any) -> list[dict[str, Any]]:
    """The messages for a suggested answer to an inbox item: its thread, facts, saved replies."""
    from klankbord.inbox.services import saved_replies_for

    organisation = item.organisation
    ready_connection(organisation)
    mention = item.mention
    language = selectors.customer_language(mention.language or "", organisation)
    saved = [filled for _saved, filled in saved_replies_for(item)[:MAX_SAVED_REPLIES]]
    return prompts.answer_messages(
        voice=selectors.voice_of(organisation, language),
        language=language,
        thread=conversation_of(item),
        facts=selectors.facts_for_prompt(organisation),
        saved_replies=saved,
        network=mention.network,
    )


def conversation_of(item: Any) -> list[prompts.ThreadLine]:
    """Every message of the conversation once, oldest first: what the item answers (each
    customer message followed by our replies to it), the item's own message, our replies to it.
    Ordered by the thread, not by time: the network's clock and ours need not agree."""
    from klankbord.inbox import selectors as inbox_selectors

    mention = item.mention
    above = [post for post in inbox_selectors.thread_of(item) if post.item_id != item.pk]
    item_ids = [post.item_id for post in above if post.item_id] + [item.pk]
    replies = _sent_replies(item.organisation, item_ids)
    lines: list[prompts.ThreadLine] = []
    seen: set[tuple[str, str, datetime | None]] = set()

    def add(at: datetime | None, line: prompts.ThreadLine) -> None:
        # Our reply is met once through the thread and once among the item's replies.
        key = ("us" if line.ours else line.author, line.text.strip(), at)
        if key not in seen:
            seen.add(key)
            lines.append(line)

    for post in above:
        add(post.at, prompts.ThreadLine(author=post.author, text=post.text, ours=post.ours))
        for reply in replies.get(post.item_id or 0, []):
            add(reply.sent_at, _reply_line(item.organisation, reply))
    author = mention.author_name or mention.author_handle
    add(mention.published_at, prompts.ThreadLine(author=author, text=mention.text))
    for reply in replies.get(item.pk, []):
        add(reply.sent_at, _reply_line(item.organisation, reply))
    return lines


def _sent_replies(organisation: Organisation, item_ids: list[int]) -> dict[int, list[Any]]:
    from klankbord.inbox.models import Reply

    found: dict[int, list[Any]] = {}
    for reply in (
        Reply.objects.filter(
            item__organisation=organisation, item_id__in=item_ids, status=Reply.Status.SENT
        )
        .select_related("channel")
        .order_by("sent_at", "pk")
    ):
        found.setdefault(reply.item_id, []).append(reply)
    return found


def _reply_line(organisation: Organisation, reply: Any) -> prompts.ThreadLine:
    author = reply.channel.handle if reply.channel else organisation.name
    return prompts.ThreadLine(author=author, text=reply.text, ours=True)


def text_used_record(*, membership: Membership, target: str, kind: str) -> None:
    """The audit log keeps that a post or a reply used text from the writing help."""
    audit_record(
        organisation=membership.organisation,
        actor=membership.user,
        action=TEXT_USED,
        target=target,
        data={"kind": kind},
    )
