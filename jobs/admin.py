from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import Employer, JobPosting, Lead


@admin.register(Employer)
class EmployerAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: employers are registered and edited on the staff pages (jobs/services.py audits them)."""

    list_display = ["name", "kind", "credit_code", "station", "verified"]
    list_filter = ["kind", "verified"]
    search_fields = ["name", "credit_code"]
    raw_id_fields = ["station", "street"]


@admin.register(JobPosting)
class JobPostingAdmin(admin.ModelAdmin):
    """Read-mostly: state changes and edits go through the staff pages (services keep search columns and audit)."""

    list_display = ["title", "employer", "station", "status", "source", "published_at", "expires_on"]
    list_filter = ["status", "source", "hours_type", "is_public_service"]
    search_fields = ["title", "employer__name"]
    readonly_fields = [f.name for f in JobPosting._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["posting", "station", "phone_masked", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["posting", "station", "name", "phone_masked", "status", "note", "handled_by"]
    exclude = ["phone_encrypted", "phone_hash"]

    def has_add_permission(self, request):
        return False
