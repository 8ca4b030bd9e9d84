"""Forms: parse and render input; validation of the archive itself lives in the model and services."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.choices import KeyGroup, translated
from core.forms import DateInput, OccupationPicker, PortalFormMixin, SpreadsheetUploadForm
from core.models import Occupation
from core.validators import normalize_phone, parse_id_number, validate_mobile
from stations.models import Area, Grid, Station, Street

from .models import (
    SYSTEM_SOURCE_MESSAGE,
    Certificate,
    EmploymentStatus,
    JobseekerArchive,
    StatusEntry,
    Visit,
)


def staff_name(user) -> str:
    """A staff member as colleagues know them: the display name, the username only when there is none."""
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile is not None else "") or user.get_username()


class ArchiveForm(PortalFormMixin, forms.ModelForm):
    """建档 / 修改档案. The ID number is entered once, at creation; birth date and sex are derived from it."""

    id_number = forms.CharField(label=_("身份证号"), max_length=20, required=True,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    key_groups = forms.MultipleChoiceField(label=_("重点群体"), choices=translated(KeyGroup), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    desired_occupations = forms.ModelMultipleChoiceField(
        label=_("意向职业（职业分类大典细类，可多选）"), required=False,
        widget=OccupationPicker(search_url=reverse_lazy("jobseekers:occupation_search"), multiple=True),
        queryset=Occupation.objects.filter(level=Occupation.Level.OCCUPATION))
    initial_status = forms.ChoiceField(label=_("当前就业状态"), choices=translated(EmploymentStatus),
                                       initial=EmploymentStatus.UNEMPLOYED)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    field_order = ["station", "name", "id_number", "phone", "hukou", "initial_status", "key_groups", "street", "area",
                   "grid", "address", "lat", "lng", "education", "graduation_year", "school", "skills",
                   "work_history", "desired_occupations", "desired_salary", "desired_hours",
                   "max_commute_minutes", "helper", "consent_date", "consent_scope", "is_open", "closed_reason"]

    class Meta:
        model = JobseekerArchive
        fields = ["station", "name", "hukou", "street", "area", "grid", "address", "lat", "lng", "education",
                  "graduation_year", "school", "skills", "work_history", "desired_salary",
                  "desired_hours", "max_commute_minutes", "key_groups", "helper", "consent_date",
                  "consent_scope", "is_open", "closed_reason"]
        widgets = {
            "consent_date": DateInput(),
            "skills": forms.Textarea(attrs={"rows": 2}),
            "work_history": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        stations = Station.objects.visible_to(user).select_related("street")
        self.fields["station"].queryset = stations
        self.fields["street"].queryset = Street.objects.select_related("district").order_by("district__code", "code")
        self.fields["street"].label_from_instance = lambda s: f"{s.district.name} · {s.name}"
        # 片区 and grids in the user's scope only (staff: their stations' streets; admins: their district)
        self.fields["area"].queryset = Area.objects.visible_to(user).select_related("street")
        self.fields["grid"].queryset = Grid.objects.visible_to(user).select_related("street")
        self.fields["area"].error_messages["invalid_choice"] = "所选片区不在您的管理范围内，请重新选择。"
        self.fields["grid"].error_messages["invalid_choice"] = "所选网格不在您的管理范围内，请重新选择。"
        self.fields["helper"].queryset = (get_user_model().objects.filter(
            station_memberships__station__in=stations, station_memberships__is_active=True).distinct()
            .select_related("profile").order_by("username"))
        self.fields["helper"].label_from_instance = staff_name
        self.fields["consent_date"].required = True
        self.fields["consent_scope"].required = True
        self.fields["consent_date"].error_messages["required"] = _("请先取得本人同意并填写同意日期，才能保存档案。")
        self.fields["consent_scope"].error_messages["required"] = _("请选择本人同意的信息使用范围。")
        if self.instance.pk:
            del self.fields["id_number"]
            del self.fields["initial_status"]
            del self.fields["station"]
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
            self.fields["phone"].help_text = format_lazy(_("留空表示不修改；当前：{}"), self.instance.phone_masked or _("未填"))
        else:
            del self.fields["is_open"]
            del self.fields["closed_reason"]
            if stations.count() == 1:
                self.fields["station"].initial = stations.first()
            self.fields["consent_date"].initial = timezone.localdate()

    def clean_id_number(self):
        """The ID number's own checks (length, check digit, birth date) here, so they show with every other error
        at once; the service checks again and adds what needs the database (already registered elsewhere)."""
        value = self.cleaned_data["id_number"]
        parse_id_number(value, today=timezone.localdate())
        return value

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        if normalize_phone(value):
            validate_mobile(normalize_phone(value))
        return value

    def _post_clean(self):
        # The model is validated by the service (with the derived identity fields); skip the ModelForm pass.
        pass

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        for key in ("id_number", "initial_status", "station", "version", "phone", "desired_occupations"):
            data.pop(key, None)
        return data


class CertificateForm(PortalFormMixin, forms.ModelForm):
    """添加 / 修改证书 on an archive; the occupation is a 细类 chosen with the picker (stored as its code)."""

    field_column = "col-md-6"

    name = forms.CharField(label=_("证书名称"), max_length=200, error_messages={"required": _("请填写证书名称。")})
    occupation = forms.ModelChoiceField(
        label=_("职业（职业分类大典细类）"), required=False,
        help_text=_("与岗位职业相同或相近的证书会提高岗位匹配分。"),
        widget=OccupationPicker(search_url=reverse_lazy("jobseekers:occupation_search")),
        queryset=Occupation.objects.filter(level=Occupation.Level.OCCUPATION),
        error_messages={"invalid_choice": _("请从搜索结果中选择职业。")})

    field_order = ["name", "occupation", "level", "number", "issuer", "issued_on"]

    class Meta:
        model = Certificate
        fields = ["name", "level", "number", "issuer", "issued_on"]
        widgets = {"issued_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.occupation_code:
            self.fields["occupation"].initial = Occupation.objects.filter(code=self.instance.occupation_code).first()

    def _post_clean(self):
        # validated by the service (full_clean with the archive's lock held)
        pass

    def service_kwargs(self) -> dict:
        data = {k: self.cleaned_data[k] for k in ("name", "level", "number", "issuer", "issued_on")}
        occupation = self.cleaned_data.get("occupation")
        data["occupation_code"] = occupation.code if occupation else ""
        return data


class StatusEntryForm(PortalFormMixin, forms.ModelForm):
    field_column = "col-6"

    class Meta:
        model = StatusEntry
        fields = ["status", "effective_date", "source", "note"]
        widgets = {"effective_date": DateInput()}
        help_texts = {"effective_date": _("当前状态以生效日期最晚的记录为准：补录早于当前状态的记录只进入历史，不改变页首的当前状态。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_date"].initial = timezone.localdate()
        manual = StatusEntry.Source.manual()
        self.fields["source"].choices = [c for c in self.fields["source"].choices if c[0] in ("", *manual)]
        self.fields["source"].error_messages["invalid_choice"] = SYSTEM_SOURCE_MESSAGE


class VisitForm(PortalFormMixin, forms.ModelForm):
    field_column = "col-md-6"

    needs = forms.MultipleChoiceField(label=_("服务需求"), choices=translated(Visit.Need), required=False,
                                      widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Visit
        fields = ["visit_date", "method", "findings", "needs", "status_observed", "next_follow_up"]
        widgets = {"visit_date": DateInput(), "next_follow_up": DateInput(),
                   "findings": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"next_follow_up": _("留空则按排摸规则自动计算下次排摸日期。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit_date"].initial = timezone.localdate()

    def _post_clean(self):
        pass


class ImportForm(SpreadsheetUploadForm):
    station = forms.ModelChoiceField(label=_("导入到站点"), queryset=Station.objects.none())
    field_order = ["station", "file", "mode"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        stations = Station.objects.visible_to(user)
        self.fields["station"].queryset = stations
        if stations.count() == 1:
            self.fields["station"].initial = stations.first()


class FullExportForm(PortalFormMixin, forms.Form):
    """导出完整信息: a reason and an explicit confirmation, posted (never a link a crawler or a misclick follows)."""

    reason = forms.CharField(label=_("导出事由"), min_length=4, max_length=200,
                             help_text=_("例如：报送区就业促进中心核对名单。事由记入审计日志。"),
                             error_messages={"required": _("请填写导出事由。"),
                                             "min_length": _("导出事由至少 4 个字。")})
    confirm = forms.BooleanField(label=_("我确认导出文件含完整身份证号和手机号，将按规定保管，用后删除。"),
                                 error_messages={"required": _("请勾选确认后再导出。")})
    query = forms.CharField(widget=forms.HiddenInput, required=False)

    error_banner = _("未导出：请按标红的提示修改后再提交。")
