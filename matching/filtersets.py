"""FilterSets shared by the pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.forms import PortalFilterForm

from .models import PushRecord, SmsOutbox


class PushRecordFilterSet(django_filters.FilterSet):
    channel = django_filters.ChoiceFilter(label=_("推送方式"), choices=PushRecord.Channel.choices)
    outcome = django_filters.ChoiceFilter(label=_("反馈结果"), choices=PushRecord.Outcome.choices, empty_label=_("全部"))
    pushed_after = django_filters.DateFilter(label=_("推送日期起"), field_name="pushed_on", lookup_expr="gte")
    pushed_before = django_filters.DateFilter(label=_("推送日期止"), field_name="pushed_on", lookup_expr="lte")
    archive = django_filters.NumberFilter(label=_("档案ID"), field_name="archive_id")
    posting = django_filters.NumberFilter(label=_("岗位ID"), field_name="posting_id")

    class Meta:
        form = PortalFilterForm
        model = PushRecord
        fields = ["channel", "outcome", "pushed_after", "pushed_before", "archive", "posting"]


class SmsOutboxFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=SmsOutbox.Status.choices)

    class Meta:
        form = PortalFilterForm
        model = SmsOutbox
        fields = ["status"]
