from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.utils.translation import gettext_lazy as _, ngettext

from plaza.core import outbox
from plaza.core.admin_base import ReadOnlyAdmin
from plaza.core.models import FailedDelivery


@admin.register(LogEntry)
class AuditLogAdmin(ReadOnlyAdmin):
    """Every change made in the admin (Django records each addition, change, deletion and
    action there), newest first, read-only."""

    list_display = ("action_time", "user", "content_type", "object_repr", "action_flag", "change_message")
    list_filter = ("action_flag", "content_type")
    search_fields = ("object_repr", "change_message", "user__email")
    list_select_related = ("user", "content_type")
    date_hierarchy = "action_time"

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


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
class FailedDeliveryAdmin(ReadOnlyAdmin):
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
        for failure in queryset:
            self.log_change(request, failure, "Retried now")
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
