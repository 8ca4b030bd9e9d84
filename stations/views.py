"""Station registry pages: list/export, detail and forms, staff, 片区/grids, coverage, the public finder."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView, TemplateView

from core.forms import add_service_errors
from core.geo import in_shanghai, walk_model
from core.permissions import AdminRequiredMixin, InternalRequiredMixin
from core.scoping import scope_of
from core.spreadsheets import xlsx_response

from . import selectors, services
from .filtersets import AreaFilterSet, GridFilterSet, StationFilterSet
from .forms import (
    AreaForm,
    FinderForm,
    GridForm,
    MembershipAddForm,
    MembershipUpdateForm,
    StationForm,
)
from .models import Area, District, Grid, Station, StationMembership, Street

FINDER_LIMIT = 8


def _narrow_filter_form(filterset, user) -> None:
    scope = scope_of(user)
    if scope.is_district:
        form = filterset.form
        if "district" in form.fields:
            form.fields["district"].queryset = District.objects.filter(pk=scope.district_id)
        if "street" in form.fields:
            form.fields["street"].queryset = Street.objects.filter(district_id=scope.district_id)
    if "area" in filterset.form.fields:  # staff too: only the 片区 of their stations' streets
        filterset.form.fields["area"].queryset = Area.objects.visible_to(user).select_related("street")


# --- stations (internal) --------------------------------------------------------------------------------

class StationListView(InternalRequiredMixin, ListView):
    template_name = "stations/station_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = StationFilterSet(self.request.GET, queryset=selectors.station_list(user=self.request.user))
        _narrow_filter_form(self.filterset, self.request.user)
        return self.filterset.qs if self.filterset.is_valid() else Station.objects.none()

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(filter=self.filterset, query=query.urlencode(), **kwargs)


EXPORT_COLUMNS = ["站点编码", "站点名称", "区", "街镇", "片区", "依托设施", "地址", "纬度", "经度", "联系电话",
                  "面积（㎡）", "状态", "启用日期", "开放时间", "设施清单", "服务项目", "在岗人数"]


class StationExportView(InternalRequiredMixin, View):
    """The filtered station list as .xlsx (same FilterSet and scope as the page)."""

    def get(self, request):
        from openpyxl import Workbook

        filterset = StationFilterSet(request.GET, queryset=selectors.station_list(user=request.user))
        stations = filterset.qs if filterset.is_valid() else Station.objects.none()
        wb = Workbook()
        ws = wb.active
        ws.title = "服务站点"
        ws.append(EXPORT_COLUMNS)
        for s in stations:
            hours = "；".join(str(h) for h in s.hours.all())
            ws.append([s.code, s.name, s.street.district.name, s.street.name, s.area.name if s.area else "",
                       s.get_host_type_display(), s.address, s.lat, s.lng, s.phone,
                       float(s.floor_area) if s.floor_area is not None else None, s.get_status_display(),
                       s.opened_on, hours, "、".join(s.facility_labels()), "、".join(s.service_labels()),
                       s.staff_count])
        for column, width in zip("ABCDEFGHIJKLMNOPQ", [12, 36, 10, 14, 12, 18, 36, 10, 10, 14, 10, 10, 12, 50,
                                                       40, 40, 8], strict=True):
            ws.column_dimensions[column].width = width
        return xlsx_response(wb, f"stations-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


class StationDetailView(InternalRequiredMixin, TemplateView):
    template_name = "stations/station_detail.html"

    def get_context_data(self, **kwargs):
        station = get_object_or_404(selectors.station_detail_queryset(user=self.request.user), pk=kwargs["pk"])
        return super().get_context_data(station=station, can_edit=scope_of(self.request.user).is_admin,
                                        open_now=station.is_open_at(timezone.localtime()), **kwargs)


class StationFormMixin(AdminRequiredMixin):
    template_name = "stations/station_form.html"

    def render_form(self, form, station=None):
        return render(self.request, self.template_name, {"form": form, "station": station})


class StationCreateView(StationFormMixin, View):
    def get(self, request):
        return self.render_form(StationForm(user=request.user))

    def post(self, request):
        form = StationForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                station = services.station_create(actor=request.user, **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已新建站点：{station.name}")
                return redirect("stations:station_detail", pk=station.pk)
        return self.render_form(form)


class StationUpdateView(StationFormMixin, View):
    def get_station(self, pk):
        return get_object_or_404(Station.objects.visible_to(self.request.user).prefetch_related("hours"), pk=pk)

    def get(self, request, pk):
        station = self.get_station(pk)
        return self.render_form(StationForm(instance=station, user=request.user), station)

    def post(self, request, pk):
        station = self.get_station(pk)
        form = StationForm(request.POST, instance=station, user=request.user)
        if form.is_valid():
            try:
                services.station_update(actor=request.user, station=station, **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("站点信息已保存。"))
                return redirect("stations:station_detail", pk=station.pk)
        return self.render_form(form, Station.objects.get(pk=pk))


class NameSuggestionView(AdminRequiredMixin, View):
    """htmx: the standard name “XX街道（镇）XX社区就业服务站” for the chosen street and community."""

    def get(self, request):
        street = Street.objects.filter(pk=request.GET.get("street") or 0).first()
        community = (request.GET.get("community") or "").strip().removesuffix("社区")
        suggestion = ""
        if street is not None:
            suggestion = f"{street.name}{community or 'XX'}社区就业服务站"
        return render(request, "stations/_name_suggestion.html",
                      {"suggestion": suggestion, "complete": bool(street and community)})


# --- staff of a station -----------------------------------------------------------------------------------

class MembershipAddView(AdminRequiredMixin, View):
    template_name = "stations/membership_form.html"

    def get_station(self, pk):
        return get_object_or_404(Station.objects.visible_to(self.request.user).select_related("street"), pk=pk)

    def get(self, request, pk):
        station = self.get_station(pk)
        return render(request, self.template_name, {"form": MembershipAddForm(station=station), "station": station})

    def post(self, request, pk):
        station = self.get_station(pk)
        form = MembershipAddForm(request.POST, station=station)
        if form.is_valid():
            try:
                services.membership_add(actor=request.user, station=station, **form.cleaned_data)
            except services.TransferRequired as exc:
                try:
                    services.transfer_request(actor=request.user, station=station, user=form.cleaned_data["user"],
                                              role=form.cleaned_data["role"])
                except ValidationError as again:
                    add_service_errors(form, again)
                else:
                    messages.info(request, f"该人员在{exc.district.name}任职：已向{exc.district.name}管理员发起调动申请，"
                                           "对方确认后生效。")
                    return redirect("stations:station_detail", pk=station.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已添加工作人员。"))
                return redirect("stations:station_detail", pk=station.pk)
        return render(request, self.template_name, {"form": form, "station": station})


class MembershipUpdateView(AdminRequiredMixin, View):
    template_name = "stations/membership_form.html"

    def get_membership(self, pk):
        return get_object_or_404(
            StationMembership.objects.visible_to(self.request.user).select_related("station__street", "user"), pk=pk)

    def get(self, request, pk):
        membership = self.get_membership(pk)
        return render(request, self.template_name, {"form": MembershipUpdateForm(membership=membership),
                                                    "station": membership.station, "membership": membership})

    def post(self, request, pk):
        membership = self.get_membership(pk)
        form = MembershipUpdateForm(request.POST, membership=membership)
        if form.is_valid():
            try:
                services.membership_update(actor=request.user, membership=membership, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("人员信息已保存。"))
                return redirect("stations:station_detail", pk=membership.station_id)
        return render(request, self.template_name, {"form": form, "station": membership.station,
                                                    "membership": membership})


class MembershipRemoveView(AdminRequiredMixin, View):
    def post(self, request, pk):
        membership = get_object_or_404(StationMembership.objects.visible_to(request.user)
                                       .select_related("station__street", "user"), pk=pk)
        station_pk = membership.station_id
        services.membership_remove(actor=request.user, membership=membership)
        messages.success(request, _("已移除该人员。"))
        return redirect("stations:station_detail", pk=station_pk)


# --- 片区 and grids -------------------------------------------------------------------------------------

class GeoListView(AdminRequiredMixin, ListView):
    paginate_by = 100
    filterset_class = None

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        self.filterset = self.filterset_class(self.request.GET, queryset=self.base_queryset())
        _narrow_filter_form(self.filterset, self.request.user)
        return self.filterset.qs if self.filterset.is_valid() else self.base_queryset().none()

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class AreaListView(GeoListView):
    template_name = "stations/area_list.html"
    filterset_class = AreaFilterSet

    def base_queryset(self):
        return (Area.objects.visible_to(self.request.user).select_related("street__district")
                .annotate(station_count=Count("stations", distinct=True), grid_count=Count("grids", distinct=True))
                .order_by("street__code", "name"))


class GridListView(GeoListView):
    template_name = "stations/grid_list.html"
    filterset_class = GridFilterSet

    def base_queryset(self):
        return (Grid.objects.visible_to(self.request.user).select_related("street__district", "area")
                .annotate(staff_count=Count("memberships", distinct=True)).order_by("street__code", "name"))


class GeoFormView(AdminRequiredMixin, View):
    template_name = "stations/geo_form.html"
    model = Area
    form_class = AreaForm
    create_service = staticmethod(services.area_create)
    update_service = staticmethod(services.area_update)
    list_url = "stations:area_list"

    def get_object(self, pk):
        if pk is None:
            return None
        return get_object_or_404(self.model.objects.visible_to(self.request.user), pk=pk)

    def render_form(self, form, obj):
        return render(self.request, self.template_name, {
            "form": form, "object": obj, "kind": self.model._meta.verbose_name, "list_url": self.list_url})

    def get(self, request, pk=None):
        obj = self.get_object(pk)
        return self.render_form(self.form_class(instance=obj, user=request.user), obj)

    def post(self, request, pk=None):
        obj = self.get_object(pk)
        # the form gets its own copy: ModelForm validation writes into its instance, the service needs the old one
        form = self.form_class(request.POST, instance=self.get_object(pk), user=request.user)
        if form.is_valid():
            data = {k: form.cleaned_data.get(k) for k in form.Meta.fields}
            try:
                if obj is None:
                    self.create_service(actor=request.user, **data)
                else:
                    self.update_service(actor=request.user, **{self.model._meta.model_name: obj}, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(kind)s已保存。") % {"kind": self.model._meta.verbose_name})
                return redirect(self.list_url)
        return self.render_form(form, obj)


class AreaFormView(GeoFormView):
    pass


class GridFormView(GeoFormView):
    model = Grid
    form_class = GridForm
    create_service = staticmethod(services.grid_create)
    update_service = staticmethod(services.grid_update)
    list_url = "stations:grid_list"


# --- coverage ------------------------------------------------------------------------------------------

class CoverageView(AdminRequiredMixin, TemplateView):
    template_name = "stations/coverage.html"

    def get_context_data(self, **kwargs):
        scope = scope_of(self.request.user)
        district = None
        if scope.is_city and (self.request.GET.get("district") or "").isdigit():
            district = District.objects.filter(pk=self.request.GET["district"]).first()
        coverage = selectors.coverage_for(user=self.request.user, district=district)
        return super().get_context_data(
            coverage=coverage, districts=District.objects.all() if scope.is_city else None, **kwargs)


# --- public finder ------------------------------------------------------------------------------------------

def finder(request):
    """Nearest stations from the browser's location or a chosen street (no login)."""
    form = FinderForm(request.GET or None)
    context = {"form": form, "walk": walk_model(), "districts": District.objects.all()}
    point = None
    if form.is_bound and form.is_valid():
        lat, lng, street = form.cleaned_data["lat"], form.cleaned_data["lng"], form.cleaned_data["street"]
        if lat is not None and lng is not None:
            if in_shanghai(lat, lng):
                point = {"lat": lat, "lng": lng, "source": "location"}
            else:
                context["error"] = _("您的位置不在上海市范围内，请改为选择街道/镇。")
        elif street is not None:
            sp = selectors.street_point(street)
            if sp is not None:
                point = {"lat": sp.lat, "lng": sp.lng, "source": sp.basis}
            context["street"] = street
        elif form.cleaned_data["district"] is not None:
            district = form.cleaned_data["district"]
            if district.lat is not None and not (request.headers.get("HX-Request")):
                point = {"lat": district.lat, "lng": district.lng, "source": "district_only"}
        else:
            context["error"] = _("请选择街道/镇，或允许浏览器获取您的位置。")
    elif form.is_bound:
        context["error"] = "；".join(e for errors in form.errors.values() for e in errors)
    selected_district = form.cleaned_data.get("district") if form.is_bound and form.is_valid() else None
    if context.get("street") is not None:
        selected_district = context["street"].district
    context["selected_district"] = selected_district
    context["streets"] = (Street.objects.filter(district=selected_district).order_by("code")
                          if selected_district else [])
    if point is not None:
        context["point"] = point
        context["results"] = selectors.stations_nearest(lat=point["lat"], lng=point["lng"], limit=FINDER_LIMIT,
                                                        queryset=selectors.public_stations())
    if request.headers.get("HX-Request") and request.GET.get("partial") == "streets":
        return render(request, "stations/_finder_streets.html", context)
    return render(request, "stations/finder.html", context)


