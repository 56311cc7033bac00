"""Asks in the operator's admin, to look into a report. Changes go through the services (they record the events)."""

from django.contrib import admin

from plaza.asks.models import Answer, Ask, PollOption


class PollOptionInline(admin.TabularInline):
    model = PollOption
    extra = 0
    fields = ("position", "label", "answer_code", "variant")
    readonly_fields = fields
    can_delete = False


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ("author", "text", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Ask)
class AskAdmin(admin.ModelAdmin):
    list_display = ("question", "asker", "audience", "poll_kind", "deadline", "closed_at", "created_at")
    list_filter = ("audience", "poll_kind")
    search_fields = ("question",)
    raw_id_fields = ("asker", "product", "circle", "people")
    readonly_fields = ("version", "summary", "closed_at", "created_at", "updated_at")
    inlines = [PollOptionInline, AnswerInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
