"""FilterSets shared by the pages and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PortalFilterForm

from .funnel import STAGE_CHOICES, stage_q
from .models import PushRecord, SmsOutbox


class DateRangeForm(PortalFilterForm):
    def clean(self):
        data = super().clean()
        start, end = data.get("pushed_after"), data.get("pushed_before")
        if start and end and start > end:
            raise forms.ValidationError(_("推送日期起不能晚于推送日期止。"))
        return data


class PushRecordFilterSet(django_filters.FilterSet):
    channel = django_filters.ChoiceFilter(label=_("推送方式"), choices=PushRecord.Channel.choices)
    outcome = django_filters.ChoiceFilter(label=_("反馈结果"), choices=PushRecord.Outcome.choices, empty_label=_("全部"))
    pushed_after = django_filters.DateFilter(label=_("推送日期起"), field_name="pushed_on", lookup_expr="gte")
    pushed_before = django_filters.DateFilter(label=_("推送日期止"), field_name="pushed_on", lookup_expr="lte")
    archive = django_filters.NumberFilter(label=_("档案ID"), field_name="archive_id")
    posting = django_filters.NumberFilter(label=_("岗位ID"), field_name="posting_id")
    station = django_filters.NumberFilter(label=_("站点ID"), field_name="archive__station_id")
    district = django_filters.NumberFilter(label=_("区ID"), field_name="archive__station__street__district_id")
    station_street = django_filters.NumberFilter(label=_("站点所在街镇"), field_name="archive__station__street_id",
                                                 widget=forms.HiddenInput)
    stage = django_filters.ChoiceFilter(label=_("到达环节"), choices=STAGE_CHOICES, method="filter_stage")

    class Meta:
        model = PushRecord
        form = DateRangeForm
        fields = ["channel", "outcome", "pushed_after", "pushed_before", "archive", "posting", "station", "district",
                  "stage"]

    def filter_stage(self, queryset, name, value):
        return queryset.filter(stage_q(value))


class SmsOutboxFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=SmsOutbox.Status.choices)

    class Meta:
        form = PortalFilterForm
        model = SmsOutbox
        fields = ["status"]
