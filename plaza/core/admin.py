from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _, ngettext

from plaza.core import outbox
from plaza.core.models import FailedDelivery


class GivenUpFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("given_up", _("Given up (dead letters)")), ("retrying", _("Still retrying"))]

    def queryset(self, request, queryset):
        if self.value() == "given_up":
            return queryset.filter(given_up_at__isnull=False)
        if self.value() == "retrying":
            return queryset.filter(given_up_at__isnull=True)
        return queryset


@admin.register(FailedDelivery)
class FailedDeliveryAdmin(admin.ModelAdmin):
    """The outbox's dead-letter list: one subscriber that failed on one event. Read-only;
    "retry now" runs the subscriber again at once."""

    list_display = ["subscriber", "event", "attempts", "failed_at", "next_attempt_at", "given_up_at"]
    list_filter = [GivenUpFilter, "subscriber"]
    search_fields = ["subscriber", "event__topic", "last_error"]
    list_select_related = ["event"]
    readonly_fields = ["event", "event_payload", "subscriber", "attempts", "last_error", "failed_at", "next_attempt_at", "given_up_at"]
    actions = ["retry_now"]

    @admin.display(description=_("payload"))
    def event_payload(self, failure: FailedDelivery):
        return failure.event.payload

    @admin.action(description=_("Retry the selected deliveries now"))
    def retry_now(self, request, queryset):
        succeeded, failing = outbox.retry_failed(queryset)
        self.message_user(
            request,
            ngettext("%(n)d delivery succeeded.", "%(n)d deliveries succeeded.", succeeded) % {"n": succeeded},
            messages.SUCCESS,
        )
        if failing:
            self.message_user(
                request,
                ngettext("%(n)d still fails.", "%(n)d still fail.", failing) % {"n": failing},
                messages.WARNING,
            )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
