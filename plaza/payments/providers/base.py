"""The interface every payment provider implements.

The services in :mod:`plaza.payments.services` own the ``Payment`` rows and their audit
trail; a provider only talks to its processor and reports what it answered. Providers
never store card numbers: ``clean_details`` may keep the number in memory for the one
``authorize`` call, and hands back ``last4`` for the record.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.http import HttpRequest

from plaza.core.errors import PlazaError


@dataclass(frozen=True)
class ProviderResult:
    """What the processor answered. ``retryable`` failures may succeed if asked again."""

    success: bool
    retryable: bool = False
    reference: str = ""
    error: str = ""


class WebhookKind(StrEnum):
    CAPTURED = "payment.captured"
    REFUNDED = "payment.refunded"


@dataclass(frozen=True)
class WebhookEvent:
    """A processor's notice about one of our payments, identified by its reference."""

    event_id: str
    kind: WebhookKind
    reference: str
    amount: Decimal


class BadWebhook(PlazaError):
    status_code = 400
    code = "bad_webhook"


class PaymentProvider:
    label = ""
    description = ""
    # Pay at pick-up only makes sense when the shopper comes to the shop.
    pickup_only = False
    needs_card = False

    def __init__(self, name: str):
        self.name = name

    def clean_details(self, details: dict) -> dict:
        """Check what the shopper entered; raise InvalidInput with field errors."""
        return {}

    def authorize(self, payment, details: dict) -> ProviderResult:
        raise NotImplementedError

    def capture(self, payment, amount: Decimal) -> ProviderResult:
        raise NotImplementedError

    def refund(self, payment, amount: Decimal) -> ProviderResult:
        raise NotImplementedError

    def void(self, payment) -> ProviderResult:
        raise NotImplementedError

    def parse_webhook(self, request: HttpRequest) -> WebhookEvent:
        raise BadWebhook(f"{self.label} does not send webhooks.")