def public_station(request, pk):
    """A station's public page (operating and pilot stations only)."""
    station = get_object_or_404(selectors.public_stations(), pk=pk)
    if not station.is_public:
        raise Http404
    now = timezone.localtime()
    return render(request, "stations/public_station.html", {
        "station": station, "open_now": station.is_open_at(now), "today": now.weekday(),
        "finder_url": reverse("stations:finder") + f"?district={station.street.district_id}&street={station.street_id}",
    })


class TransferListView(AdminRequiredMixin, View):
    """Staff transfers between districts: those this admin must decide, and those they asked for."""

    def get(self, request):
        from .models import StaffTransfer

        scope = scope_of(request.user)
        transfers = StaffTransfer.objects.select_related("user", "to_station__street__district", "from_district",
                                                         "requested_by").order_by("-created_at")
        if scope.is_district:
            from django.db.models import Q

            transfers = transfers.filter(Q(from_district_id=scope.district_id)
                                         | Q(to_station__street__district_id=scope.district_id))
        return render(request, "stations/transfer_list.html",
                      {"transfers": transfers[:100], "my_district": scope.district_id, "is_city": scope.is_city})


class TransferDecideView(AdminRequiredMixin, View):
    def post(self, request, pk, decision):
        from .models import StaffTransfer

        if decision not in {"confirm", "decline"}:
            raise Http404
        scope = scope_of(request.user)
        visible = StaffTransfer.objects.all() if scope.is_city else StaffTransfer.objects.filter(
            from_district_id=scope.district_id)
        transfer = get_object_or_404(visible, pk=pk)
        try:
            services.transfer_decide(actor=request.user, transfer=transfer, confirm=decision == "confirm")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已确认调动。" if decision == "confirm" else "已拒绝调动。")
        return redirect("stations:transfer_list")
