"""Forms: thin parsing; rules live in the models' clean() and in services."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.forms import (
    DateInput,
    OccupationPicker,
    PortalFilterForm,
    PortalForm,
    PortalFormMixin,
    SpreadsheetUploadForm,
)
from core.models import Occupation
from stations.models import District, Station, Street

from .models import Program, Provider
from .notices import SIGNUP_CONSENT_LABEL, SIGNUP_CONSENT_REQUIRED
from .services import PROGRAM_FIELDS, PROVIDER_FIELDS

DATE = DateInput()


def _station_field(form, user) -> None:
    form.fields["station"].queryset = Station.objects.visible_to(user).order_by("code")
    if form.instance.pk:
        del form.fields["station"]
    elif form.fields["station"].queryset.count() == 1:
        form.fields["station"].initial = form.fields["station"].queryset.first()


class ProviderForm(PortalFormMixin, forms.ModelForm):
    station = forms.ModelChoiceField(label=_("管理站点"), queryset=Station.objects.none())

    class Meta:
        model = Provider
        fields = ["station", *PROVIDER_FIELDS]
        widgets = {"designated_from": DATE, "designated_until": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _station_field(self, user)
        self.fields["street"].queryset = Street.objects.select_related("district")


class ProgramForm(PortalFormMixin, forms.ModelForm):
    station = forms.ModelChoiceField(label=_("管理站点"), queryset=Station.objects.none())

    class Meta:
        model = Program
        fields = ["station", *PROGRAM_FIELDS]
        widgets = {"start_date": DATE, "end_date": DATE, "description": forms.Textarea(attrs={"rows": 3}),
                   "subsidy_text": forms.Textarea(attrs={"rows": 3}),
                   "occupation": OccupationPicker(search_url=reverse_lazy("jobseekers:occupation_search"))}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _station_field(self, user)
        self.fields["provider"].queryset = Provider.objects.visible_to(user).order_by("name")
        self.fields["occupation"].queryset = Occupation.objects.filter(level=Occupation.Level.OCCUPATION)
        self.fields["street"].queryset = Street.objects.select_related("district")


class ProgramImportForm(SpreadsheetUploadForm):
    """A provider's program list: the programs become the provider's, managed by its station."""

    provider = forms.ModelChoiceField(label=_("培训机构"), queryset=Provider.objects.none())
    field_order = ["provider", "file", "mode"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        providers = Provider.objects.visible_to(user).order_by("name")
        self.fields["provider"].queryset = providers
        if providers.count() == 1:
            self.fields["provider"].initial = providers.first()


class ReferForm(PortalForm):
    program = forms.ModelChoiceField(label=_("培训项目"), queryset=Program.objects.none())
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, programs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs if programs is not None else Program.objects.none()


class DropForm(PortalForm):
    reason = forms.CharField(label=_("退出原因"), max_length=200)


class CertifyForm(PortalForm):
    name = forms.CharField(label=_("证书名称"), max_length=200, required=False,
                           help_text=_("留空则为“职业（等级）”。"))
    number = forms.CharField(label=_("证书编号"), max_length=64, required=False)
    issuer = forms.CharField(label=_("发证机构"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("发证日期"), required=False, widget=DATE)


class SignupForm(PortalForm):
    name = forms.CharField(label=_("您的姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20)
    consent = forms.BooleanField(label=SIGNUP_CONSENT_LABEL, error_messages={"required": SIGNUP_CONSENT_REQUIRED})


class CatalogForm(PortalFilterForm):
    """The public catalog's search bar (all optional)."""

    SORTS = [("soon", _("开班时间最近")), ("distance", _("离我最近"))]
    q = forms.CharField(label=_("关键词"), max_length=50, required=False)
    occupation = forms.CharField(label=_("职业代码"), max_length=16, required=False)
    district = forms.ModelChoiceField(label=_("区"), queryset=District.objects.order_by("code"), required=False)
    street = forms.ModelChoiceField(label=_("街镇"), queryset=Street.objects.order_by("code"), required=False)
    near_street = forms.ModelChoiceField(label=_("我在（街镇）"), queryset=Street.objects.select_related("district"),
                                         required=False)
    within = forms.TypedChoiceField(label=_("步行范围"), coerce=int, required=False, empty_value=None,
                                    choices=[("", _("不限")), (15, _("15分钟内")), (30, _("30分钟内"))])
    soon = forms.BooleanField(label=_("30天内开班"), required=False)
    sort = forms.ChoiceField(label=_("排序"), choices=SORTS, required=False)

    def clean(self):
        data = super().clean()
        if (data.get("within") or data.get("sort") == "distance") and not data.get("near_street"):
            self.add_error("near_street", _("按步行距离查找，请先选择您所在的街镇。"))
        return data
