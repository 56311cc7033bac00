"""Domain errors raised by services; the API and views turn them into 4xx responses."""


class PlazaError(Exception):
    """Base for errors a user can act on. ``fields`` maps a field name to its messages."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class InvalidInput(PlazaError):
    status_code = 422
    code = "invalid"


class NotFound(PlazaError):
    status_code = 404
    code = "not_found"


class Forbidden(PlazaError):
    status_code = 403
    code = "forbidden"


class Conflict(PlazaError):
    status_code = 409
    code = "conflict"


class OutOfStock(Conflict):
    code = "out_of_stock"


class TooManyRequests(PlazaError):
    """A per-person limit is used up (plaza.core.rate_limits); ``retry_after`` in seconds."""

    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class PaymentDeclined(PlazaError):
    status_code = 402
    code = "payment_declined"
