"""One FilterSet per model, shared by the archive list page, the export and the API."""

import re

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import KeyGroup, translated
from core.forms import DateInput, PortalFilterForm
from core.scoping import scope_of
from stations.models import District, Grid, Station, Street

from .identity import id_hash
from .models import EmploymentStatus, FollowUpTask, JobseekerArchive


def _stations(request):
    return Station.objects.visible_to(request.user) if request else Station.objects.none()


def _helpers(request):
    if request is None:
        return get_user_model().objects.none()
    stations = Station.objects.visible_to(request.user)
    return (get_user_model().objects.filter(station_memberships__station__in=stations).distinct()
            .order_by("username"))


def _streets(request):
    scope = scope_of(request.user) if request else None
    if scope is not None and scope.is_district:
        return Street.objects.filter(district_id=scope.district_id)
    return Street.objects.all()


def _grids(request):
    return Grid.objects.visible_to(request.user if request else None).select_related("street")


FULL_ID_NUMBER = re.compile(r"\d{17}[\dX]")


def search_by_hash(data):
    """`data` (a QueryDict) with a full ID number in `q` replaced by its keyed hash `idh`, so the
    URL of the result (access logs, history, the export link) never holds the number; None when
    `q` is not a full ID number."""
    value = (data.get("q") or "").strip().upper()
    if not FULL_ID_NUMBER.fullmatch(value):
        return None
    data = data.copy()
    data.pop("q")
    data.pop("csrfmiddlewaretoken", None)
    data["idh"] = id_hash(value)
    return data


# A yes/no/any select whose "any" reads 全部 (Django's NullBooleanSelect says 未知).
YES_NO_ANY = forms.Select(choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))])

class ArchiveFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名或身份证号后几位"), method="filter_q")
    idh = django_filters.CharFilter(method="filter_idh", widget=forms.HiddenInput)
    key_group = django_filters.ChoiceFilter(label=_("重点群体"), choices=translated(KeyGroup), method="filter_key_group")
    status = django_filters.ChoiceFilter(label=_("就业状态"), field_name="current_status",
                                         choices=translated(EmploymentStatus))
    station = django_filters.ModelChoiceFilter(label=_("站点"), queryset=_stations)
    street = django_filters.ModelChoiceFilter(label=_("居住街镇"), queryset=_streets)
    # the dashboard's breakdown cells: archives of the stations in a street / district (not where people live)
    station_street = django_filters.ModelChoiceFilter(label=_("站点所在街镇"), field_name="station__street",
                                                      queryset=Street.objects.all(), widget=forms.HiddenInput)
    station_district = django_filters.ModelChoiceFilter(label=_("站点所在区"), field_name="station__street__district",
                                                        queryset=District.objects.all(), widget=forms.HiddenInput)
    grid = django_filters.ModelChoiceFilter(label=_("网格"), queryset=_grids)
    helper = django_filters.ModelChoiceFilter(label=_("帮办员"), queryset=_helpers)
    overdue = django_filters.BooleanFilter(label=_("排摸逾期"), method="filter_overdue", widget=YES_NO_ANY)
    is_open = django_filters.BooleanFilter(label=_("在册"), widget=YES_NO_ANY)
    survey_due = django_filters.BooleanFilter(label=_("排摸到期（含逾期）"), method="filter_survey_due", widget=YES_NO_ANY)
    visited_since = django_filters.DateFilter(label=_("走访日期不早于"), method="filter_visited_since",
                                                widget=DateInput())

    class Meta:
        form = PortalFilterForm
        model = JobseekerArchive
        fields = ["q", "idh", "key_group", "status", "station", "street", "grid", "helper", "overdue", "is_open",
                  "survey_due", "visited_since"]

    def filter_q(self, queryset, name, value):
        value = value.strip().upper()
        if not value:
            return queryset
        if FULL_ID_NUMBER.fullmatch(value):
            return queryset.filter(id_number_hash=id_hash(value))
        if re.fullmatch(r"\d{1,3}[\dX]?", value):
            return queryset.filter(id_number_last4__endswith=value)
        return queryset.filter(Q(name__icontains=value))

    def filter_idh(self, queryset, name, value):
        return queryset.filter(id_number_hash=value.strip().lower()) if value else queryset

    def filter_key_group(self, queryset, name, value):
        return queryset.filter(key_groups__contains=[value]) if value else queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        if value:
            return queryset.overdue(today)
        return queryset.exclude(next_survey_due__lt=today)

    def filter_survey_due(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        if value:
            return queryset.due_for_survey(today)
        return queryset.exclude(next_survey_due__lte=today)

    def filter_visited_since(self, queryset, name, value):
        return queryset.filter(visits__visit_date__gte=value).distinct() if value else queryset


class FollowUpTaskFilterSet(django_filters.FilterSet):
    """The worklist's tasks (open by default, oldest due first), narrowed by station, status and due date."""

    status = django_filters.ChoiceFilter(label=_("状态"), choices=translated(FollowUpTask.Status))
    station = django_filters.ModelChoiceFilter(label=_("站点"), field_name="archive__station", queryset=_stations)
    overdue = django_filters.BooleanFilter(label=_("已逾期"), method="filter_overdue", widget=YES_NO_ANY)
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("应回访日期不晚于"),
                                           widget=DateInput())

    class Meta:
        model = FollowUpTask
        fields = ["status", "station", "overdue", "due_before"]
        form = PortalFilterForm

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status=FollowUpTask.Status.OPEN)
        return queryset

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(due_date__lt=today) if value else queryset.filter(due_date__gte=today)
