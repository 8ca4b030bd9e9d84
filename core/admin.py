from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from .models import AuditEvent, Occupation, UserProfile
from .security import TOKEN_ISSUE, TOKEN_REVOKE, USER_ROLE_CHANGE


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
    ROLE_FIELDS = ("role", "district_id")

    def save_model(self, request, obj, form, change):
        old = UserProfile.objects.filter(pk=obj.pk).values(*self.ROLE_FIELDS).first() if change else None
        before = old or {}
        super().save_model(request, obj, form, change)
        changes = {k: [str(before.get(k, "")), str(getattr(obj, k))] for k in self.ROLE_FIELDS
                   if before.get(k) != getattr(obj, k)}
        if changes:
            _audit_admin(request, action=USER_ROLE_CHANGE, user=obj.user, changes=changes,
                         summary=f"在管理后台修改角色：{obj.user.get_username()} → {obj.get_role_display()}",
                         district_id=obj.district_id or before.get("district_id"))

    def delete_model(self, request, obj):
        _audit_admin(request, action=USER_ROLE_CHANGE, user=obj.user, changes={"role": [obj.role, ""]},
                     summary=f"在管理后台删除角色：{obj.user.get_username()}", district_id=obj.district_id)
        super().delete_model(request, obj)


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


# Role changes and API tokens made in the Django admin reach the audit trail (issue 12 item 15) -------

def _audit_admin(request, *, action: str, user, summary: str, changes: dict | None = None,
                 district_id: int | None = None) -> None:
    from core.audit import audit_record

    audit_record(actor=request.user, action=action, obj=user, summary=summary, changes=changes,
                 district_id=district_id)


class AuditedUserAdmin(UserAdmin):
    """Superuser, staff and active flags are role changes too."""

    FLAGS = ("is_superuser", "is_staff", "is_active")

    def save_model(self, request, obj, form, change):
        before = (get_user_model().objects.filter(pk=obj.pk).values(*self.FLAGS).first() or {}) if change else {}
        super().save_model(request, obj, form, change)
        changes = {f: [str(before.get(f, "")), str(getattr(obj, f))] for f in self.FLAGS
                   if before.get(f) != getattr(obj, f)}
        if changes:
            _audit_admin(request, action=USER_ROLE_CHANGE, user=obj, changes=changes,
                         summary=f"在管理后台修改账号权限：{obj.get_username()}")


class AuditedTokenAdmin(TokenAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _audit_admin(request, action=TOKEN_ISSUE, user=obj.user, summary=f"签发 API 令牌：{obj.user.get_username()}")

    def delete_model(self, request, obj):
        _audit_admin(request, action=TOKEN_REVOKE, user=obj.user, summary=f"吊销 API 令牌：{obj.user.get_username()}")
        super().delete_model(request, obj)


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), AuditedUserAdmin)
admin.site.unregister(TokenProxy)
admin.site.register(TokenProxy, AuditedTokenAdmin)
