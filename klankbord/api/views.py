from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from klankbord.accounts.models import User
from klankbord.analytics import api as voice_api
from klankbord.analytics import results, voice
from klankbord.analytics.audience import audiences
from klankbord.api.serializers import (
    AudienceSerializer,
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
    PlanSerializer,
    PlanVersionCreateSerializer,
    PlanVersionSerializer,
    PostCreateSerializer,
    PostSerializer,
    PostUpdateSerializer,
    ResultsSerializer,
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
from klankbord.strategy import selectors as strategy_selectors
from klankbord.strategy import services as strategy_services
from klankbord.strategy.forms import FORMS, Editor, member_editor
from klankbord.strategy.models import PlanVersion
from klankbord.strategy.vocabulary import STEPS


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
                    pillar=data.get("pillar", ""),
                    track_clicks=data.get("track_clicks", False),
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
    """One post. PATCH `scheduled_at` to (re)schedule it and `pillar` to name its content
    pillar (published posts too); DELETE deletes it."""

    write_role = Role.CONTRIBUTOR

    def _post(self, post_id: int) -> Post:
        return post_for(self.membership, post_id, write=self.request.method != "GET")

    @extend_schema(responses=PostSerializer)
    def get(self, request: Request, org_slug: str, post_id: int) -> Response:
        return Response(PostSerializer(self._post(post_id)).data)

    @extend_schema(request=PostUpdateSerializer, responses=PostSerializer)
    def patch(self, request: Request, org_slug: str, post_id: int) -> Response:
        post = self._post(post_id)
        serializer = PostUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            with transaction.atomic():
                if "pillar" in data:
                    publishing_services.post_set_pillar(post=post, pillar=data["pillar"])
                if "scheduled_at" in data:
                    publishing_services.post_schedule(
                        post=post, at=data["scheduled_at"], by=self.membership
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


# --- Plan --------------------------------------------------------------------------------------

EDITS_THE_PLAN = Role.EDITOR  # as in the web interface: contributors and clients read it
# Fields a step's form names per channel, and the object they are stored in.
PER_CHANNEL = {"formats_": "formats", "per_week_": "posts_per_week", "moments_": "best_moments"}
STEP_PARAMETER = OpenApiParameter(
    "step", str, OpenApiParameter.PATH, enum=list(STEPS), description="The step's key."
)


def plan_data(membership: Membership) -> dict:
    organisation = membership.organisation
    plan = strategy_selectors.plan_or_blank(organisation)
    health = strategy_selectors.health_items(
        plan.steps, strategy_selectors.country_of(organisation)
    )
    found = {
        "version": plan.version,
        "updated_at": plan.updated_at if plan.pk else None,
        "next_review_on": plan.next_review_on,
        "steps": plan.steps,
        "health": health,
    }
    return dict(PlanSerializer(found).data)


class PlanView(OrgScopedMixin, APIView):
    """The social media plan: every step's answers (as `PATCH …/plan/steps/{step}` takes them),
    the last saved version's number, the next evaluation and the health check with a one-line
    fix per gap."""

    @extend_schema(responses=PlanSerializer)
    def get(self, request: Request, org_slug: str) -> Response:
        return Response(plan_data(self.membership))


class PlanStepView(OrgScopedMixin, APIView):
    """Change one step, checked as in the web interface. Answers you leave out stay as they are;
    a list (`audiences`, `pillars`, `kpis`) replaces the stored one. Per-channel answers
    (`formats`, `posts_per_week`, `best_moments`) are objects keyed by network and count only
    for the channels chosen in step 4. Only managers and owners change the response target."""

    write_role = EDITS_THE_PLAN

    @extend_schema(
        parameters=[STEP_PARAMETER],
        request={"application/json": {"type": "object", "additionalProperties": True}},
        responses=PlanSerializer,
    )
    def patch(self, request: Request, org_slug: str, step: str) -> Response:
        if step not in STEPS:
            raise NotFound
        if not isinstance(request.data, dict):
            raise ValidationError({"detail": _("Send the step's answers as a JSON object.")})
        unknown = set(request.data) - known_answers(step)
        if unknown:
            message = _("This step has no such answer.")
            raise ValidationError({"detail": message, "errors": {n: [message] for n in unknown}})
        membership = self.membership
        plan = strategy_selectors.plan_or_blank(membership.organisation)
        answers = {**strategy_selectors.step_initial(plan, step), **request.data}
        initial = strategy_selectors.step_initial(plan, step)
        found = member_editor(membership, step, plan.steps, initial, step_post(step, answers))
        if not found.is_valid():
            errors = step_errors(step, found)
            raise ValidationError({"detail": _("The step is not valid."), "errors": errors})
        strategy_services.plan_step_save(
            organisation=membership.organisation, key=step, data=found.step_data(), by=membership
        )
        return Response(plan_data(membership))


def known_answers(key: str) -> set[str]:
    form_class = FORMS[key]
    return {*form_class.base_fields, *PER_CHANNEL.values(), form_class.rows_key} - {""}


def step_post(key: str, answers: dict[str, Any]) -> QueryDict:
    """The step's answers as the web form would post them, so the same form checks them."""
    form_class = FORMS[key]
    post = QueryDict(mutable=True)
    for name in PER_CHANNEL.values():
        if not isinstance(answers.get(name) or {}, dict):
            raise ValidationError({name: [_("Give an object with a value per network.")]})
    _post_fields(post, "", form_class.initial_from(answers))
    if form_class.row_form is not None:
        rows = answers.get(form_class.rows_key) or []
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise ValidationError({form_class.rows_key: [_("Give a list of objects.")]})
        prefix = form_class.rows_key
        post[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        post[f"{prefix}-INITIAL_FORMS"] = "0"
        for number, row in enumerate(rows):
            _post_fields(post, f"{prefix}-{number}-", row)
    return post


def _post_fields(post: QueryDict, prefix: str, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if isinstance(value, list):
            post.setlist(prefix + name, [_as_input(item) for item in value])
        elif value is not None and value is not False:
            post[prefix + name] = _as_input(value)


def _as_input(value: Any) -> str:
    # Numbers as the form would show them: "2,5" in Dutch reads back as 2.5.
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, int | float):
        return str(formats.localize_input(value))
    if isinstance(value, dict | list):
        raise ValidationError({"detail": _("Give a text or a number, not a list or an object.")})
    return str(value)


def step_errors(key: str, found: Editor) -> dict[str, list[str]]:
    """Form errors named as the JSON answers are: `posts_per_week.instagram`, `kpis[1].target`."""
    errors: dict[str, list[str]] = {}
    for name, messages in found.form.errors.items():
        errors[_answer_name(name)] = [str(m) for m in messages]
    if found.rows is not None:
        prefix = FORMS[key].rows_key
        for number, row in enumerate(found.rows.forms):
            for name, messages in row.errors.items():
                errors[f"{prefix}[{number}].{_answer_name(name)}"] = [str(m) for m in messages]
        if found.rows.non_form_errors():
            errors[prefix] = [str(m) for m in found.rows.non_form_errors()]
    return errors


def _answer_name(name: str) -> str:
    if name == "__all__":
        return "non_field_errors"
    for field_prefix, stored in PER_CHANNEL.items():
        if name.startswith(field_prefix):
            return f"{stored}.{name.removeprefix(field_prefix)}"
    return name


class PlanVersionListView(OrgScopedMixin, generics.ListAPIView):
    """Saved versions of the whole plan, newest first. `POST` saves one (editors and up)."""

    serializer_class = PlanVersionSerializer
    write_role = EDITS_THE_PLAN

    def get_queryset(self) -> QuerySet[PlanVersion]:
        return PlanVersion.objects.filter(organisation=self.membership.organisation).select_related(
            "created_by"
        )

    @extend_schema(request=PlanVersionCreateSerializer, responses={201: PlanVersionSerializer})
    def post(self, request: Request, org_slug: str) -> Response:
        serializer = PlanVersionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = strategy_selectors.plan_of(self.membership.organisation)
        if plan is None:
            message = _("Fill in at least one step before saving a version.")
            raise ValidationError({"detail": message})
        version = strategy_services.plan_version_save(
            plan=plan, by=self.membership, note=serializer.validated_data["note"]
        )
        return Response(PlanVersionSerializer(version).data, status=201)


DAYS_PARAMETER = OpenApiParameter(
    "days", int, description="The last 30, 90 or 365 days, today included (default 30)."
)


class ResultsView(OrgScopedMixin, APIView):
    """What works: posts published in the period and the reactions the networks counted, per
    channel, content pillar, format and moment of the week, the five best posts, and the
    followers per channel with their change in the period."""

    @extend_schema(parameters=[DAYS_PARAMETER], responses=ResultsSerializer)
    def get(self, request: Request, org_slug: str) -> Response:
        organisation = self.membership.organisation
        days = request.query_params.get("days", str(results.PERIOD_DAYS[0]))
        if days not in {str(offered) for offered in results.PERIOD_DAYS}:
            message = _("Choose 30, 90 or 365 days.")
            raise ValidationError({"detail": message, "errors": {"days": [message]}})
        period = results.last_days(organisation, int(days))
        summary = results.results_summary(organisation, *period)
        data = ResultsSerializer(summary).data
        data["audiences"] = AudienceSerializer(audiences(organisation, *period), many=True).data
        return Response(data)


class ShareOfVoiceView(OrgScopedMixin, APIView):
    """Mentions, their tone and the share of voice of the business's own monitors (brand and
    product) against each competitor monitor, in the period and the one of the same length
    before, with the sources each side reads."""

    @extend_schema(
        parameters=voice_api.PERIOD_PARAMETERS, responses=voice_api.ShareOfVoiceSerializer
    )
    def get(self, request: Request, org_slug: str) -> Response:
        organisation = self.membership.organisation
        asked = {"start": request.query_params.get("from"), "end": request.query_params.get("to")}
        period = voice_api.PeriodSerializer(data={k: v for k, v in asked.items() if v is not None})
        if not period.is_valid():
            raise ValidationError(voice_api.period_errors(period.errors))
        start = period.validated_data.get("start")
        end = period.validated_data.get("end")
        if start is None or end is None:
            start, end = results.last_days(organisation, results.PERIOD_DAYS[0])
        found = voice.share_of_voice(organisation, start, end)
        return Response(voice_api.ShareOfVoiceSerializer(found).data)
