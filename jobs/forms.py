"""Forms: thin parsing; rules live in the models' clean() and in services."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.choices import HoursType, KeyGroup, SalaryUnit, translated
from core.forms import DateInput, OccupationPicker, PortalFormMixin, SpreadsheetFileForm
from core.models import Occupation
from core.validators import normalize_phone, validate_mobile
from core.versioning import VersionFormMixin
from stations.models import Station, Street

from .models import Employer, JobPosting
from .notices import LEAD_CONSENT_LABEL, LEAD_CONSENT_REQUIRED
from .services import EMPLOYER_FIELDS, POSTING_FIELDS

DATE = DateInput()


class KeepContactPhoneMixin:
    """Editing never shows the stored contact phone in full (that is an audited reveal): the box starts
    empty with the masked number as a hint, and left empty keeps the number."""

    def hide_contact_phone(self):
        if self.instance.pk and self.instance.contact_phone and "contact_phone" in self.fields:
            self.initial["contact_phone"] = ""
            self.fields["contact_phone"].help_text = gettext("当前为 %(masked)s；留空则不修改。") % {
                "masked": self.instance.contact_phone_masked}

    def clean_contact_phone(self):
        value = self.cleaned_data.get("contact_phone", "")
        if not value and self.instance.pk:
            return self.instance.contact_phone
        return value


class EmployerForm(KeepContactPhoneMixin, PortalFormMixin, VersionFormMixin, forms.ModelForm):
    station = forms.ModelChoiceField(label=_("筹集站点"), queryset=Station.objects.none())

    class Meta:
        model = Employer
        fields = ["station", *EMPLOYER_FIELDS]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = Station.objects.visible_to(user).order_by("code")
        if self.instance.pk:
            del self.fields["station"]
        elif self.fields["station"].queryset.count() == 1:
            self.fields["station"].initial = self.fields["station"].queryset.first()
        self.fields["street"].queryset = Street.objects.select_related("district")
        self.hide_contact_phone()


class PostingForm(KeepContactPhoneMixin, PortalFormMixin, VersionFormMixin, forms.ModelForm):
    friendly_to = forms.MultipleChoiceField(label=_("友好人群"), choices=translated(KeyGroup), required=False,
                                            widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = JobPosting
        fields = ["employer", *POSTING_FIELDS]
        widgets = {"expires_on": DATE, "public_service_term_start": DATE, "public_service_term_end": DATE,
                   "description": forms.Textarea(attrs={"rows": 4}), "requirements": forms.Textarea(attrs={"rows": 3}),
                   "occupation": OccupationPicker(search_url=reverse_lazy("jobseekers:occupation_search"))}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Employer.objects.visible_to(user).order_by("name")
        self.fields["employer"].error_messages["invalid_choice"] = gettext(
            "请选择本站点登记的用人单位（其他站点的单位不能在此发布岗位）。")
        self.fields["occupation"].queryset = Occupation.objects.filter(level=4)
        self.fields["street"].queryset = Street.objects.select_related("district")
        if self.instance.pk:
            self.fields["employer"].disabled = True
        self.hide_contact_phone()


class PublicSubmitForm(PortalFormMixin, forms.Form):
    """The public "submit a job" form for employers."""

    employer_name = forms.CharField(label=_("单位名称"), max_length=100)
    employer_kind = forms.ChoiceField(label=_("单位类型"), choices=Employer.Kind.choices)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False,
                                  help_text=_("个体工商户没有可不填。"))
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30)
    title = forms.CharField(label=_("岗位名称"), max_length=100)
    description = forms.CharField(label=_("岗位描述"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    salary_min = forms.IntegerField(label=_("最低薪资"), min_value=0, required=False)
    salary_max = forms.IntegerField(label=_("最高薪资"), min_value=0, required=False)
    salary_unit = forms.ChoiceField(label=_("薪资单位"), choices=translated(SalaryUnit))
    headcount = forms.IntegerField(label=_("招聘人数"), min_value=1, initial=1)
    hours_type = forms.ChoiceField(label=_("工时类型"), choices=translated(HoursType))
    street = forms.ModelChoiceField(label=_("工作地点所在街镇"), queryset=Street.objects.select_related("district"))
    address = forms.CharField(label=_("工作地点"), max_length=200)
    expires_on = forms.DateField(label=_("截止日期"), required=False, widget=DATE)

    MAPPING = {"name": "employer_name", "kind": "employer_kind", "lat": "street"}


class InterestForm(PortalFormMixin, forms.Form):
    name = forms.CharField(label=_("您的姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20)
    consent = forms.BooleanField(label=LEAD_CONSENT_LABEL, error_messages={"required": LEAD_CONSENT_REQUIRED})

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data["phone"])
        validate_mobile(phone)
        return phone


class ReasonForm(PortalFormMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class ImportForm(SpreadsheetFileForm):
    station = forms.ModelChoiceField(label=_("导入到站点"), queryset=Station.objects.none())
    field_order = ["station", "file"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        stations = Station.objects.visible_to(user).order_by("code")
        self.fields["station"].queryset = stations
        only = list(stations.values_list("pk", flat=True)[:2])
        if len(only) == 1:  # staff of one station need not pick it
            self.fields["station"].initial = only[0]
