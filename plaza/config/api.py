"""The JSON API at /api/v1/: every app's router, and the one error shape for all errors.

Every error body is ``{"error": {"code", "message", "fields": {field: [messages]}}}``.
"""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from csp.decorators import csp_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from plaza.core.api import error_body, unreadable_body_error
from plaza.core.errors import PlazaError, TooManyRequests

api = NinjaAPI(
    title="Plaza API",
    version="1",
    description="Shops, catalog, local stock, carts, checkout, orders, friends, the feed, asks, shared lists and notifications. See docs/api.md.",
    urls_namespace="api-1",
    # The interactive docs load Swagger UI's script and styles from its CDN, inline.
    docs_decorator=csp_exempt(),
)


def _field_name(location: tuple) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "form", "payload")]
    return ".".join(parts) or "body"


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(tuple(error.get("loc", ()))), []).append(error.get("msg", "invalid"))
    return api.create_response(
        request, error_body("invalid", "Some fields are not valid.", fields), status=422
    )


@api.exception_handler(PlazaError)
def on_plaza_error(request, exc: PlazaError):
    response = api.create_response(request, error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, TooManyRequests):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request, exc: DjangoValidationError):
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"body": exc.messages}
    return api.create_response(request, error_body("invalid", "Some fields are not valid.", fields), status=422)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return api.create_response(request, error_body("unauthorized", "Sign in or send a valid API token."), status=401)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return api.create_response(request, error_body("forbidden", str(exc) or "Not allowed."), status=403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, error_body("not_found", "Not found."), status=404)


@api.exception_handler(MultiPartParserError)
@api.exception_handler(SuspiciousOperation)
def on_unreadable_body(request, exc):
    return api.create_response(request, unreadable_body_error(exc), status=400)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return api.create_response(request, error_body("error", str(exc)), status=exc.status_code)


def _mount_routers() -> None:
    from plaza.accounts.api import router as accounts
    from plaza.asks.api import router as asks
    from plaza.catalog.api import router as catalog
    from plaza.checkout.api import router as checkout
    from plaza.feed.api import router as feed
    from plaza.inventory.api import router as inventory
    from plaza.lists.api import router as lists
    from plaza.notifications.api import router as notifications
    from plaza.orders.api import router as orders
    from plaza.payments.api import router as payments
    from plaza.search.api import router as search
    from plaza.shops.api import router as shops
    from plaza.social.api import router as social

    api.add_router("/accounts", accounts)
    api.add_router("/shops", shops)
    api.add_router("/catalog", catalog)
    api.add_router("/inventory", inventory)
    api.add_router("/cart", checkout)
    api.add_router("/orders", orders)
    api.add_router("/payments", payments)
    api.add_router("/search", search)
    api.add_router("/social", social)
    api.add_router("/feed", feed)
    api.add_router("/asks", asks)
    api.add_router("/lists", lists)
    api.add_router("/notifications", notifications)


_mount_routers()
