"""Shared pieces of the JSON API: authentication, the one error shape, pagination."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Schema
from ninja.utils import check_csrf
from ninja.security import HttpBearer
from ninja.security.base import AuthBase
from ninja.security.session import SessionAuth

from plaza.accounts.services import user_for_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer plz_…`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class OptionalAuth(AuthBase):
    """Lets guests in, and resolves a signed-in user from a bearer token or the session.

    Used by endpoints guests may call (browse, cart, checkout, their own order by token).
    An invalid bearer token is refused rather than treated as a guest, and a session
    caller must pass the CSRF check on unsafe methods, as with ``SessionAuth``.
    """

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            user = user_for_token(header[7:].strip())
            if user is None:
                return None
            request.user = user
            return user
        if request.user.is_authenticated:
            if request.method not in ("GET", "HEAD", "OPTIONS") and check_csrf(request) is not None:
                return None
            return request.user
        return AnonymousUser()


token_auth = TokenAuth()
session_auth = SessionAuth(csrf=True)
signed_in = [token_auth, session_auth]
anyone = OptionalAuth()


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    error: ErrorDetail


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}
