from django.contrib import admin

from plaza.core.admin_base import ReadOnlyAdmin
from plaza.feed.models import Comment, Share


@admin.register(Share)
class ShareAdmin(ReadOnlyAdmin):
    list_display = ("pk", "author", "kind", "audience", "message", "created_at")
    list_filter = ("kind", "audience")
    search_fields = ("message", "author__display_name")
    list_select_related = ("author",)


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("pk", "author", "share", "text", "created_at")
    search_fields = ("text", "author__display_name")
    list_select_related = ("author", "share")
