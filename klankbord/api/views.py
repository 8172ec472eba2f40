from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from klankbord.accounts.models import User
from klankbord.api.serializers import (
    AuditEventSerializer,
    ChannelSerializer,
    InboxAssignSerializer,
    InboxFiltersSerializer,
    InboxItemDetailSerializer,
    InboxItemSerializer,
    InboxReplyCreateSerializer,
    InboxReplySerializer,
    InboxStatusSerializer,
    MemberSerializer,
    OrganisationSerializer,
    PostCreateSerializer,
    PostRescheduleSerializer,
    PostSerializer,
    UserSerializer,
)
from klankbord.channels import selectors as channel_selectors
from klankbord.channels.models import Channel
from klankbord.inbox import replying
from klankbord.inbox import selectors as inbox_selectors
from klankbord.inbox import services as inbox_services
from klankbord.inbox.models import Item, Note, Reply
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


# --- Inbox ---------------------------------------------------------------------------------

WORKS_THE_INBOX = Role.CONTRIBUTOR  # assign and change status; a client only reads
REPLIES = Role.EDITOR  # answers go out in the organisation's name


def inbox_item_for(membership: Membership, item_id: int, *, full: bool = False) -> Item:
    """An item of the caller's organisation; another organisation's is not found."""
    found = Item.objects.filter(pk=item_id, organisation=membership.organisation).select_related(
        "mention", "mention__source", "mention__source__channel", "assignee"
    )
    if full:
        found = found.prefetch_related(
            Prefetch("replies", queryset=Reply.objects.select_related("author")),
            Prefetch("notes", queryset=Note.objects.select_related("author")),
        )
    item = found.first()
    if item is None:
        raise NotFound
    return item


def inbox_item_data(membership: Membership, item_id: int) -> dict:
    item = inbox_item_for(membership, item_id, full=True)
    return dict(InboxItemDetailSerializer(item, context={"now": timezone.now()}).data)


@extend_schema_view(get=extend_schema(parameters=[InboxFiltersSerializer]))
class InboxListView(OrgScopedMixin, generics.ListAPIView):
    """The inbox: mentions, replies and messages that may need a person, most urgent first
    (priority, then the longest waiting). Filters as in the web interface; open items by
    default."""

    serializer_class = InboxItemSerializer

    def get_queryset(self) -> QuerySet[Item]:
        # As a plain dict: an empty value is then refused like any other wrong one, instead of
        # being read as "not given" the way a submitted HTML form's is.
        params = InboxFiltersSerializer(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        organisation = self.membership.organisation
        # Days are the organisation's days, as in the web interface.
        with timezone.override(organisation.timezone):
            return inbox_selectors.items_of(organisation, params.filters(), self.membership.user_id)

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "now": timezone.now()}


class InboxItemView(OrgScopedMixin, APIView):
    """One inbox item with its replies and the team's internal notes."""

    @extend_schema(responses=InboxItemDetailSerializer)
    def get(self, request: Request, org_slug: str, item_id: int) -> Response:
        return Response(inbox_item_data(self.membership, item_id))


class InboxAssignView(OrgScopedMixin, APIView):
    """Give the item to a member (`null`: to nobody). A new item becomes assigned; an assigned
    item without an assignee becomes new again."""

    write_role = WORKS_THE_INBOX

    @extend_schema(request=InboxAssignSerializer, responses=InboxItemDetailSerializer)
    def post(self, request: Request, org_slug: str, item_id: int) -> Response:
        item = inbox_item_for(self.membership, item_id)
        serializer = InboxAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignee = None
        user_id = serializer.validated_data["assignee"]
        if user_id is not None:
            assignee = User.objects.filter(
                pk=user_id, memberships__organisation=self.membership.organisation
            ).first()
            if assignee is None:
                message = _("This person is not a member of this organisation.")
                raise ValidationError({"assignee": [message]})
        inbox_services.item_assign(item=item, assignee=assignee, by=self.membership)
        return Response(inbox_item_data(self.membership, item_id))


class InboxStatusView(OrgScopedMixin, APIView):
    """Change the item's status: `new`, `assigned`, `waiting` (for the customer), `answered` or
    `closed`."""

    write_role = WORKS_THE_INBOX

    @extend_schema(request=InboxStatusSerializer, responses=InboxItemDetailSerializer)
    def post(self, request: Request, org_slug: str, item_id: int) -> Response:
        item = inbox_item_for(self.membership, item_id)
        serializer = InboxStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inbox_services.item_set_status(
            item=item, status=serializer.validated_data["status"], by=self.membership
        )
        return Response(inbox_item_data(self.membership, item_id))


class InboxReplyView(OrgScopedMixin, APIView):
    """Answer the item on the network it came from, through the connected account it came in
    on. The reply is `sent`, `failed` (with the network's `error`; it can be sent again) or
    `unconfirmed` (the network did not say; no other reply goes out until the web interface
    has looked it up). A reply that cannot go out as it is, is refused with 400 and a `detail`
    that says why."""

    write_role = REPLIES

    @extend_schema(request=InboxReplyCreateSerializer, responses={201: InboxReplySerializer})
    def post(self, request: Request, org_slug: str, item_id: int) -> Response:
        item = inbox_item_for(self.membership, item_id)
        serializer = InboxReplyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            reply = replying.reply_send(
                item=item, by=self.membership, text=data["text"], private=data["private"]
            )
        except replying.ReplyRefused as refused:
            inbox_services.item_save_draft(item=item, text=data["text"])
            raise ValidationError({"detail": refused.message}) from refused
        return Response(InboxReplySerializer(reply).data, status=201)
