"""Payments API: processors' webhooks. Each provider authenticates its own (signature)."""

from ninja import Path, Router, Schema

from plaza.core.api import ErrorOut
from plaza.core.errors import InvalidInput, NotFound
from plaza.payments import services
from plaza.payments.providers import get_provider

router = Router(tags=["payments"])


class WebhookOut(Schema):
    received: bool
    payment_status: str


WEBHOOK_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["id", "type", "reference", "amount"],
                    "properties": {
                        "id": {"type": "string", "description": "the processor's event id (replays are ignored)"},
                        "type": {"type": "string", "enum": ["payment.captured", "payment.refunded"]},
                        "reference": {"type": "string", "description": "the payment's reference at the processor"},
                        "amount": {"type": "string", "example": "12.50"},
                    },
                }
            }
        },
    }
}


@router.post(
    "/webhooks/{provider}",
    auth=None,
    response={200: WebhookOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Receive a payment processor's event",
    description=(
        "For the test card provider the body is signed with HMAC-SHA256 (secret "
        "`PLAZA_TEST_CARD_WEBHOOK_SECRET`), hex-encoded in `X-Plaza-Signature: sha256=…`. "
        "A bad signature gets 400."
    ),
    openapi_extra=WEBHOOK_BODY,
)
def receive_webhook(request, provider: str = Path(..., max_length=40)):
    try:
        payment_provider = get_provider(provider)
    except InvalidInput as error:
        raise NotFound("No such payment provider.") from error
    payment = services.apply_webhook(payment_provider.name, payment_provider.parse_webhook(request))
    return {"received": True, "payment_status": payment.status}
