import json
from collections.abc import Iterator
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klankbord.assistant import client, selectors, services
from klankbord.assistant.forms import ConnectionForm, FactsForm, SuggestForm
from klankbord.orgs.access import org_view
from klankbord.orgs.models import Membership, Role

WRITES = Role.CONTRIBUTOR  # whoever may write a post may ask for a suggestion
ANSWERS = Role.EDITOR  # as the inbox: answers go out in the organisation's name
STATUS_OF = {
    "limit_reached": 429,
    "rate_limited": 429,
    "off": 409,
    "no_images": 400,
    "refusal": 422,
}


def _connection_initial(membership: Membership) -> dict[str, object]:
    connection = selectors.connection_of(membership.organisation)
    if connection is None:
        return {"monthly_requests": 200, "monthly_tokens": 0}
    return {
        "enabled": connection.enabled,
        "base_url": connection.base_url,
        "model": connection.model,
        "accepts_images": connection.accepts_images,
        "monthly_requests": connection.monthly_requests,
        "monthly_tokens": connection.monthly_tokens,
    }


@org_view(Role.MANAGER)
def settings_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Owners connect the endpoint; managers see its status and keep the facts sheet."""
    organisation = membership.organisation
    is_owner = membership.has_role(Role.OWNER)
    connection_form = ConnectionForm(initial=_connection_initial(membership))
    facts_form = FactsForm(instance=selectors.facts_of(organisation), prefix="facts")
    status = 200
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ("connection", "test") and not is_owner:
        raise PermissionDenied
    if action == "connection":
        connection_form = ConnectionForm(request.POST)
        if connection_form.is_valid():
            try:
                services.connection_save(
                    organisation=organisation, by=membership, **connection_form.cleaned_data
                )
            except ValidationError as error:
                for message in error.messages:
                    connection_form.add_error(None, message)
            else:
                messages.success(request, _("The writing help is saved."))
                return redirect("assistant_settings", org_slug=organisation.slug)
        status = 422
    elif action == "test":
        connection = selectors.connection_of(organisation)
        if connection is None or not connection.base_url:
            messages.error(request, _("Enter the endpoint address first."))
        else:
            try:
                models = services.connection_test(connection=connection)
            except client.AssistantError as error:
                messages.error(request, error.message)
            else:
                found = connection.model in models
                messages.success(
                    request,
                    _("The endpoint answers. The model %(model)s is available.")
                    % {"model": connection.model}
                    if found
                    else _("The endpoint answers, but does not list the model %(model)s.")
                    % {"model": connection.model},
                )
        return redirect("assistant_settings", org_slug=organisation.slug)
    elif action == "facts":
        facts_form = FactsForm(
            request.POST, instance=selectors.facts_of(organisation), prefix="facts"
        )
        if facts_form.is_valid():
            services.facts_save(
                organisation=organisation,
                by=membership,
                **{name: facts_form.cleaned_data[name] for name in FactsForm.Meta.fields},
            )
            messages.success(request, _("The facts sheet is saved."))
            return redirect("assistant_settings", org_slug=organisation.slug)
        status = 422
    context = {
        "membership": membership,
        "connection": selectors.connection_of(organisation),
        "usage": selectors.usage_of(organisation),
        "is_owner": is_owner,
        "connection_form": connection_form,
        "facts_form": facts_form,
    }
    return render(request, "assistant/settings.html", context, status=status)


def _error(error: client.AssistantError) -> JsonResponse:
    return JsonResponse(
        {"error": error.message, "kind": error.kind}, status=STATUS_OF.get(error.kind, 502)
    )


def _lines(first: str, rest: Iterator[str]) -> Iterator[str]:
    """Newline-delimited JSON: {"text": piece}… then {"done": true} or {"error": …}."""
    try:
        if first:
            yield json.dumps({"text": first}) + "\n"
        for piece in rest:
            yield json.dumps({"text": piece}) + "\n"
    except client.AssistantError as error:
        yield json.dumps({"error": error.message, "kind": error.kind}) + "\n"
        return
    yield json.dumps({"done": True}) + "\n"


def _streamed(pieces: Iterator[str]) -> HttpResponseBase:
    try:
        # The first piece is awaited here, so a refused key or a reached limit is a plain error.
        first = next(pieces, "")
    except client.AssistantError as error:
        return _error(error)
    response = StreamingHttpResponse(_lines(first, pieces), content_type="application/x-ndjson")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # nginx passes the pieces on as they come
    return response


@org_view(WRITES)
@require_POST
def suggest_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    """A suggestion for the composer. It is shown, never saved, scheduled or sent."""
    form = SuggestForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": _("Write a few words first.")}, status=400)
    organisation = membership.organisation
    try:
        image_url = ""
        if form.cleaned_data.get("image"):
            image_url = services.image_data_url(
                organisation=organisation, image_id=form.cleaned_data["image"]
            )
        messages_ = services.post_messages(
            organisation=organisation,
            request=form.request(selectors.default_language(organisation), image_url),
        )
        if request.POST.get("stream") == "1":
            pieces = iter(services.suggest_stream(organisation=organisation, messages=messages_))
            # org_view is typed for HttpResponse; a streamed answer is one in all but name.
            return cast(HttpResponse, _streamed(pieces))
        text = services.suggest(organisation=organisation, messages=messages_)
    except client.AssistantError as error:
        return _error(error)
    return JsonResponse({"text": text})


@org_view(ANSWERS)
@require_POST
def answer_view(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
    """A suggested answer to an inbox item, for the answer box; never sent by itself."""
    from klankbord.inbox.views import _item_or_404

    item = _item_or_404(membership, item_id)
    organisation = membership.organisation
    try:
        messages_ = services.answer_messages(item=item)
        if request.POST.get("stream") == "1":
            pieces = iter(services.suggest_stream(organisation=organisation, messages=messages_))
            return cast(HttpResponse, _streamed(pieces))
        text = services.suggest(organisation=organisation, messages=messages_)
    except client.AssistantError as error:
        return _error(error)
    return JsonResponse({"text": text})
