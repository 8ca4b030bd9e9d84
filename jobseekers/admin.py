from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from core.audit import audit_record

from . import events
from .models import Certificate, FollowUpTask, ImportJob, JobseekerArchive, ResurveyRule, StatusEntry, Visit


@admin.register(ResurveyRule)
class ResurveyRuleAdmin(admin.ModelAdmin):
    list_display = ["is_key_group", "status", "interval_days", "updated_at"]
    list_editable = ["interval_days"]
    list_filter = ["is_key_group"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action=events.JOBSEEKER_RULE_UPDATE, obj=obj, summary=str(obj),
                     changes={k: ["", str(form.cleaned_data.get(k))] for k in form.changed_data})


@admin.register(JobseekerArchive)
class JobseekerArchiveAdmin(admin.ModelAdmin):
    """Read-only in the admin: archives are written through the portal's services (audit, encryption)."""

    list_display = ["name", "id_number_last4", "station", "current_status", "next_survey_due", "is_open"]
    list_filter = ["current_status", "is_open", "station__street__district"]
    search_fields = ["name", "id_number_last4"]
    exclude = ["desired_occupations"]
    readonly_fields = ["name", "station", "id_number_last4", "birth_date", "sex", "current_status",
                       "next_survey_due", "version", "is_open"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (StatusEntry, Visit, FollowUpTask, ImportJob):
    admin.site.register(model, type(f"{model.__name__}Admin", (admin.ModelAdmin,), {
        "has_add_permission": lambda self, request: False,
        "has_change_permission": lambda self, request, obj=None: False,
        "has_delete_permission": lambda self, request, obj=None: False,
        "exclude": ["source"] if model is ImportJob else [],
    }))


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: certificates are written on the archive page, by the import and by training (audited)."""

    list_display = ["name", "archive", "occupation_code", "level", "issued_on"]
