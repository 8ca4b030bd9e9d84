from django.contrib import admin

from .models import BatchRun, GuidanceSession, InsuranceHelp, PushRecord, SmsOutbox


@admin.register(PushRecord)
class PushRecordAdmin(admin.ModelAdmin):
    list_display = ["pushed_at", "archive", "posting", "channel", "outcome", "outcome_date"]
    list_filter = ["channel", "outcome"]
    raw_id_fields = ["archive", "posting", "pushed_by", "outcome_by"]


@admin.register(SmsOutbox)
class SmsOutboxAdmin(admin.ModelAdmin):
    list_display = ["created_at", "archive", "status", "attempts", "last_error", "next_attempt_at"]
    list_filter = ["status"]
    raw_id_fields = ["archive", "station", "push"]
    exclude = ["phone_encrypted"]


@admin.register(BatchRun)
class BatchRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "status", "processed", "total", "fallbacks", "finished_at"]


@admin.register(GuidanceSession)
class GuidanceSessionAdmin(admin.ModelAdmin):
    list_display = ["held_on", "archive", "kind", "topics"]
    raw_id_fields = ["archive", "counsellor"]


@admin.register(InsuranceHelp)
class InsuranceHelpAdmin(admin.ModelAdmin):
    list_display = ["archive", "status", "registered_on"]
    raw_id_fields = ["archive", "updated_by"]
