from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

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
    actions = ["publish_selected"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="审核通过并发布所选岗位")
    def publish_selected(self, request, queryset):
        """Through the service: the reviewer is never the author, and the audit trail records who approved."""
        from .services import posting_publish

        done = 0
        for posting in queryset.order_by("pk"):
            try:
                posting_publish(actor=request.user, posting=posting)
            except (ValidationError, PermissionDenied) as exc:
                text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.message_user(request, f"岗位“{posting.title}”未发布：{text}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"已审核发布 {done} 个岗位。", messages.SUCCESS)


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["posting", "station", "phone_masked", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["posting", "station", "name", "phone_masked", "status", "note", "handled_by"]
    exclude = ["phone_encrypted", "phone_hash"]

    def has_add_permission(self, request):
        return False
