"""One FilterSet for postings, shared by the public search page, /api/jobs/ and the staff lists."""

from __future__ import annotations

import copy

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.filters import FilterMethod

from core.choices import HoursType, KeyGroup, translated
from core.forms import PortalFilterForm, PortalForm
from core.geo import bounding_box, haversine_sql, in_shanghai, walk_radius_m
from stations.models import District, Street
from stations.selectors import street_point

from .models import Employer, JobPosting
from .search import keyword_filter, query_terms

SORT_CHOICES = [("relevance", _("相关度")), ("newest", _("最新发布")), ("salary", _("薪资最高")),
                ("distance", _("距离最近"))]
WITHIN_CHOICES = [("15", _("步行15分钟内")), ("30", _("步行30分钟内")), ("60", _("步行60分钟内"))]
# Sorting by distance without a walking limit still looks only this far (keeps the cost bounded).
DISTANCE_SORT_MAX_MINUTES = 60


def search_choices() -> dict:
    """Options for the search form's selects (districts, streets, 大类/中类), cached: reference data."""
    from django.core.cache import cache
    from django.db import connection

    from core.models import Occupation

    key = f"jobs:search-choices:2:{connection.settings_dict['NAME']}"
    data = cache.get(key)
    if data is None:
        data = {
            "districts": list(District.objects.order_by("code").values_list("id", "name")),
            # (id, label, district id): the street list follows the chosen district
            "streets": [(pk, f"{d} {n}", district_id) for pk, n, d, district_id
                        in Street.objects.order_by("district__code", "code")
                        .values_list("id", "name", "district__name", "district_id")],
            "occupations": [(code, f"{'　' if level == 2 else ''}{name}") for code, name, level in
                            Occupation.objects.filter(level__lte=2).order_by("code").values_list("code", "name", "level")],
        }
        cache.set(key, data, 600)
    return data


class PostingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_q")
    # Plain ids and codes rather than model choices: no query and no deep copy of choices per request.
    district = django_filters.NumberFilter(label=_("区"), field_name="district_id", min_value=1)
    street = django_filters.NumberFilter(label=_("街镇"), field_name="street_id", min_value=1)
    # the dashboard's breakdown cells: the owning station, its street, its district (not the workplace's)
    station = django_filters.NumberFilter(label=_("站点ID"), field_name="station_id", min_value=1)
    station_street = django_filters.NumberFilter(label=_("站点所在街镇"), field_name="station__street_id", min_value=1)
    station_district = django_filters.NumberFilter(label=_("站点所在区"), field_name="station__street__district_id",
                                                   min_value=1)
    occupation = django_filters.CharFilter(label=_("职业类别（大类/中类代码）"), method="filter_occupation", max_length=8,
                                           validators=[RegexValidator(r"^\d(-\d{2})?$", _("职业类别代码无效。"))])
    salary_floor = django_filters.NumberFilter(label=_("月薪不低于（元）"), method="filter_salary_floor", min_value=0,
                                               max_value=1_000_000)
    hours_type = django_filters.ChoiceFilter(label=_("工时"), choices=translated(HoursType))
    public_service = django_filters.BooleanFilter(label=_("只看公益性岗位"), field_name="is_public_service",
                                                  widget=forms.CheckboxInput, method="filter_public_service")
    friendly_to = django_filters.ChoiceFilter(label=_("友好人群"), choices=translated(KeyGroup), method="filter_friendly")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=JobPosting.Status.choices)
    employer = django_filters.NumberFilter(label=pgettext_lazy("one employer", "用人单位"), field_name="employer_id")
    lat = django_filters.NumberFilter(label=_("纬度"), method="noop", min_value=-90, max_value=90)
    lng = django_filters.NumberFilter(label=_("经度"), method="noop", min_value=-180, max_value=180)
    near_street = django_filters.NumberFilter(label=_("我在（街镇）"), method="noop", min_value=1)
    within = django_filters.ChoiceFilter(label=_("步行距离"), choices=WITHIN_CHOICES, method="noop")
    sort = django_filters.ChoiceFilter(label=_("排序"), choices=SORT_CHOICES, method="noop")

    class Meta:
        form = PortalForm
        model = JobPosting
        fields = ["q", "district", "street", "occupation", "salary_floor", "hours_type", "public_service",
                  "friendly_to", "status", "employer"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        """django-filter deep-copies every filter for each instance (about 700 `deepcopy` calls per search, the
        largest Python cost of an API search after the SQL); a shallow copy per filter keeps instances apart
        just as well, since a filter's per-instance state is its `model`, `parent` and the method proxy,
        re-bound here to the copy (the proxy of a shallow copy would still point at the class's filter)."""
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            copied = copy.copy(base)
            if getattr(copied, "_method", None) is not None:
                copied.filter = FilterMethod(copied)
            copied.model, copied.parent = queryset.model, self
            self.filters[name] = copied

    def get_form_class(self):
        """The form has no per-request choices: build its class once per process, not per request."""
        cls = type(self)
        if cls.__dict__.get("_form_class_cache") is None:
            cls._form_class_cache = super().get_form_class()
        return cls._form_class_cache

    def noop(self, queryset, name, value):
        return queryset

    def filter_q(self, queryset, name, value):
        terms, _ = query_terms(value)
        return keyword_filter(queryset, terms)

    def filter_occupation(self, queryset, name, value):
        return queryset.filter(Q(occupation__code=value) | Q(occupation__code__startswith=f"{value}-"))

    def filter_salary_floor(self, queryset, name, value):
        return queryset.filter(salary_month_max__gte=value)

    def filter_public_service(self, queryset, name, value):
        return queryset.filter(is_public_service=True) if value else queryset

    def filter_friendly(self, queryset, name, value):
        return queryset.filter(friendly_to__contains=[value])

    def clean_origin(self) -> tuple[float, float] | None:
        data = self.form.cleaned_data
        if data.get("lat") is not None and data.get("lng") is not None:
            return float(data["lat"]), float(data["lng"])
        if not data.get("near_street"):
            return None
        street = Street.objects.select_related("district").filter(pk=int(data["near_street"])).first()
        if street is None:
            self.form.add_error("near_street", gettext("所选街镇不存在。"))
        return street_point(street)

    @property
    def origin(self) -> tuple[float, float] | None:
        return self._origin

    @property
    def terms(self) -> list[str]:
        return query_terms(self.form.cleaned_data.get("q"))[0]

    @property
    def truncated(self) -> bool:
        return query_terms(self.form.cleaned_data.get("q"))[1]

    def is_valid(self):
        valid = super().is_valid()
        self._origin = None
        if valid:
            data = self.form.cleaned_data
            if (data.get("lat") is None) != (data.get("lng") is None):
                self.form.add_error("lat", gettext("位置需要同时提供纬度和经度。"))
                return False
            origin = self.clean_origin()
            if self.form.errors:
                return False
            if origin is not None and not in_shanghai(*origin):
                self.form.add_error("lat", gettext("您的位置不在上海市范围内，请改为选择所在街镇。"))
                return False
            if origin is None and data.get("within"):  # a walking limit needs a starting point
                self.form.add_error("within", gettext("请先选择“我在（街镇）”或点“用我的位置找附近”，才能只看步行范围内的岗位。"))
                return False
            self._origin = origin
        return valid

    def qs_without_keyword(self):
        return self.filter_queryset(self.queryset.all(), skip=frozenset({"q"}))

    def radius_m(self) -> float | None:
        within = self.form.cleaned_data.get("within")
        if within:
            return walk_radius_m(int(within))
        if self.form.cleaned_data.get("sort") == "distance":
            return walk_radius_m(DISTANCE_SORT_MAX_MINUTES)
        return None

    def filter_queryset(self, queryset, skip: frozenset = frozenset()):
        for name, value in self.form.cleaned_data.items():
            if name not in skip:
                queryset = self.filters[name].filter(queryset, value)
        if self._origin is None:
            return queryset
        lat, lng = self._origin
        radius = self.radius_m()
        if radius is not None:
            lat_min, lat_max, lng_min, lng_max = bounding_box(lat, lng, radius)
            queryset = queryset.filter(lat__range=(lat_min, lat_max), lng__range=(lng_min, lng_max))
        queryset = queryset.annotate(
            # parameters are bound; the SQL is a constant from core.geo
            distance_m=RawSQL(haversine_sql("jobs_jobposting.lat", "jobs_jobposting.lng"), (lat, lat, lng)),  # noqa: S611
        )
        if radius is not None:
            queryset = queryset.filter(distance_m__lte=radius)
        return queryset


class EmployerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称或信用代码"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("单位类型"), choices=Employer.Kind.choices)
    verified = django_filters.BooleanFilter(label=_("已核实"))

    class Meta:
        form = PortalFilterForm
        model = Employer
        fields = ["q", "kind", "verified"]

    def filter_q(self, queryset, name, value):
        value = value.strip()[:50]
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__iexact=value))
