"""`/api/v1/organisations/<slug>/time-entries` and `/return`: time spent and what it returned.

Token authentication and roles as the rest of the API: members read and add their own time,
managers read everyone's; every member reads the return, as on the Measure page.
"""

from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from klankbord.api.views import OrgScopedMixin
from klankbord.orgs.models import Role
from klankbord.orgs.selectors import local_today
from klankbord.strategy.selectors import plan_of
from klankbord.timekeeping import selectors, services
from klankbord.timekeeping.models import MAX_MINUTES, Activity, TimeEntry
from klankbord.timekeeping.selectors import RECORDS, ReturnFigures

DEFAULT_DAYS = 30
MAX_DAYS = 5 * 366

PERIOD_PARAMETERS = [
    OpenApiParameter(
        "from", date, description="First day (organisation's time zone); default 29 days ago."
    ),
    OpenApiParameter("to", date, description="Last day, included; default today."),
]


def _money() -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, allow_null=True
    )


class TimeEntrySerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", allow_null=True)
    member_name = serializers.SerializerMethodField()

    class Meta:
        model = TimeEntry
        fields = ["id", "day", "member", "member_name", "activity", "minutes", "started_at",
                  "ended_at", "note", "source"]  # fmt: skip

    def get_member_name(self, entry: TimeEntry) -> str:
        return entry.member.display_name if entry.member else ""


class TimeEntryCreateSerializer(serializers.Serializer):
    activity = serializers.ChoiceField(choices=Activity.values)
    day = serializers.DateField(required=False, help_text="Default: today.")
    minutes = serializers.IntegerField(min_value=1, max_value=MAX_MINUTES)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class BudgetSerializer(serializers.Serializer):
    planned_hours = _money()
    planned_time = _money()
    planned_ads = _money()
    planned = _money()
    spent_hours = _money()
    spent_time = _money()
    spent_ads = _money()
    spent = _money()


class ReturnSerializer(serializers.Serializer):
    """The cost of a period against its results; `null` where Klankbord does not know."""

    start = serializers.DateField()
    end = serializers.DateField()
    minutes = serializers.IntegerField(help_text="Time recorded by all members.")
    hourly_cost = _money()
    time_cost = _money()
    ads = _money()
    tools = _money()
    outside_help = _money()
    cost = _money()
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="Parts of the cost that are not known."
    )
    reactions = serializers.IntegerField(allow_null=True)
    clicks = serializers.IntegerField(allow_null=True)
    leads = serializers.IntegerField()
    value_per_lead = _money()
    value_per_click = _money()
    value = _money()
    result = _money()
    per_reaction = _money()
    per_click = _money()
    per_lead = _money()
    budget = BudgetSerializer()


def period_from(request: Request, today: date) -> tuple[date, date]:
    """?from=&to= as ISO dates; 400 with a message per parameter when they do not make sense."""
    errors: dict[str, list[str]] = {}
    found: dict[str, date] = {}
    for name in ("from", "to"):
        value = request.query_params.get(name, "")
        if not value:
            continue
        try:
            found[name] = date.fromisoformat(value)
        except ValueError:
            errors[name] = [_("Give a date as YYYY-MM-DD.")]
    end = found.get("to", today)
    start = found.get("from", end - timedelta(days=DEFAULT_DAYS - 1))
    if not errors and start > end:
        errors["from"] = [_("The first day comes on or before the last.")]
    if not errors and (end - start).days >= MAX_DAYS:
        errors["from"] = [_("Ask for at most five years at a time.")]
    if errors:
        raise ValidationError({"detail": " ".join(m for ms in errors.values() for m in ms),
                               "errors": errors})  # fmt: skip
    return start, end


class TimeEntryListView(OrgScopedMixin, generics.ListAPIView):
    """Time recorded in the period, newest day first: your own, or everyone's for managers.
    POST records time of your own (`source` is `manual`)."""

    serializer_class = TimeEntrySerializer
    read_role = RECORDS
    write_role = RECORDS

    def get_queryset(self) -> QuerySet[TimeEntry]:
        today = local_today(self.membership.organisation)
        return selectors.entries_for(self.membership, *period_from(self.request, today))

    @extend_schema(parameters=PERIOD_PARAMETERS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=TimeEntryCreateSerializer, responses={201: TimeEntrySerializer})
    def post(self, request: Request, org_slug: str) -> Response:
        serializer = TimeEntryCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        today = local_today(self.membership.organisation)
        day = data.get("day") or today
        if day > today:
            message = _("That day has not come yet.")
            raise ValidationError({"detail": message, "errors": {"day": [message]}})
        entry = services.entry_create(
            membership=self.membership,
            activity=data["activity"],
            day=day,
            minutes=data["minutes"],
            note=data.get("note", ""),
        )
        return Response(TimeEntrySerializer(entry).data, status=201)


class ReturnView(OrgScopedMixin, APIView):
    """The cost of the period (time recorded at the plan's hourly cost, ad spend, the plan's
    tools and outside help pro rata) against its reactions, link clicks and leads, what those
    are worth at the organisation's values, and the plan's budget against what was spent."""

    read_role = Role.CLIENT

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=ReturnSerializer)
    def get(self, request: Request, org_slug: str) -> Response:
        organisation = self.membership.organisation
        start, end = period_from(request, local_today(organisation))
        figures: ReturnFigures = selectors.return_figures(
            organisation, start, end, plan=plan_of(organisation)
        )
        data = ReturnSerializer(figures).data
        return Response(data)
