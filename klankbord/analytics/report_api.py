"""`/api/v1/organisations/<slug>/client-reports` and `…/report-links`: client reports and
read-only report addresses for integrators, with the same rules as the pages (owners and
managers; the same checks of addresses and dates)."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from klankbord.analytics import client_reports, report_links
from klankbord.analytics.forms import ClientReportForm, ReportLinkForm
from klankbord.analytics.models import ClientReport, ReportLink
from klankbord.api.views import OrgScopedMixin
from klankbord.orgs.models import Role
from klankbord.orgs.selectors import local_today

MANAGES_REPORTS = Role.MANAGER  # the recipients' addresses are personal data: not for everyone


class ClientReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClientReport
        fields = [
            "id", "name", "period", "starts_on", "ends_on", "recipients", "language", "active",
            "last_sent_for", "last_sent_at", "created_at",
        ]  # fmt: skip


class ClientReportCreateSerializer(serializers.Serializer):
    name = serializers.CharField()
    period = serializers.ChoiceField(choices=ClientReport.Period.choices)
    starts_on = serializers.DateField(required=False, help_text="Chosen dates only.")
    ends_on = serializers.DateField(required=False, help_text="Chosen dates only.")
    recipients = serializers.ListField(child=serializers.CharField(), max_length=10)
    language = serializers.ChoiceField(choices=settings.LANGUAGES)
    active = serializers.BooleanField(default=True)


class ReportLinkSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The read-only address to pass on.")

    class Meta:
        model = ReportLink
        fields = [
            "id", "name", "period", "starts_on", "ends_on", "language", "url", "created_at",
            "last_viewed_at", "views",
        ]  # fmt: skip

    def get_url(self, link: ReportLink) -> str:
        address = reverse("report_shared", args=[report_links.link_token(link)])
        return str(self.context["request"].build_absolute_uri(address))


class ReportLinkCreateSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True)
    period = serializers.ChoiceField(choices=ReportLink.Period.choices)
    starts_on = serializers.DateField(required=False, help_text="Chosen dates only.")
    ends_on = serializers.DateField(required=False, help_text="Chosen dates only.")
    language = serializers.ChoiceField(choices=settings.LANGUAGES)


def form_data(data: dict[str, Any]) -> QueryDict:
    """JSON as the page's form would post it, so one set of checks applies to both."""
    posted = QueryDict(mutable=True)
    for name, value in data.items():
        if isinstance(value, list):
            posted[name] = "\n".join(str(item) for item in value)
        elif isinstance(value, bool):
            if value:
                posted[name] = "on"
        elif value is not None:
            posted[name] = str(value)
    return posted


def checked(form: ClientReportForm | ReportLinkForm) -> dict[str, Any]:
    if not form.is_valid():
        errors = {name: [str(message) for message in found] for name, found in form.errors.items()}
        raise ValidationError({"detail": _("The request is not valid."), "errors": errors})
    return {name: form.cleaned_data[name] for name in form.Meta.fields}


class ClientReportListView(OrgScopedMixin, generics.ListAPIView):
    """Client reports: e-mailed on a schedule to people outside the organisation. `POST` makes
    one (owners and managers)."""

    serializer_class = ClientReportSerializer
    read_role = write_role = MANAGES_REPORTS

    def get_queryset(self) -> QuerySet[ClientReport]:
        return ClientReport.objects.filter(organisation=self.membership.organisation)

    @extend_schema(request=ClientReportCreateSerializer, responses={201: ClientReportSerializer})
    def post(self, request: Request, org_slug: str) -> Response:
        asked = ClientReportCreateSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        data = checked(ClientReportForm(form_data(asked.validated_data)))
        report = client_reports.client_report_create(
            organisation=self.membership.organisation, by=self.membership, data=data
        )
        return Response(ClientReportSerializer(report).data, status=201)


class ClientReportDetailView(OrgScopedMixin, APIView):
    """One client report; `DELETE` stops and removes it."""

    read_role = write_role = MANAGES_REPORTS

    def _report(self, client_report_id: int) -> ClientReport:
        return get_object_or_404(
            ClientReport, pk=client_report_id, organisation=self.membership.organisation
        )

    @extend_schema(responses=ClientReportSerializer)
    def get(self, request: Request, org_slug: str, client_report_id: int) -> Response:
        return Response(ClientReportSerializer(self._report(client_report_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, org_slug: str, client_report_id: int) -> Response:
        report = self._report(client_report_id)
        client_reports.client_report_delete(report=report, by=self.membership)
        return Response(status=204)


class ReportLinkListView(OrgScopedMixin, generics.ListAPIView):
    """Live read-only report addresses. `POST` makes one (owners and managers)."""

    serializer_class = ReportLinkSerializer
    read_role = write_role = MANAGES_REPORTS

    def get_queryset(self) -> QuerySet[ReportLink]:
        found = ReportLink.objects.filter(organisation=self.membership.organisation)
        return found.filter(revoked_at__isnull=True)

    @extend_schema(request=ReportLinkCreateSerializer, responses={201: ReportLinkSerializer})
    def post(self, request: Request, org_slug: str) -> Response:
        asked = ReportLinkCreateSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        today = local_today(self.membership.organisation)
        data = checked(ReportLinkForm(form_data(asked.validated_data), today=today))
        link, _token = report_links.report_link_create(
            organisation=self.membership.organisation, by=self.membership, data=data
        )
        context = {"request": request}
        return Response(ReportLinkSerializer(link, context=context).data, status=201)


class ReportLinkRevokeView(OrgScopedMixin, APIView):
    """Stop a report address at once: it answers 404 from then on."""

    read_role = write_role = MANAGES_REPORTS

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, org_slug: str, report_link_id: int) -> Response:
        link = get_object_or_404(
            ReportLink, pk=report_link_id, organisation=self.membership.organisation
        )
        report_links.report_link_revoke(link=link, by=self.membership)
        return Response(status=204)
