from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from klankbord.accounts.models import User
from klankbord.channels.models import Channel
from klankbord.orgs.models import AuditEvent, Membership, Organisation
from klankbord.publishing.models import Post, PostTarget


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
        ]


class PostSerializer(serializers.ModelSerializer):
    author = serializers.EmailField(source="author.email", read_only=True, allow_null=True)
    targets = PostTargetSerializer(many=True, read_only=True)

    class Meta:
        model = Post
        fields = ["id", "text", "author", "created_at", "targets"]


class PostCreateSerializer(serializers.Serializer):
    text = StrictCharField(max_length=20000)
    channels = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=50
    )
    # Per-channel text, keyed by channel id; a channel without one uses `text`.
    variants = serializers.DictField(child=StrictCharField(max_length=20000), required=False)
    scheduled_at = serializers.DateTimeField(required=False, allow_null=True)


class PostRescheduleSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField()
