"""Forms of assistance: parse input only; the services decide."""

from __future__ import annotations

import copy
import json

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.choices import KeyGroup, translated
from core.forms import DateInput, PortalFilterForm, PortalForm, PortalFormMixin
from jobseekers.models import Education, EmploymentStatus, Hukou

from . import rules
from .models import Case, Policy


def _https_urls(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class PolicyForm(PortalFormMixin, forms.ModelForm):
    field_column = "col-md-6"

    class Meta:
        model = Policy
        fields = ["code", "name", "kind", "district_code", "doc_number", "issuer", "valid_from", "valid_to",
                  "benefit_text", "amount_text", "amount", "source_url", "verified_on", "verification_status",
                  "is_active"]
        formfield_callback = _https_urls
        widgets = {"valid_from": DateInput(), "valid_to": DateInput(), "verified_on": DateInput(),
                   "benefit_text": forms.Textarea(attrs={"rows": 4})}


FACT_CHOICES = [(name, _(spec.label)) for name, spec in rules.FACTS.items()]
OP_CHOICES = [(op, format_lazy(_("{op}（{text}）"), op=op, text=_(text))) for op, text in sorted(
    {(op, text) for spec in rules.FACTS.values() for op, text in spec.ops.items()})]


class ConditionForm(PortalForm):
    compact = True

    fact = forms.ChoiceField(label=_("条件项"), choices=[("", "—")] + FACT_CHOICES, required=False)
    op = forms.ChoiceField(label=_("运算符"), choices=[("", "—")] + OP_CHOICES, required=False)
    value = forms.CharField(label=_("取值"), required=False, max_length=300,
                            help_text=_("数字；多个取值用逗号分隔（代码，如 unemployed,flexible）；是/否填 true 或 false"))

    def node(self) -> dict | None:
        fact, op, raw = self.cleaned_data.get("fact"), self.cleaned_data.get("op"), self.cleaned_data.get("value", "")
        if not fact:
            return None
        spec = rules.FACTS[fact]
        raw = raw.strip()
        if spec.kind in {"number", "received"}:
            try:
                value = int(raw)
            except ValueError:
                value = raw
        elif spec.kind == "bool":
            value = {"true": True, "false": False, "是": True, "否": False}.get(raw.lower(), raw)
        else:
            value = [v.strip() for v in raw.replace("，", ",").split(",") if v.strip()]
        return {"fact": fact, "op": op, "value": value}


ConditionFormSet = forms.formset_factory(ConditionForm, extra=2, max_num=20)


class RuleForm(PortalForm):
    combine = forms.ChoiceField(label=_("组合方式"), choices=[("all", _("全部满足")), ("any", _("满足其一"))], initial="all")
    raw = forms.CharField(label=_("规则 JSON（高级）"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
                          help_text=_("填写时以此为准，忽略上面的条件行。"))
    required_documents = forms.CharField(label=_("所需材料（每行一项，按顺序）"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 4}))
    note = forms.CharField(label=_("修改说明"), required=False, max_length=200)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_raw(self):
        raw = self.cleaned_data["raw"].strip()
        if not raw:
            return None
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValidationError(f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）。") from None

    def documents(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("required_documents", "").splitlines() if line.strip()]

    def rule(self, conditions) -> dict:
        if self.cleaned_data.get("raw") is not None:
            return self.cleaned_data["raw"]
        nodes = [n for n in (f.node() for f in conditions.forms if f.is_valid()) if n]
        return {self.cleaned_data["combine"]: nodes}


class CaseCreateForm(PortalForm):
    archive = forms.IntegerField(widget=forms.HiddenInput)
    policy = forms.ModelChoiceField(queryset=Policy.objects.active(), label=_("政策"),
                                    error_messages={"invalid_choice": _("请选择启用中的政策。")})
    claim_period = forms.CharField(label=_("申领期（年-月）"), required=False, max_length=7)
    kind = forms.ChoiceField(label=_("类型"), choices=[("", _("按政策"))] + translated(Case.Kind), required=False)


class TransitionForm(PortalForm):
    expected_state = forms.ChoiceField(choices=translated(Case.State), widget=forms.HiddenInput)
    note = forms.CharField(label=_("说明"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class PayForm(PortalForm):
    expected_state = forms.ChoiceField(choices=translated(Case.State), widget=forms.HiddenInput)
    amount = forms.DecimalField(label=_("发放金额（元）"), max_digits=10, decimal_places=2, min_value=0.01)
    paid_on = forms.DateField(label=_("发放日期"), widget=DateInput())
    payment_reference = forms.CharField(label=_("发放凭证号"), max_length=64)


class ChecklistForm(PortalForm):
    expected_state = forms.ChoiceField(choices=translated(Case.State), widget=forms.HiddenInput)
    checked = forms.MultipleChoiceField(label=_("已核验材料"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checked"].choices = [(d, d) for d in documents]


class UploadForm(PortalForm):
    item = forms.ChoiceField(label=_("材料项"))
    file = forms.FileField(label=_("文件（PDF/JPEG/PNG，≤ 5 MB）"))

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(d, d) for d in documents]


class DeclineForm(PortalForm):
    reason = forms.CharField(label=_("放弃原因"), max_length=200)


class WorklistFilterForm(PortalFilterForm):
    policy = forms.ModelChoiceField(queryset=Policy.objects.all(), required=False, label=_("政策"))
    key_group = forms.ChoiceField(choices=[("", _("全部"))] + translated(KeyGroup), required=False, label=_("重点群体"))
    station = forms.IntegerField(required=False, widget=forms.HiddenInput)
    helper = forms.IntegerField(required=False, widget=forms.HiddenInput)


SELF_CHECK_FIELDS = {
    "age": forms.IntegerField(label=_("您的年龄（周岁）"), min_value=16, max_value=100, required=False),
    "sex": forms.ChoiceField(label=_("性别"), choices=[("", "—"), ("M", _("男")), ("F", _("女"))], required=False),
    "hukou": forms.ChoiceField(label=_("户籍"), choices=[("", "—")] + translated(Hukou), required=False),
    "status": forms.ChoiceField(label=_("目前就业状态"), choices=[("", "—")] + translated(EmploymentStatus), required=False),
    "months_out_of_work": forms.IntegerField(label=_("上一份工作结束至今几个月（在业不填）"), min_value=0, max_value=600,
                                             required=False),
    "registered_unemployed": forms.ChoiceField(label=_("是否已办理失业登记"), required=False,
                                               choices=[("", "—"), ("1", _("是")), ("0", _("否"))]),
    "certified_difficulty": forms.ChoiceField(label=_("是否已认定为就业困难人员"), required=False,
                                              choices=[("", "—"), ("1", _("是")), ("0", _("否"))]),
    "education": forms.ChoiceField(label=_("学历"), choices=[("", "—")] + translated(Education), required=False),
    "graduation_year": forms.IntegerField(label=_("毕业年份"), min_value=1950, max_value=2100, required=False),
    "district": forms.ChoiceField(label=_("居住区"), required=False),
    "street": forms.ChoiceField(label=_("居住街镇"), required=False),
    "key_groups": forms.MultipleChoiceField(label=_("以下情况是否符合（可多选）"), choices=translated(KeyGroup),
                                            required=False, widget=forms.CheckboxSelectMultiple),
}


class SelfCheckForm(PortalForm):
    """Only the questions the verified policies' rules need; nothing asked is stored."""

    def __init__(self, *args, needed: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        from stations.models import District, Street

        for name, field in SELF_CHECK_FIELDS.items():
            if name in needed or (name == "district" and "street" in needed):
                self.fields[name] = copy.deepcopy(field)
        if "district" in self.fields:
            self.fields["district"].choices = [("", "—")] + list(District.objects.values_list("code", "name"))
        if "street" in self.fields:
            self.fields["street"].choices = [("", "—")] + list(Street.objects.order_by("code").values_list("code", "name"))

    def facts(self, *, ref) -> rules.Facts:
        data = self.cleaned_data
        flag = {"1": True, "0": False, "": False, None: False}
        return rules.Facts(
            ref=ref.isoformat(), age=data.get("age"), sex=data.get("sex") or None, hukou=data.get("hukou") or None,
            status=data.get("status") or None,
            months_out_of_work=(data.get("months_out_of_work")
                                if data.get("status") not in rules.EMPLOYED_KINDS else None),
            registered_unemployed=flag[data.get("registered_unemployed")],
            certified_difficulty=flag[data.get("certified_difficulty")],
            education=data.get("education") or None, graduation_year=data.get("graduation_year"),
            district=data.get("district") or None, street=data.get("street") or None,
            key_groups=sorted(data.get("key_groups") or []))
