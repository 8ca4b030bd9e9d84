"""Forms of the consulting app."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import DateInput, PortalFormMixin
from core.scoping import scope_of
from core.validators import normalize_phone, validate_mobile
from jobseekers.models import ConsentScope
from stations.models import District, Station

from .models import Expert, Session
from .services import PHOTO_MAX_BYTES

CONSENT_LABEL = _("我同意服务站将我的姓名和手机号用于本次预约的确认、提醒和联系")


class BookingForm(PortalFormMixin, forms.Form):
    """The public booking: name, phone, topic, consent; `website` is a honeypot people never see."""

    name = forms.CharField(label=_("您的姓名"), max_length=40)
    phone = forms.CharField(label=_("手机号"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    topic = forms.CharField(label=_("想咨询的问题"), max_length=200,
                            widget=forms.Textarea(attrs={"rows": 3}))
    consent = forms.BooleanField(label=CONSENT_LABEL,
                                 error_messages={"required": _("须同意将手机号用于预约联系，才能预约。")})
    website = forms.CharField(required=False, label=_("请勿填写"),
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data["phone"])
        validate_mobile(phone)
        return phone

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class RecordForm(PortalFormMixin, forms.Form):
    """A consultation record; follow-ups one per line as `YYYY-MM-DD 事项`."""

    topics = forms.CharField(label=_("咨询议题（用顿号或逗号分隔）"), max_length=200, required=False)
    advice = forms.CharField(label=_("指导意见"), widget=forms.Textarea(attrs={"rows": 4}))
    actions = forms.CharField(label=_("跟进事项（每行一项：日期 事项，如 2026-12-20 提交营业执照材料）"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("附件（PDF、JPEG、PNG，不超过 5 MB）"), required=False)

    def clean_topics(self):
        import re

        return [t for t in re.split(r"[、,，;；\s]+", self.cleaned_data["topics"]) if t]

    def clean_actions(self):
        import datetime as dt

        rows = []
        for line in self.cleaned_data["actions"].splitlines():
            if not line.strip():
                continue
            day, _sep, text = line.strip().partition(" ")
            try:
                rows.append((text.strip(), dt.date.fromisoformat(day)))
            except ValueError:
                raise forms.ValidationError(_("每行以日期开头（如 2026-12-20），再写事项。")) from None
        return rows

    def __init__(self, *args, offer_archive: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if offer_archive:  # booked on the public page, no archive yet: staff may create one with consent
            self.fields["archive_id_number"] = forms.CharField(
                label=_("同时建档：居民身份证号"), max_length=18, required=False,
                help_text=_("留空则不建档；姓名和手机号取自预约"))
            self.fields["archive_consent_scope"] = forms.ChoiceField(
                label=_("同意范围"), choices=[(v, _(label)) for v, label in ConsentScope.choices], required=False)
            self.fields["archive_consent"] = forms.BooleanField(
                label=_("居民本人今天同意为其建立求职档案并处理上述个人信息"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("archive_id_number") and not data.get("archive_consent"):
            self.add_error("archive_consent", _("建档须取得居民本人同意。"))
        if data.get("archive_id_number") and not data.get("archive_consent_scope"):
            self.add_error("archive_consent_scope", _("请选择同意范围。"))
        return data

    def create_archive(self, *, street) -> dict | None:
        """The `record_create(create_archive=…)` details, when staff asked to create an archive."""
        if not self.cleaned_data.get("archive_id_number"):
            return None
        return {"id_number": self.cleaned_data["archive_id_number"], "consent_date": timezone.localdate(),
                "consent_scope": self.cleaned_data["archive_consent_scope"], "street": street}


class StaffBookingForm(PortalFormMixin, forms.Form):
    """Staff book a free slot for a jobseeker of their station (name and phone from the archive)."""

    slot = forms.TypedChoiceField(label=_("专家与时段"), coerce=int)
    topic = forms.CharField(label=_("想咨询的问题"), max_length=200)
    consent = forms.BooleanField(label=_("求职者本人同意将手机号用于本次预约的确认和提醒"),
                                 error_messages={"required": _("须同意将手机号用于预约联系，才能预约。")})

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [
            (s.pk, f"{s.expert.name}（{'、'.join(s.expert.fields)}）· {timezone.localtime(s.start):%m-%d %H:%M} · "
                   f"{s.session.get_kind_display()}") for s in slots]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class SessionForm(PortalFormMixin, forms.Form):
    """A recurring 坐诊 rule (every weekday from start to end, cut into slots). The fields are the model's; the
    rules (time order, slot length, no overlap with the expert's other rules) are checked by `session_create`
    (full_clean, and the exclusion constraint in the database)."""

    FIELDS = ["expert", "station", "kind", "weekday", "start_time", "end_time", "slot_minutes", "valid_from",
              "valid_until"]
    WIDGETS = {"start_time": TimeInput(), "end_time": TimeInput(), "valid_from": DateInput(),
               "valid_until": DateInput()}
    LABELS = {"expert": _("专家"), "station": _("服务站"), "kind": _("方式"), "weekday": _("星期"),
              "start_time": pgettext_lazy("consulting session", "开始时间"),
              "end_time": pgettext_lazy("consulting session", "结束时间"), "slot_minutes": _("每段分钟数"),
              "valid_from": _("起始日期"), "valid_until": pgettext_lazy("consulting session", "截止日期")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(Session, fields=self.FIELDS, widgets=self.WIDGETS,
                                                    labels=self.LABELS))
        self.fields["expert"].queryset = Expert.objects.active()
        stations = Station.objects.visible_to(user).order_by("code")
        self.fields["station"].queryset = stations
        if stations.count() == 1:
            self.fields["station"].initial = stations.first()
        self.fields["station"].help_text = _("坐诊的站点；电话/线上咨询时为组织的站点")
        self.fields["slot_minutes"].help_text = _("10 到 240 分钟")
        self.fields["valid_from"].initial = timezone.localdate()
        self.fields["valid_until"].help_text = _("不填则长期有效")

    def clean_valid_from(self):
        day = self.cleaned_data["valid_from"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("起始日期不能早于今天。"))
        return day


class ExpertForm(PortalFormMixin, forms.Form):
    """An expert's public profile (district and city admins); the photo is checked by its bytes in the service."""

    name = forms.CharField(label=_("姓名"), max_length=40)
    fields_text = forms.CharField(label=_("擅长领域"), max_length=200, required=False,
                                  help_text=_("用顿号或逗号分隔，如 餐饮、电商、财税、法律、融资"))
    affiliation = forms.CharField(label=_("所属机构"), max_length=100, required=False)
    bio = forms.CharField(label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    district = forms.ModelChoiceField(label=_("管理区"), queryset=District.objects.none())
    is_active = forms.BooleanField(label=_("在岗（可被预约）"), required=False, initial=True)
    photo = forms.FileField(label=_("照片（JPEG/PNG，≤ 1 MB）"), required=False)

    def __init__(self, *args, user=None, expert: Expert | None = None, **kwargs):
        if expert is not None and not kwargs.get("data") and not args:
            kwargs["initial"] = {"name": expert.name, "fields_text": "、".join(expert.fields), "bio": expert.bio,
                                 "affiliation": expert.affiliation, "district": expert.district_id,
                                 "is_active": expert.is_active}
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        districts = District.objects.order_by("code")
        self.fields["district"].queryset = districts if scope.is_city else districts.filter(pk=scope.district_id)
        if not scope.is_city:
            self.fields["district"].initial = scope.district_id

    def clean_fields_text(self):
        parts = [p.strip() for p in re.split(r"[、,，;；\s]+", self.cleaned_data["fields_text"]) if p.strip()]
        if any(len(p) > 16 for p in parts):
            raise forms.ValidationError(_("每个领域不超过 16 个字。"))
        return list(dict.fromkeys(parts))

    def clean_photo(self):
        f = self.cleaned_data.get("photo")
        return f.read(PHOTO_MAX_BYTES + 1) if f else None

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["fields"] = data.pop("fields_text")
        return data
