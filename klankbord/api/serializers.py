from datetime import date
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from klankbord.accounts.models import User
from klankbord.channels.models import Channel
from klankbord.inbox.models import Item, Note, Reply
from klankbord.inbox.selectors import EVERYTHING, OPEN, OVERDUE, ItemFilters, is_overdue
from klankbord.listening.models import Mention
from klankbord.orgs.models import AuditEvent, Membership, Organisation
from klankbord.publishing.models import Post, PostTarget
from klankbord.publishing.tracking import clicks_of
from klankbord.strategy.models import PlanVersion
from klankbord.understanding.models import Intent, Sentiment

MAX_ID = 2**63 - 1  # the largest id a database column holds


class StrictCharField(serializers.CharField):
    """A text field that refuses numbers and booleans instead of quietly turning them into text."""

    default_error_messages = {"invalid": _("Not a valid string.")}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }


class UserSerializer(StrictModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "name", "language"]
        read_only_fields = ["id", "email"]


class OrganisationSerializer(StrictModelSerializer):
    role = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = ["slug", "name", "timezone", "require_2fa", "role", "created_at"]
        read_only_fields = ["slug", "require_2fa", "role", "created_at"]

    def get_role(self, org: Organisation) -> str:
        return str(self.context["roles"].get(org.pk, ""))


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "name", "role", "created_at"]


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["id", "created_at", "actor_email", "action", "target", "data"]


class ChannelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Channel
        fields = ["id", "network", "handle", "display_name", "status"]


class PostTargetSerializer(serializers.ModelSerializer):
    channel = serializers.IntegerField(source="channel_id", read_only=True)
    handle = serializers.CharField(source="channel.handle", read_only=True)
    network = serializers.CharField(source="channel.network", read_only=True)
    clicks = serializers.SerializerMethodField(
        help_text="Clicks on this channel's tracked links so far; null: no tracked links."
    )

    class Meta:
        model = PostTarget
        fields = [
            "id",
            "channel",
            "handle",
            "network",
            "text",
            "status",
            "scheduled_at",
            "published_at",
            "remote_url",
            "error",
            "clicks",
        ]

    def get_clicks(self, target: PostTarget) -> int | None:
        return clicks_of(target)


class PostSerializer(serializers.ModelSerializer):
    author = serializers.EmailField(source="author.email", read_only=True, allow_null=True)
    targets = PostTargetSerializer(many=True, read_only=True)

    class Meta:
        model = Post
        fields = ["id", "text", "pillar", "track_clicks", "author", "created_at", "targets"]
        read_only_fields = ["track_clicks"]


def pillar_field() -> StrictCharField:
    return StrictCharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="A content pillar of the plan, by name; empty for none.",
    )


class PostCreateSerializer(serializers.Serializer):
    text = StrictCharField(max_length=20000)
    channels = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=50
    )
    # Per-channel text, keyed by channel id; a channel without one uses `text`.
    variants = serializers.DictField(child=StrictCharField(max_length=20000), required=False)
    scheduled_at = serializers.DateTimeField(required=False, allow_null=True)
    pillar = pillar_field()
    track_clicks = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Send the links out as short links that count clicks per channel.",
    )


class PostUpdateSerializer(serializers.Serializer):
    """A new moment, a content pillar, or both."""

    scheduled_at = serializers.DateTimeField(required=False)
    pillar = pillar_field()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError(_("Give scheduled_at, pillar or both."))
        return attrs


# --- Inbox ---------------------------------------------------------------------------------


class InboxPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "name"]
        read_only_fields = fields


class PlaceSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    lat = serializers.FloatField(read_only=True)
    lon = serializers.FloatField(read_only=True)
    near = serializers.BooleanField(read_only=True, help_text="The area around it, not in it.")


class InboxMentionSerializer(serializers.ModelSerializer):
    url = serializers.CharField(read_only=True, help_text="The post on the network; may be empty.")
    intents = serializers.ListField(child=serializers.CharField(), read_only=True)
    places = PlaceSerializer(many=True, read_only=True)

    class Meta:
        model = Mention
        fields = [
            "network",
            "kind",
            "author_handle",
            "author_name",
            "text",
            "url",
            "language",
            "sentiment",
            "intents",
            "places",
            "published_at",
        ]
        read_only_fields = fields


