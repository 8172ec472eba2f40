"""Share of voice as `/api/v1/organisations/<slug>/share-of-voice` gives it: the period asked
for, and the business's mentions against its competitors', as Measure shows them."""

from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers

LONGEST = timedelta(days=731)  # two years: the page's longest period twice over


class WatchedSourceSerializer(serializers.Serializer):
    name = serializers.CharField()
    network = serializers.CharField(help_text="The network, or the kind of source (a feed).")


class VoiceWeekSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday of the local ISO week.")
    mentions = serializers.IntegerField()


class VoiceSideSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='"own", or "competitor-<monitor id>".')
    name = serializers.CharField(source="label")
    own = serializers.BooleanField()
    monitors = serializers.ListField(child=serializers.CharField())
    mentions = serializers.IntegerField()
    previous_mentions = serializers.IntegerField(
        source="previous", help_text="In the period of the same length just before."
    )
    share = serializers.FloatField(
        allow_null=True, help_text="Percent of all sides' mentions; null: nobody was mentioned."
    )
    previous_share = serializers.FloatField(allow_null=True)
    positive = serializers.IntegerField(source="sentiments.positive")
    neutral = serializers.IntegerField(source="sentiments.neutral")
    negative = serializers.IntegerField(source="sentiments.negative")
    net_sentiment = serializers.IntegerField(
        allow_null=True,
        help_text="Positive minus negative in percent of its mentions; null: no mentions.",
    )
    weeks = serializers.SerializerMethodField()
    all_sources = serializers.BooleanField(help_text="A monitor reads every source.")
    sources = WatchedSourceSerializer(many=True)
    paused = serializers.ListField(
        child=serializers.CharField(),
        help_text="The names of its monitors that are paused: they find no new mentions.",
    )

    @extend_schema_field(VoiceWeekSerializer(many=True))
    def get_weeks(self, side: Any) -> list[dict[str, Any]]:
        return [{"week": week, "mentions": n} for week, n in side.weeks.items()]


class ShareOfVoiceSerializer(serializers.Serializer):
    """The business's mentions against each competitor monitor's, in a period and the one
    before."""

    start = serializers.DateField()
    end = serializers.DateField()
    previous_start = serializers.DateField()
    previous_end = serializers.DateField()
    comparable = serializers.BooleanField(
        help_text="There are own monitors and at least one competitor's."
    )
    like_for_like = serializers.BooleanField(help_text="Every side reads the same sources.")
    total = serializers.IntegerField(help_text="The sum of all sides' mentions.")
    any_paused = serializers.BooleanField(
        help_text="A side has a paused monitor, so it counts fewer mentions than are said."
    )
    own = VoiceSideSerializer(allow_null=True, help_text="null: no brand or product monitor.")
    competitors = VoiceSideSerializer(many=True)


class PeriodSerializer(serializers.Serializer):
    """`from` and `to` as local dates, both included; the last 30 days when both are left out."""

    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if ("start" in data) != ("end" in data):
            raise serializers.ValidationError(_("Give both from and to, or neither."))
        if "start" in data and data["start"] > data["end"]:
            raise serializers.ValidationError(_("The period must not end before it starts."))
        if "start" in data and data["end"] - data["start"] >= LONGEST:
            raise serializers.ValidationError(_("Choose a period of at most two years."))
        return data


PERIOD_PARAMETERS = [
    OpenApiParameter("from", date, description="The first local day (YYYY-MM-DD); with `to`."),
    OpenApiParameter(
        "to",
        date,
        description="The last local day, included; without `from` and `to`: the last 30 days, "
        "today included.",
    ),
]


def period_errors(errors: dict[str, Any]) -> dict[str, Any]:
    """Field errors under the names of the query's parameters."""
    names = {"start": "from", "end": "to", "non_field_errors": "period"}
    by_parameter = {names.get(key, key): value for key, value in errors.items()}
    first = next(iter(by_parameter.values()))[0]
    return {"detail": str(first), "errors": by_parameter}
