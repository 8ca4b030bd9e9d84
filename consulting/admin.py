"""Admin: experts are managed on the staff pages (district and city admins) and here (linking a login);
sessions, slots and bookings are read-only (services write them)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from core.admin import ReadOnlyAdminMixin

from .models import Appointment, ConsultationRecord, Expert, Session, Slot
from .services import PHOTO_MAX_BYTES, photo_check


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
        try:
            return content, photo_check(content)
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["photo"]) from None

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
