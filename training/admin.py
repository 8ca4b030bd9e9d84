from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import Program, Provider, Referral, WaitlistEntry


@admin.register(Provider)
class ProviderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: providers are registered and edited through training/services.py (audited)."""

    list_display = ["name", "credit_code", "station", "is_designated", "designated_until"]
    search_fields = ["name", "credit_code"]


@admin.register(Program)
class ProgramAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "provider", "station", "status", "start_date", "capacity", "seats_taken"]
    list_filter = ["status", "skill_level"]
    search_fields = ["title"]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["program", "archive", "status", "created_at"]
    list_filter = ["status"]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["program", "archive", "status", "offer_expires_at"]
    list_filter = ["status"]

