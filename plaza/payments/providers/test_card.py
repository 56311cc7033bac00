"""A card processor simulator with fixed card numbers that exercise every path.

| card number         | result                                              |
| ------------------- | --------------------------------------------------- |
| 4242 4242 4242 4242 | authorized                                          |
| 4000 0000 0000 0002 | declined                                            |
| 4000 0000 0000 9995 | processing error on the first try, then authorized  |

Its webhooks are signed with HMAC-SHA256 over the raw body, hex-encoded in the
``X-Plaza-Signature: sha256=…`` header, like most real processors do.
"""

import hashlib
import hmac
import json
import re
import secrets
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone

from plaza.core.errors import InvalidInput
from plaza.payments.models import TransactionKind
from plaza.payments.providers.base import BadWebhook, PaymentProvider, ProviderResult, WebhookEvent, WebhookKind

SUCCEEDS = "4242424242424242"
DECLINED = "4000000000000002"
RETRY_THEN_SUCCEEDS = "4000000000009995"
TEST_CARDS = (SUCCEEDS, DECLINED, RETRY_THEN_SUCCEEDS)

SIGNATURE_HEADER = "X-Plaza-Signature"
MAX_WEBHOOK_AMOUNT = Decimal("9999999999.99")


def webhook_secret() -> str:
    return settings.PLAZA_TEST_CARD_WEBHOOK_SECRET


def sign(body: bytes) -> str:
    """The signature header value for ``body``: what the processor sends, what we check."""
    return "sha256=" + hmac.new(webhook_secret().encode(), body, hashlib.sha256).hexdigest()


def luhn_valid(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _clean_number(raw) -> tuple[str, str]:
    """(digits, error)"""
    number = re.sub(r"[ -]", "", raw) if isinstance(raw, str) else ""
    if not number:
        return "", "Enter the card number."
    if not number.isascii() or not number.isdigit() or not 12 <= len(number) <= 19 or not luhn_valid(number):
        return "", "This is not a valid card number."
    if number not in TEST_CARDS:
        return "", "The test provider only accepts its test cards, e.g. 4242 4242 4242 4242."
    return number, ""


def _expiry_error(raw, today: date) -> str:
    match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2})\s*", raw) if isinstance(raw, str) else None
    if not match:
        return "Enter the expiry date as MM/YY."
    month, year = int(match.group(1)), 2000 + int(match.group(2))
    if not 1 <= month <= 12:
        return "The month must be between 01 and 12."
    if (year, month) < (today.year, today.month):
        return "This card has expired."
    return ""


class TestCardProvider(PaymentProvider):
    label = "Card (test)"
    description = "Test cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined."
    needs_card = True

    def clean_details(self, details):
        number, number_error = _clean_number(details.get("card_number"))
        expiry_error = _expiry_error(details.get("card_expiry"), timezone.localdate())
        cvc = details.get("card_cvc")
        cvc_ok = isinstance(cvc, str) and cvc.isascii() and cvc.isdigit() and 3 <= len(cvc) <= 4
        errors = {
            field: [message]
            for field, message in (
                ("card_number", number_error),
                ("card_expiry", expiry_error),
                ("card_cvc", "" if cvc_ok else "Enter the 3 or 4 digits on the back of the card."),
            )
            if message
        }
        if errors:
            raise InvalidInput("Check the card details.", fields=errors)
        return {"number": number, "last4": number[-4:]}

    def authorize(self, payment, details):
        number = details["number"]
        if number == DECLINED:
            return ProviderResult(success=False, error="Your card was declined. Try another card.")
        if number == RETRY_THEN_SUCCEEDS and not payment.transactions.filter(
            kind=TransactionKind.AUTHORIZE, success=False
        ).exists():
            return ProviderResult(
                success=False, retryable=True, error="The card processor had a problem. Please try again."
            )
        return ProviderResult(success=True, reference=f"tc_{secrets.token_hex(10)}")

    def capture(self, payment, amount):
        return ProviderResult(success=True, reference=payment.reference)

    def refund(self, payment, amount):
        return ProviderResult(success=True, reference=f"tcr_{secrets.token_hex(8)}")

    def void(self, payment):
        return ProviderResult(success=True, reference=payment.reference)

    def parse_webhook(self, request):
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(given.encode(), sign(request.body).encode()):
            raise BadWebhook("The webhook signature does not match.")
        try:
            data = json.loads(request.body, parse_float=Decimal)
            kind = WebhookKind(data["type"])
            event_id, reference = data["id"], data["reference"]
            amount = Decimal(str(data["amount"]))
        except (ValueError, KeyError, TypeError, InvalidOperation) as error:
            raise BadWebhook("The webhook body is not a payment event we understand.") from error
        if not all(isinstance(text, str) and 0 < len(text) <= 120 and text.isprintable() for text in (event_id, reference)):
            raise BadWebhook("The webhook event has no valid id or reference.")
        if not amount.is_finite() or amount <= 0 or amount > MAX_WEBHOOK_AMOUNT or amount.as_tuple().exponent < -2:
            raise BadWebhook("The webhook amount must be positive with at most two decimals.")
        return WebhookEvent(event_id=event_id, kind=kind, reference=reference, amount=amount)
