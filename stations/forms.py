"""Forms parse input; the services in services.py validate the rest and write."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.choices import translated
from core.forms import DateInput, PortalFormMixin
from core.models import Role
from core.scoping import scope_of
from core.versioning import VersionFormMixin

from .models import Area, District, Grid, Station, StationHours, StationMembership, Street

STREET_OUT_OF_SCOPE = "所选街镇不在您的管理范围内：区级管理员只能选择本区的街镇。"


def scoped_streets(user):
    scope = scope_of(user)
    qs = Street.objects.select_related("district").order_by("district__code", "code")
    return qs.filter(district_id=scope.district_id) if scope.is_district else qs


class StreetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.district.name} · {obj.name}"


class ScopedStreetMixin:
    """Limits the street (and 片区/grid) choices to what the user may manage."""

    def _scope_fields(self, user) -> None:
        streets = scoped_streets(user)
        self.fields["street"] = StreetChoiceField(
            label=_("所属街镇"), queryset=streets, error_messages={"invalid_choice": STREET_OUT_OF_SCOPE,
                                                            "required": _("请选择所属街镇。")})
        if "area" in self.fields:
            self.fields["area"].queryset = Area.objects.visible_to(user).select_related("street")
            self.fields["area"].required = False


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class StationForm(PortalFormMixin, VersionFormMixin, ScopedStreetMixin, forms.ModelForm):
    community = forms.CharField(label=_("社区名称（用于生成标准名称）"), max_length=30, required=False,
                                help_text=_("如“汇站”，建议名称为“XX街道（镇）XX社区就业服务站”。"))
    facilities = forms.MultipleChoiceField(label=_("设施清单"), choices=translated(Station.Facility), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    services = forms.MultipleChoiceField(label=_("服务项目"), choices=translated(Station.Service), required=False,
                                         widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Station
        fields = ["street", "community", "name", "code", "area", "host_type", "address", "lat", "lng", "phone",
                  "floor_area", "facilities", "services", "service_flow", "status", "opened_on", "status_since",
                  "suspended_on"]
        widgets = {
            "opened_on": DateInput(),
            "status_since": DateInput(),
            "suspended_on": DateInput(),
            "lat": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
            "lng": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
        }
        help_texts = {"lat": _("WGS-84，如 31.1935"), "lng": _("WGS-84，如 121.4370")}

    def __init__(self, *args, user, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None and instance.pk:
            initial = kwargs.setdefault("initial", {})
            for h in instance.hours.all():
                initial[f"opens_{h.weekday}"] = h.opens
                initial[f"closes_{h.weekday}"] = h.closes
        super().__init__(*args, **kwargs)
        self._scope_fields(user)
        for value, label in StationHours.Weekday.choices:
            opens, closes = format_lazy(_("{} 开门"), label), format_lazy(_("{} 关门"), label)
            self.fields[f"opens_{value}"] = forms.TimeField(label=opens, required=False,
                                                            widget=TimeInput(attrs={"aria-label": opens}))
            self.fields[f"closes_{value}"] = forms.TimeField(label=closes, required=False,
                                                             widget=TimeInput(attrs={"aria-label": closes}))

    def hour_rows(self):
        return [(label, self[f"opens_{value}"], self[f"closes_{value}"])
                for value, label in StationHours.Weekday.choices]

    def clean(self):
        data = super().clean()
        hours = []
        for value, label in StationHours.Weekday.choices:
            opens, closes = data.get(f"opens_{value}"), data.get(f"closes_{value}")
            if (opens is None) != (closes is None):
                self.add_error(f"closes_{value}", _("%(day)s请同时填写开门和关门时间（休息日两项都留空）。") % {"day": label})
            elif opens is not None and closes <= opens:
                self.add_error(f"closes_{value}", _("%(day)s的关门时间必须晚于开门时间。") % {"day": label})
            elif opens is not None:
                hours.append((value, opens, closes))
        data["hours"] = hours
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {k: data.get(k) for k in self.Meta.fields if k != "community"}
        kwargs["hours"] = data["hours"]
        if self.instance.pk:
            kwargs["expected_version"] = data.get("version")
        return kwargs


class MembershipAddForm(PortalFormMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("工作人员"), queryset=get_user_model().objects.none(),
                                  error_messages={"invalid_choice": _("请选择一个站点工作人员账号。")})
    role = forms.ChoiceField(label=_("岗位"), choices=translated(StationMembership.StaffRole))
    grids = forms.ModelMultipleChoiceField(label=_("负责网格"), queryset=Grid.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, station: Station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (get_user_model().objects.filter(profile__role=Role.STAFF, is_active=True)
                                        .select_related("profile").order_by("username"))
        self.fields["user"].label_from_instance = (
            lambda u: f"{u.profile.display_name or u.get_username()}（{u.get_username()}）")
        self.fields["grids"].queryset = Grid.objects.filter(street_id=station.street_id).order_by("name")


class MembershipUpdateForm(PortalFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("岗位"), choices=translated(StationMembership.StaffRole))
    is_active = forms.BooleanField(label=_("在岗"), required=False)
    grids = forms.ModelMultipleChoiceField(label=_("负责网格"), queryset=Grid.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, membership: StationMembership, **kwargs):
        kwargs.setdefault("initial", {"role": membership.role, "is_active": membership.is_active,
                                      "grids": list(membership.grids.all())})
        super().__init__(*args, **kwargs)
        self.fields["grids"].queryset = Grid.objects.filter(street_id=membership.station.street_id).order_by("name")


class AreaForm(PortalFormMixin, ScopedStreetMixin, forms.ModelForm):
    class Meta:
        model = Area
        fields = ["street", "name", "code", "lat", "lng"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._scope_fields(user)


class GridForm(PortalFormMixin, ScopedStreetMixin, forms.ModelForm):
    class Meta:
        model = Grid
        fields = ["street", "area", "name", "code"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._scope_fields(user)


class FinderForm(PortalFormMixin, forms.Form):
    """The public finder: a point (from the browser) or a street."""

    district = forms.ModelChoiceField(label=_("区"), queryset=District.objects.all(), required=False,
                                      empty_label=_("选择区"))
    street = forms.ModelChoiceField(label=_("街镇"), queryset=Street.objects.none(), required=False,
                                    empty_label=_("选择街道/镇"),
                                    error_messages={"invalid_choice": _("请选择有效的街道/镇。")})
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        district = self.data.get("district") if self.is_bound else None
        streets = Street.objects.order_by("code")
        if district and str(district).isdigit():
            self.fields["street"].queryset = streets.filter(district_id=district)
        else:
            self.fields["street"].queryset = streets
