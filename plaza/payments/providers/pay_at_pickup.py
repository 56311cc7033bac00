import secrets

from plaza.payments.providers.base import PaymentProvider, ProviderResult


class PayAtPickupProvider(PaymentProvider):
    """The shopper pays at the counter: nothing to authorize, captured when the order completes."""

    label = "Pay at pick-up"
    description = "Pay in the shop when you collect your order."
    pickup_only = True

    def authorize(self, payment, details):
        return ProviderResult(success=True, reference=f"pap_{secrets.token_hex(8)}")

    def capture(self, payment, amount):
        return ProviderResult(success=True, reference=payment.reference)

    def refund(self, payment, amount):
        return ProviderResult(success=True, reference=payment.reference)

    def void(self, payment):
        return ProviderResult(success=True, reference=payment.reference)
