from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from klankbord.accounts.models import User
from klankbord.api.serializers import (
    AuditEventSerializer,
    MemberSerializer,
    OrganisationSerializer,
    UserSerializer,
)
from klankbord.orgs import selectors, services
from klankbord.orgs.access import (
    get_membership,
    needs_2fa_setup,
    require_role,
    two_factor_required_message,
)
from klankbord.orgs.models import AuditEvent, Membership, Organisation, Role


def signed_in(request: Request) -> User:
    # IsAuthenticated (the default permission) has already turned anonymous callers away.
    return cast(User, request.user)


class OrgScopedMixin:
    """Resolves the caller's membership before anything else, so outsiders always get 404."""

    read_role: str = Role.CLIENT
    write_role: str = Role.OWNER
    membership: Membership

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        role = self.read_role if request.method in ("GET", "HEAD", "OPTIONS") else self.write_role
        self.membership = get_membership(request.user, kwargs["org_slug"])
        if needs_2fa_setup(request.user, self.membership):
            raise PermissionDenied(two_factor_required_message(self.membership))
        require_role(self.membership, role)


class MeView(generics.RetrieveUpdateAPIView):
    """The user the token belongs to."""

    serializer_class = UserSerializer
    http_method_names = ["get", "patch"]

    def get_object(self):  # type: ignore[no-untyped-def]
        return self.request.user


class OrganisationListView(generics.ListAPIView):
    """The organisations you are a member of, with your role in each."""

    serializer_class = OrganisationSerializer

    def get_queryset(self) -> QuerySet[Organisation]:
        return Organisation.objects.filter(memberships__user=signed_in(self.request)).order_by(
            "slug"
        )

    def get_serializer_context(self) -> dict:
        roles = dict(
            Membership.objects.filter(user=signed_in(self.request)).values_list(
                "organisation_id", "role"
            )
        )
        return {**super().get_serializer_context(), "roles": roles}


class OrganisationDetailView(OrgScopedMixin, APIView):
    """One organisation. Owners may change its name and time zone."""

    @extend_schema(responses=OrganisationSerializer)
    def get(self, request: Request, org_slug: str) -> Response:
        return Response(self._serialize(self.membership))

    @extend_schema(request=OrganisationSerializer, responses=OrganisationSerializer)
    def patch(self, request: Request, org_slug: str) -> Response:
        membership = self.membership
        org = membership.organisation
        serializer = OrganisationSerializer(
            org, data=request.data, partial=True, context={"roles": {}}
        )
        serializer.is_valid(raise_exception=True)
        services.organisation_update(
            organisation=org,
            by=membership.user,
            ip_address=request.META.get("REMOTE_ADDR"),
            **serializer.validated_data,
        )
        return Response(self._serialize(membership))

    @staticmethod
    def _serialize(membership: Membership) -> dict:
        context = {"roles": {membership.organisation_id: membership.role}}
        return dict(OrganisationSerializer(membership.organisation, context=context).data)


class MemberListView(OrgScopedMixin, generics.ListAPIView):
    """Members of an organisation (managers and owners)."""

    serializer_class = MemberSerializer
    read_role = Role.MANAGER

    def get_queryset(self) -> QuerySet[Membership]:
        return selectors.members_of(self.membership.organisation)


class AuditEventListView(OrgScopedMixin, generics.ListAPIView):
    """The organisation's audit log, newest first (owners)."""

    serializer_class = AuditEventSerializer
    read_role = Role.OWNER

    def get_queryset(self) -> QuerySet[AuditEvent]:
        action = self.request.query_params.get("action", "")
        return selectors.audit_events(self.membership.organisation, action=action[:64])
