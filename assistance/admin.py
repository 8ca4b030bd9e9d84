"""Django admin: the catalogue for city admins (edits go through the services, so they are audited);
rule versions, entitlements and cases are read-only here (their writes are the services' alone)."""

from django.contrib import admin

from . import services
from .models import Case, EngineRun, Entitlement, Policy, PolicyVersion


class PolicyVersionInline(admin.TabularInline):
    model = PolicyVersion
    extra = 0
    can_delete = False
    readonly_fields = ["number", "rule", "required_documents", "note", "created_by", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "district_code", "verification_status", "is_active"]
    list_filter = ["kind", "verification_status", "is_active"]
    search_fields = ["code", "name"]
    readonly_fields = ["current_version"]
    inlines = [PolicyVersionInline]

    def save_model(self, request, obj, form, change):
        data = {k: form.cleaned_data[k] for k in form.changed_data if k in services.POLICY_FIELDS}
        if change:
            services.policy_update(actor=request.user, policy=Policy.objects.get(pk=obj.pk), **data)
        else:
            created = services.policy_create(actor=request.user, rule={"all": [{"fact": "age", "op": ">=", "value": 16}]},
                                             required_documents=["身份证"],
                                             **{k: form.cleaned_data[k] for k in services.POLICY_FIELDS
                                                if k in form.cleaned_data})
            obj.pk = created.pk


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "state", "policy", "archive", "state_changed_at"]
    list_filter = ["kind", "state"]
    raw_id_fields = ["archive"]


@admin.register(Entitlement)
class EntitlementAdmin(ReadOnlyAdmin):
    list_display = ["id", "policy", "archive", "state", "first_eligible_on", "last_checked_on"]
    list_filter = ["state", "policy"]
    raw_id_fields = ["archive"]


@admin.register(EngineRun)
class EngineRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "status", "processed", "total", "eligible", "found", "lapsed"]
