from django.contrib import admin

from plaza.core.admin_base import ReadOnlyAdmin, ReadOnlyInline
from plaza.payments.models import Payment, PaymentTransaction


class PaymentTransactionInline(ReadOnlyInline):
    model = PaymentTransaction
    readonly_fields = ["kind", "amount", "success", "error", "provider_reference", "created_at"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    """Read-only: money moves through the payment services, which keep order and payment in step."""

    list_display = ["order", "provider", "status", "amount", "captured_amount", "refunded_amount", "currency", "created_at"]
    list_filter = ["provider", "status"]
    search_fields = ["order__number", "reference"]
    inlines = [PaymentTransactionInline]

