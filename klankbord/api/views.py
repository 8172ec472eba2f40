from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from klankbord.accounts.models import User
from klankbord.api.serializers import (
    AuditEventSerializer,
    ChannelSerializer,
    MemberSerializer,
    OrganisationSerializer,
    PostCreateSerializer,
    PostRescheduleSerializer,
    PostSerializer,
    UserSerializer,
)
from klankbord.channels import selectors as channel_selectors
from klankbord.channels.models import Channel
from klankbord.orgs import selectors, services
from klankbord.orgs.access import (
    get_membership,
    needs_2fa_setup,
    require_role,
    two_factor_required_message,
)
from klankbord.orgs.models import AuditEvent, Membership, Organisation, Role
from klankbord.publishing import selectors as publishing_selectors
from klankbord.publishing import services as publishing_services
from klankbord.publishing.models import Post, PostTarget


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


def _invalid(error: DjangoValidationError) -> ValidationError:
    return ValidationError({"detail": " ".join(str(m) for m in error.messages)})


class ChannelListView(OrgScopedMixin, generics.ListAPIView):
    """The organisation's connected channels (their ids are what posts refer to)."""

    serializer_class = ChannelSerializer

    def get_queryset(self) -> QuerySet[Channel]:
        return channel_selectors.channels_of(self.membership.organisation).order_by("pk")


class PostListView(OrgScopedMixin, generics.ListAPIView):
    """Posts with their status per channel. POST creates one (a draft, or scheduled when
    `scheduled_at` is given; a contributor's post then waits for approval)."""

    serializer_class = PostSerializer
    write_role = Role.CONTRIBUTOR

    def get_queryset(self) -> QuerySet[Post]:
        posts = publishing_selectors.posts_of(self.membership.organisation).order_by("-pk")
        status = self.request.query_params.get("status", "")
        if status in PostTarget.Status.values:
            posts = posts.filter(targets__status=status).distinct()
        return posts

    @extend_schema(request=PostCreateSerializer, responses={201: PostSerializer})
    def post(self, request: Request, org_slug: str) -> Response:
        serializer = PostCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        org = self.membership.organisation
        channels = list(Channel.objects.filter(organisation=org, pk__in=data["channels"]))
        if len(channels) != len(set(data["channels"])):
            raise ValidationError({"channels": [_("One of these channels does not exist here.")]})
        variants = {int(k): v for k, v in data.get("variants", {}).items() if str(k).isdigit()}
        try:
            with transaction.atomic():
                post = publishing_services.post_create(
                    organisation=org,
                    author=self.membership.user,
                    text=data["text"],
                    channels=channels,
                    variants=variants,
                )
                if data.get("scheduled_at"):
                    publishing_services.post_schedule(
                        post=post, at=data["scheduled_at"], by=self.membership
                    )
        except DjangoValidationError as error:
            raise _invalid(error) from error
        post = publishing_selectors.get_post(org, post.pk)
        return Response(PostSerializer(post).data, status=201)


def post_for(membership: Membership, post_id: int, *, write: bool) -> Post:
    """A post of the caller's organisation; changing it takes an editor or its own author."""
    try:
        post = publishing_selectors.get_post(membership.organisation, post_id)
    except Post.DoesNotExist as error:
        raise NotFound from error
    if write and not publishing_services.may_change(membership, post):
        raise PermissionDenied
    return post


class PostDetailView(OrgScopedMixin, APIView):
    """One post. PATCH `scheduled_at` to (re)schedule it; DELETE deletes it."""

    write_role = Role.CONTRIBUTOR

    def _post(self, post_id: int) -> Post:
        return post_for(self.membership, post_id, write=self.request.method != "GET")

    @extend_schema(responses=PostSerializer)
    def get(self, request: Request, org_slug: str, post_id: int) -> Response:
        return Response(PostSerializer(self._post(post_id)).data)

    @extend_schema(request=PostRescheduleSerializer, responses=PostSerializer)
    def patch(self, request: Request, org_slug: str, post_id: int) -> Response:
        post = self._post(post_id)
        serializer = PostRescheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            publishing_services.post_schedule(
                post=post, at=serializer.validated_data["scheduled_at"], by=self.membership
            )
        except DjangoValidationError as error:
            raise _invalid(error) from error
        return Response(PostSerializer(self._post(post_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, org_slug: str, post_id: int) -> Response:
        publishing_services.post_delete(post=self._post(post_id), by=self.membership.user)
        return Response(status=204)


class PostCancelView(OrgScopedMixin, APIView):
    """Stop a scheduled post: it becomes a draft again (what already went out stays)."""

    write_role = Role.CONTRIBUTOR

    @extend_schema(request=None, responses=PostSerializer)
    def post(self, request: Request, org_slug: str, post_id: int) -> Response:
        post = post_for(self.membership, post_id, write=True)
        publishing_services.post_unschedule(post=post, by=self.membership)
        return Response(PostSerializer(post_for(self.membership, post_id, write=False)).data)
