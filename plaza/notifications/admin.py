from django.contrib import admin

from plaza.notifications.models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "recipient", "kind", "text", "created_at", "read_at", "email_due", "emailed_at"]
    list_filter = ["kind", "email_due"]
    search_fields = ["recipient__email", "text"]
    raw_id_fields = ["recipient", "actor"]
    readonly_fields = ["created_at", "dedupe_key"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel"]
    list_filter = ["kind", "channel"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
