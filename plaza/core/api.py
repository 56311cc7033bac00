"""Shared pieces of the JSON API: authentication, the one error shape, pagination."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.base import AuthBase
from ninja.security.session import SessionAuth
from ninja.utils import check_csrf

from plaza.accounts.services import user_for_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer plz_…`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


CSRF_FAILED = "CSRF check failed: send the csrftoken cookie's value in an X-CSRFToken header."


def _check_csrf(request: HttpRequest) -> None:
    if request.method not in ("GET", "HEAD", "OPTIONS") and check_csrf(request) is not None:
        raise HttpError(403, CSRF_FAILED)


class SignedInSession(SessionAuth):
    """A browser's session. A caller with no session is not signed in (401: sign in), not
    refused a CSRF check (403) that only means something for a session."""

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        _check_csrf(request)
        return request.user


class OptionalAuth(AuthBase):
    """Lets guests in, and resolves a signed-in user from a bearer token or the session.

    Used by endpoints guests may call (browse, cart, checkout, their own order by token).
    An invalid bearer token is refused (401) rather than treated as a guest, and a session
    caller must pass the CSRF check on unsafe methods (403).
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
            _check_csrf(request)
            return request.user
        return AnonymousUser()


token_auth = TokenAuth()
session_auth = SignedInSession()
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


def unreadable_body_error(error: Exception) -> dict:
    """A body Django refuses to parse: a multipart without a boundary, too many fields, too big."""
    return error_body("bad_request", f"The request body could not be read: {error}")
