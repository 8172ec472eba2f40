"""`/api/v1/organisations/<slug>/assistant/suggest`: the writing help for integrators.

Token authentication and roles as the rest of the API. A suggestion is only returned: nothing
is saved, scheduled or sent, and its length is checked as the composer checks typed text.
"""

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from klankbord.api.views import OrgScopedMixin
from klankbord.assistant import client, prompts, selectors, services
from klankbord.assistant.forms import LANGUAGE_CHOICES
from klankbord.assistant.views import ANSWERS, STATUS_OF, WRITES
from klankbord.inbox.models import Item
from klankbord.orgs.models import Membership
from klankbord.publishing import counting
from klankbord.publishing import selectors as publishing_selectors

NETWORKS = [key for key, rule in counting.NETWORK_TEXT_RULES.items() if rule.limit]


class SuggestRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[*prompts.POST_KINDS, "answer"])
    text = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    language = serializers.ChoiceField(
        choices=[code for code, _label in LANGUAGE_CHOICES], required=False
    )
    network = serializers.ChoiceField(choices=NETWORKS, required=False)
    pillar = serializers.CharField(max_length=200, required=False, allow_blank=True)
    item = serializers.IntegerField(required=False, help_text="The inbox item, for `answer`.")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["kind"] == "answer" and not data.get("item"):
            raise serializers.ValidationError({"item": "An answer needs the inbox item."})
        if data["kind"] != "answer" and not (data.get("text") or "").strip():
            raise serializers.ValidationError({"text": "Write a few words first."})
        return data


class CheckSerializer(serializers.Serializer):
    network = serializers.CharField()
    used = serializers.IntegerField()
    limit = serializers.IntegerField()
    ok = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())


class SuggestionSerializer(serializers.Serializer):
    text = serializers.CharField()
    checks = CheckSerializer(many=True)


def checks_for(membership: Membership, text: str, network: str) -> list[dict[str, Any]]:
    """The composer's length checks, for the asked network or every channel that publishes."""
    if network:
        networks = [network]
    else:
        channels = publishing_selectors.publishable_channels(membership.organisation)
        networks = sorted({c.network for c in channels if c.network in counting.NETWORK_TEXT_RULES})
    found = []
    for name in networks:
        counted = counting.count(text, name)
        found.append(
            {
                "network": name,
                "used": counted.used,
                "limit": counted.limit,
                "ok": counted.ok,
                "reasons": list(counted.reasons),
            }
        )
    return found


class SuggestView(OrgScopedMixin, APIView):
    """A suggested post text (`draft`, `shorter`, `longer`, `warmer`, `variant`, `hashtags`,
    `alt_text`, `translate_fr`, `translate_nl`) or a suggested `answer` to an inbox item, from
    the organisation's own language model. 409 when the writing help is off, 429 when this
    month's limit is reached or the model is busy, 502 when the model fails."""

    write_role = WRITES

    @extend_schema(request=SuggestRequestSerializer, responses={200: SuggestionSerializer})
    def post(self, request: Request, org_slug: str) -> Response:
        serializer = SuggestRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        organisation = self.membership.organisation
        try:
            if data["kind"] == "answer":
                messages = services.answer_messages(item=self._item(data["item"]))
            else:
                suggestion = prompts.Request(
                    kind=data["kind"],
                    language=data.get("language") or selectors.default_language(organisation),
                    text=data["text"],
                    network=data.get("network", ""),
                    pillar=data.get("pillar", ""),
                )
                messages = services.post_messages(organisation=organisation, request=suggestion)
            text = services.suggest(organisation=organisation, messages=messages)
        except client.AssistantError as error:
            return Response(
                {"detail": error.message, "kind": error.kind},
                status=STATUS_OF.get(error.kind, 502),
            )
        checks = checks_for(self.membership, text, data.get("network", ""))
        return Response({"text": text, "checks": checks})

    def _item(self, item_id: int) -> Item:
        from django.core.exceptions import PermissionDenied

        if not self.membership.has_role(ANSWERS):
            raise PermissionDenied
        item = (
            Item.objects.filter(pk=item_id, organisation=self.membership.organisation)
            .select_related("mention", "organisation")
            .first()
        )
        if item is None:
            raise Http404
        return item
