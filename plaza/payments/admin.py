from django.contrib import admin

from plaza.payments.models import Payment, PaymentTransaction


class PaymentTransactionInline(admin.TabularInline):
    model = PaymentTransaction
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "amount", "success", "error", "provider_reference", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Read-only: money moves through the payment services, which keep order and payment in step."""

    list_display = ["order", "provider", "status", "amount", "captured_amount", "refunded_amount", "currency", "created_at"]
    list_filter = ["provider", "status"]
    search_fields = ["order__number", "reference"]
    inlines = [PaymentTransactionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
