from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema

from plaza.accounts import services
from plaza.core.api import ErrorOut, signed_in

router = Router(tags=["accounts"], auth=signed_in)


class MeOut(Schema):
    id: int
    email: str
    display_name: str


class ProfileIn(Schema):
    display_name: str = Field(..., description="the name other people see; your e-mail address never is")


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    id: int
    name: str
    key_prefix: str
    created_at: datetime
    last_used_at: datetime | None


class TokenCreatedOut(TokenOut):
    key: str


@router.get("/me", response=MeOut)
def me(request: HttpRequest):
    return request.user


@router.patch("/me", response={200: MeOut, 422: ErrorOut})
def update_me(request: HttpRequest, payload: ProfileIn):
    return services.update_profile(user=request.user, display_name=payload.display_name)


@router.get("/tokens", response=list[TokenOut])
def list_tokens(request: HttpRequest):
    return request.user.api_tokens.filter(revoked_at__isnull=True)


@router.post("/tokens", response={201: TokenCreatedOut, 422: ErrorOut})
def create_token(request: HttpRequest, payload: TokenIn):
    token, raw = services.create_api_token(user=request.user, name=payload.name)
    return 201, {**TokenOut.from_orm(token).dict(), "key": raw}


@router.delete("/tokens/{token_id}", response={204: None, 404: ErrorOut})
def revoke_token(request: HttpRequest, token_id: int):
    services.revoke_api_token(user=request.user, token_id=token_id)
    return 204, None
