"""Forms of the matching pages (validation of state and scope is in services)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import DateInput, PortalFormMixin
from core.versioning import VersionFormMixin
from jobs.models import JobPosting

from .models import GuidanceSession, InsuranceHelp, PushRecord


class PushForm(PortalFormMixin, forms.Form):
    postings = forms.ModelMultipleChoiceField(
        label=pgettext_lazy("job posting", "岗位"), queryset=JobPosting.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个岗位。"), "invalid_choice": _("所选岗位不存在。"),
                        "invalid_pk_value": _("所选岗位不存在。")})
    channel = forms.ChoiceField(label=_("推送方式"), choices=PushRecord.Channel.choices,
                                error_messages={"required": _("请选择推送方式。"), "invalid_choice": _("请选择推送方式。")})
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class OutcomeForm(PortalFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("反馈结果"), choices=[c for c in PushRecord.Outcome.choices if c[0]],
                                error_messages={"required": _("请选择反馈结果。"), "invalid_choice": _("请选择反馈结果。")})
    outcome_date = forms.DateField(label=_("反馈日期"), widget=DateInput(),
                                   error_messages={"required": _("请填写反馈日期。"), "invalid": _("反馈日期格式不正确。")})
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class GuidanceForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = GuidanceSession
        fields = ["held_on", "kind", "topics", "advice", "follow_up_on"]
        widgets = {"held_on": DateInput(),
                   "follow_up_on": DateInput(),
                   "advice": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"held_on": {"required": _("请填写指导日期。"), "invalid": _("指导日期格式不正确。")},
                          "topics": {"required": _("请填写指导内容。")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()  # guidance is recorded on the day it is given


class InsuranceForm(PortalFormMixin, VersionFormMixin, forms.ModelForm):
    checklist = forms.MultipleChoiceField(label=_("已备材料"), choices=InsuranceHelp.Item.choices, required=False,
                                          widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = InsuranceHelp
        fields = ["status", "checklist", "employer_name", "registered_on", "note"]
        widgets = {"registered_on": DateInput()}
