"""Admin: experts are managed here (city admins); sessions, slots and bookings are read-only (services write them)."""

from django import forms
from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import Appointment, ConsultationRecord, Expert, Session, Slot

PHOTO_MAX_BYTES = 1024 * 1024
PHOTO_TYPES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


class ExpertAdminForm(forms.ModelForm):
    photo_upload = forms.FileField(label="照片（JPEG/PNG，≤ 1 MB）", required=False)

    class Meta:
        model = Expert
        fields = ["name", "fields", "bio", "affiliation", "district", "is_active", "user"]

    def clean_photo_upload(self):
        f = self.cleaned_data.get("photo_upload")
        if not f:
            return None
        content = f.read(PHOTO_MAX_BYTES + 1)
        if len(content) > PHOTO_MAX_BYTES:
            raise forms.ValidationError("照片不能超过 1 MB。")
        kind = next((k for magic, k in PHOTO_TYPES if content.startswith(magic)), None)
        if kind is None:
            raise forms.ValidationError("照片只能是 JPEG 或 PNG（按文件内容判断）。")
        return content, kind

    def save(self, commit=True):
        expert = super().save(commit=False)
        if self.cleaned_data.get("photo_upload"):
            expert.photo, expert.photo_content_type = self.cleaned_data["photo_upload"]
        if commit:
            expert.save()
        return expert


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    form = ExpertAdminForm
    list_display = ["name", "affiliation", "district", "is_active", "user"]
    list_filter = ["is_active", "district"]
    search_fields = ["name", "affiliation"]
    raw_id_fields = ["user"]


@admin.register(Session)
class SessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["expert", "station", "kind", "weekday", "start_time", "end_time", "status"]
    list_filter = ["status", "kind"]


@admin.register(Slot)
class SlotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["expert", "station", "start", "end", "status"]
    list_filter = ["status"]


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["start", "expert", "station", "name", "status", "channel"]
    list_filter = ["status", "channel"]
    exclude = ["phone_encrypted", "phone_hash"]


@admin.register(ConsultationRecord)
class ConsultationRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "expert", "station", "archive"]