class InboxItemSerializer(serializers.ModelSerializer):
    """A mention, reply or message that may need a person, and what the team did with it."""

    # context["now"] is the moment that decides what is overdue.
    overdue = serializers.SerializerMethodField()
    labels = serializers.ListField(child=serializers.CharField(), read_only=True)
    assignee = InboxPersonSerializer(read_only=True, allow_null=True)
    mention = InboxMentionSerializer(read_only=True)

    class Meta:
        model = Item
        fields = [
            "id",
            "status",
            "priority",
            "arrived_at",
            "due_at",
            "overdue",
            "first_response_at",
            "first_response_seconds",
            "is_lead",
            "labels",
            "assignee",
            "mention",
        ]
        read_only_fields = fields

    def get_overdue(self, item: Item) -> bool:
        return is_overdue(item, self.context.get("now"))


class InboxReplySerializer(serializers.ModelSerializer):
    author = serializers.EmailField(source="author.email", read_only=True, allow_null=True)
    url = serializers.CharField(read_only=True, help_text="The reply on the network, once sent.")

    class Meta:
        model = Reply
        fields = ["id", "status", "text", "private", "url", "error", "author", "created_at",
                  "sent_at"]  # fmt: skip
        read_only_fields = fields


class InboxNoteSerializer(serializers.ModelSerializer):
    author = serializers.EmailField(source="author.email", read_only=True, allow_null=True)

    class Meta:
        model = Note
        fields = ["id", "text", "author", "created_at"]
        read_only_fields = fields


class InboxItemDetailSerializer(InboxItemSerializer):
    """An inbox item with the replies sent to it and the team's internal notes."""

    replies = InboxReplySerializer(many=True, read_only=True)
    notes = InboxNoteSerializer(many=True, read_only=True)

    class Meta(InboxItemSerializer.Meta):
        fields = [*InboxItemSerializer.Meta.fields, "replies", "notes"]
        read_only_fields = fields


# The earliest and latest days a date filter reaches: a day outside them would overflow the
# datetime arithmetic, and means no bound in practice.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9000, 12, 31)
INBOX_STATUSES = [
    (OPEN, _("Open (new, assigned or waiting)")),
    (OVERDUE, _("Open and past its deadline")),
    (EVERYTHING, _("All")),
    *Item.Status.choices,
]


class InboxFiltersSerializer(serializers.Serializer):
    """The inbox list's filters, as in the web interface."""

    status = serializers.ChoiceField(choices=INBOX_STATUSES, default=OPEN)
    assignee = serializers.RegexField(
        r"^(me|none|[0-9]{1,18})$",
        required=False,
        help_text="`me`, `none` (nobody) or a user id.",
    )
    channel = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    monitor = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    sentiment = serializers.ChoiceField(choices=Sentiment.choices, required=False)
    intent = serializers.ChoiceField(choices=Intent.choices, required=False)
    language = StrictCharField(max_length=5, required=False, help_text="e.g. `nl`")
    since = serializers.DateField(required=False, help_text="Arrived on or after this day.")
    until = serializers.DateField(required=False, help_text="Arrived on or before this day.")
    q = StrictCharField(max_length=200, required=False, help_text="Words the mention contains.")
    leads = serializers.BooleanField(required=False, help_text="Only leads.")

    def validate_since(self, day: date) -> date:
        return min(max(day, FIRST_DAY), LAST_DAY)

    def validate_until(self, day: date) -> date:
        return min(max(day, FIRST_DAY), LAST_DAY)

    def filters(self) -> ItemFilters:
        data = self.validated_data
        return ItemFilters(
            status=data["status"],
            assignee=data.get("assignee", ""),
            channel_id=data.get("channel"),
            monitor_id=data.get("monitor"),
            sentiment=data.get("sentiment", ""),
            intent=data.get("intent", ""),
            language=data.get("language", ""),
            since=data.get("since"),
            until=data.get("until"),
            search=data.get("q", ""),
            leads=data.get("leads", False),
        )


class InboxAssignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, allow_null=True, help_text="A member's user id, or null."
    )


class InboxStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Item.Status.choices)


class InboxReplyCreateSerializer(serializers.Serializer):
    text = StrictCharField(max_length=5000)
    private = serializers.BooleanField(
        default=False, help_text="A direct message instead of a public reply (Mastodon)."
    )


# --- Plan --------------------------------------------------------------------------------------


class PlanCheckSerializer(serializers.Serializer):
    code = serializers.CharField(source="key", help_text="e.g. `measurable_kpi`")
    ok = serializers.BooleanField()
    # Shadows Field.label on the class only; DRF moves declared fields into _declared_fields.
    label = serializers.CharField()  # type: ignore[assignment]
    fix = serializers.CharField(help_text="What to do about it, in one line.")
    step = serializers.IntegerField(help_text="The number of the step that fixes it (1-8).")


