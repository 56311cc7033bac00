from django.db import transaction
from django.utils import timezone

from plaza.accounts.models import MAX_DISPLAY_NAME, ApiToken, User, hash_token
from plaza.core.errors import InvalidInput, NotFound
from plaza.core.text import clean_text


@transaction.atomic
def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its raw key, which is never stored."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise InvalidInput("Give the token a name of 1 to 80 characters.", fields={"name": ["1 to 80 characters"]})
    raw = ApiToken.generate_key()
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw), key_prefix=raw[:12])
    return token, raw


@transaction.atomic
def revoke_api_token(*, user: User, token_id: int) -> None:
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise NotFound("No such active token.")


@transaction.atomic
def update_profile(*, user: User, display_name) -> User:
    try:
        name = clean_text(display_name, max_length=MAX_DISPLAY_NAME, required=True, label="Your name")
    except ValueError as error:
        raise InvalidInput(str(error), fields={"display_name": [str(error)]}) from error
    user.display_name = name
    user.save(update_fields=["display_name"])
    return user


def user_for_token(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
