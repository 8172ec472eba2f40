from rest_framework import serializers

from klankbord.accounts.models import User
from klankbord.orgs.models import AuditEvent, Membership, Organisation


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "name", "language"]
        read_only_fields = ["id", "email"]


class OrganisationSerializer(serializers.ModelSerializer):
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