class PlanSerializer(serializers.Serializer):
    """The social media plan: each step's answers as stored, with the health check."""

    version = serializers.IntegerField(help_text="The number of the last saved version; 0: none.")
    updated_at = serializers.DateTimeField(allow_null=True)
    next_review_on = serializers.DateField(allow_null=True)
    steps = serializers.DictField(
        child=serializers.DictField(),
        help_text="Per step key (goals, audiences, positioning, channels, content, rhythm, "
        "budget, kpis), its answers; `{}` for a step not filled in.",
    )
    health = PlanCheckSerializer(many=True)


class PlanVersionSerializer(serializers.ModelSerializer):
    created_by = serializers.EmailField(source="created_by.email", read_only=True, allow_null=True)

    class Meta:
        model = PlanVersion
        fields = ["number", "kind", "note", "created_by", "created_at"]
        read_only_fields = fields


class PlanVersionCreateSerializer(serializers.Serializer):
    note = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class ResultGroupSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Channel id, pillar name, format or weekday:daypart.")
    name = serializers.CharField(source="label", help_text="As shown on the Measure page.")
    posts = serializers.IntegerField()
    reactions = serializers.IntegerField(source="engagement")
    per_post = serializers.FloatField()
    comparable = serializers.BooleanField(help_text="At least 3 posts: enough to compare.")
    clicks = serializers.SerializerMethodField(
        help_text="Clicks on the tracked links of its posts; null: none of them was tracked."
    )
    tracked = serializers.IntegerField(help_text="Its posts whose links were tracked.")
    views = serializers.IntegerField(help_text="Views of its posts whose network gave views.")
    engagement_rate = serializers.FloatField(
        allow_null=True,
        help_text="Reactions in percent of views, over its posts with views (unrounded); "
        "null: no network gave views for them.",
    )

    def get_clicks(self, group: Any) -> int | None:
        return group.clicks if group.tracked else None


class TopPostSerializer(serializers.Serializer):
    post_id = serializers.IntegerField()
    channel = serializers.CharField(source="channel_label")
    text = serializers.CharField()
    url = serializers.CharField(source="remote_url")
    likes = serializers.IntegerField()
    shares = serializers.IntegerField()
    replies = serializers.IntegerField()
    quotes = serializers.IntegerField()
    reactions = serializers.IntegerField(source="engagement")
    views = serializers.IntegerField(
        allow_null=True, help_text="How often the post was seen; null: the network did not say."
    )
    saves = serializers.IntegerField(
        allow_null=True, help_text="How often it was saved; null: the network did not say."
    )
    clicks = serializers.IntegerField(
        allow_null=True, help_text="Clicks on its tracked links; null: they were not tracked."
    )
    engagement_rate = serializers.FloatField(
        allow_null=True,
        help_text="Reactions in percent of views (unrounded); null: the network gave no views, "
        "or 0 views.",
    )


class TallySerializer(serializers.Serializer):
    """A count only some posts have: its total over the `given` posts out of `posts`."""

    total = serializers.IntegerField()
    given = serializers.IntegerField(help_text="Posts whose network gave this count.")
    posts = serializers.IntegerField()


class AudienceSerializer(serializers.Serializer):
    channel = serializers.CharField(source="label")
    followers = serializers.IntegerField()
    gained = serializers.IntegerField(
        allow_null=True, help_text="New followers in the period; null with only one count."
    )


class ResultsSerializer(serializers.Serializer):
    """What works over a period: reactions per channel, pillar, format and moment."""

    start = serializers.DateField()
    end = serializers.DateField()
    posts = serializers.IntegerField()
    reactions = serializers.IntegerField(source="engagement")
    per_post = serializers.FloatField()
    previous_posts = serializers.IntegerField()
    previous_reactions = serializers.IntegerField(source="previous_engagement")
    waiting = serializers.IntegerField(help_text="Published, results not read yet.")
    views = TallySerializer()
    saves = TallySerializer()
    clicks = TallySerializer(help_text="Clicks on tracked links; `given`: posts tracked.")
    channels = ResultGroupSerializer(many=True)
    pillars = ResultGroupSerializer(many=True)
    formats = ResultGroupSerializer(many=True)
    moments = ResultGroupSerializer(many=True)
    top = TopPostSerializer(many=True)
    audiences = AudienceSerializer(many=True, required=False)
