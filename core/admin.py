from django.contrib import admin

from .models import AuditEvent, Occupation, UserProfile


class ReadOnlyAdminMixin:
    """Viewable, never written from the admin: the rows change only through the portal's services, which check
    scope and record the audit event (the admin would bypass both)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UserProfile)
class UserProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "district", "display_name"]
    list_filter = ["role", "district"]
    search_fields = ["user__username", "display_name"]


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor_name", "action", "object_repr", "summary", "client_ip"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor_name", "object_repr", "summary"]
