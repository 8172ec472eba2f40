from django.db import transaction
from django.utils import timezone

from klankbord.accounts.models import ApiToken, User, hash_token


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and only its hash is stored."""
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user, name=name, token_hash=hash_token(secret), hint=secret[:8]
    )
    return token, secret


def api_token_revoke(*, user: User, token_id: int) -> bool:
    revoked = ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return revoked == 1


def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every API token of the user, e.g. when their password changes."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def api_token_authenticate(secret: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


@transaction.atomic
def user_create(*, email: str, password: str, name: str = "", language: str = "") -> User:
    fields = {"name": name}
    if language:
        fields["language"] = language
    return User.objects.create_user(email=email, password=password, **fields)
