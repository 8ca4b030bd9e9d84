"""Forms of assistance: parse input only; the services decide."""

from __future__ import annotations

import copy
import json

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import KeyGroup, translated
from core.forms import DateInput, PortalFilterForm, PortalForm, PortalFormMixin
from jobseekers.models import Education, EmploymentStatus, Hukou

from . import builder, rules
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


class RuleForm(PortalForm):
    """The rule editor: the builder's tree (assistance/builder.py) and the raw JSON view of the same rule.

    The JSON view is the advanced one: when it was changed since it was drawn (`raw_base` is what was drawn),
    it is what gets saved; otherwise the builder is. Every redraw writes the builder's rule back into it."""

    raw = forms.CharField(label=_("规则 JSON（高级）"), required=False, max_length=20000,
                          widget=forms.Textarea(attrs={"rows": 10, "class": "font-monospace"}),
                          help_text=_("改动 JSON 后保存，以 JSON 为准；点“载入到构建器”可先在上面查看。"))
    raw_base = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20000)
    required_documents = forms.CharField(label=_("所需材料（每行一项，按顺序）"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 4}))
    note = forms.CharField(label=_("修改说明"), required=False, max_length=200)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *args, rule=None, htmx=False, url="", **kwargs):
        super().__init__(data, *args, **kwargs)
        # An htmx post (a builder control changed) without a button's action redraws: only a submit saves.
        self.action = (data.get("action") or ("refresh" if htmx else "save")) if data is not None else ""
        if url:  # with JS, an edited JSON view is loaded into the builder as soon as it is left
            self.fields["raw"].widget.attrs.update({"hx-post": url, "hx-trigger": "change"})
        self.tree = builder.from_rule(rule) if rule is not None else None
        self.size_error = None
        if data is not None:
            try:
                self.tree = builder.from_post(data)
            except ValidationError as exc:
                self.size_error = exc

    @classmethod
    def for_version(cls, version, *, url: str = "") -> RuleForm:
        rule = version.rule if version else {"all": []}
        text = json.dumps(rule, ensure_ascii=False, indent=2)
        docs = "\n".join(version.required_documents) if version else ""
        return cls(rule=rule, url=url, initial={"expected_version": version.number if version else 0, "raw": text,
                                                "raw_base": text, "required_documents": docs})

    def clean_raw(self):
        raw = self.cleaned_data["raw"].strip()
        if not raw:
            return None
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValidationError(_("不是有效的 JSON（第 %(line)s 行第 %(col)s 列）。") % {
                "line": exc.lineno, "col": exc.colno}) from None
        except RecursionError:
            raise ValidationError(_("JSON 嵌套过深。")) from None

    def json_edited(self) -> bool:
        raw = (self.data.get("raw") or "").strip()
        if not raw:
            return False
        try:
            return json.loads(raw) != json.loads(self.data.get("raw_base") or "null")
        except (ValueError, RecursionError):
            return True

    def clean(self):
        data = super().clean()
        if self.action != "save":
            return data
        if self.json_edited():
            data["source"], data["rule"] = "json", data.get("raw")
            if data["rule"] is not None:
                try:
                    rules.validate(data["rule"])
                except ValidationError as exc:
                    self.add_error("raw", exc.messages)
                except RecursionError:
                    self.add_error("raw", _("JSON 嵌套过深。"))
            return data
        data["source"] = "builder"
        if self.size_error is not None:
            raise self.size_error
        data["rule"], errors = builder.build(self.tree)
        for error in errors:
            self.add_error(None, error)
        self._show_json(data["rule"])
        return data

    def redraw(self) -> None:
        """After a builder button (nothing saved): the edit made, the JSON view rewritten from the builder.
        A changed JSON view is loaded into the builder first (or refused, naming what is wrong)."""
        self.is_valid()
        if self.size_error is not None:
            self.add_error(None, self.size_error)
            return
        if self.action == "load-json" or self.json_edited():
            rule = self.cleaned_data.get("raw")
            if "raw" in self.errors:
                return
            try:
                rules.validate(rule)
            except ValidationError as exc:
                self.add_error("raw", [_("未载入构建器：%(why)s") % {"why": m} for m in exc.messages])
                return
            except RecursionError:
                self.add_error("raw", _("JSON 嵌套过深。"))
                return
            self.tree = builder.from_rule(rule)
            builder.number(self.tree)
        else:
            self.tree = builder.apply(self.tree, self.action)
            builder.fit(self.tree, builder.load_places() if builder.places_needed(self.tree) else {})
        rule, _errors = builder.build(self.tree)
        for node in builder.walk(self.tree):
            node.errors = []
        self._show_json(rule)

    def _show_json(self, rule) -> None:
        data = self.data.copy()
        data["raw"] = data["raw_base"] = "" if rule is None else json.dumps(rule, ensure_ascii=False, indent=2)
        self.data = data

    def documents(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("required_documents", "").splitlines() if line.strip()]

    @property
    def json_open(self) -> bool:
        return bool(self.errors.get("raw")) or self.action == "load-json"


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
    station = forms.IntegerField(required=False, widget=forms.HiddenInput, label=_("站点ID"), min_value=1)
    helper = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # from the dashboard's street and district cells
    station_street = forms.IntegerField(required=False, widget=forms.HiddenInput, label=_("站点所在街镇ID"), min_value=1)
    station_district = forms.IntegerField(required=False, widget=forms.HiddenInput, label=_("站点所在区ID"),
                                          min_value=1)


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
