"""How every form of the portal renders, and the login and password forms.

One mixin (`PortalFormMixin`) gives each widget its Bootstrap 5 class by widget type, marks fields with
errors `is-invalid` (Django adds `aria-invalid` and `aria-describedby` pointing at the help text and the
error), and renders through one form template; `PortalFormRenderer` (settings.FORM_RENDERER) renders every
`{{ field.as_field_group }}` with `includes/field.html`. The error banner is `includes/form_errors.html`.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from .choices import translated
from .models import ImportJobBase
from .spreadsheets import UploadError, check_upload_name


class PortalFormRenderer(TemplatesSetting):
    """Widgets and fields rendered from the project's TEMPLATES (so `templates/includes/field.html` is found)."""

    field_template_name = "includes/field.html"


def widget_css(widget: forms.Widget, *, compact: bool = False) -> str:
    """The Bootstrap class a widget takes ("" for hidden inputs)."""
    if widget.is_hidden:
        return ""
    if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select form-select-sm" if compact else "form-select"
    return "form-control form-control-sm" if compact else "form-control"


class DateInput(forms.DateInput):
    """A browser date picker: <input type="date"> wants ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class OccupationPicker(forms.Widget):
    """Search-as-you-type over the 1,600 细类 instead of a select holding them all (static/js/occupation-picker.js).

    The chosen occupations are hidden inputs named like the field; `multiple` for a ModelMultipleChoiceField.
    `search_url` answers ?q= with {"results": [{id, code, name, path}]}.
    """

    template_name = "includes/occupation_picker.html"

    class Media:
        js = ["js/occupation-picker.js"]

    def __init__(self, *, search_url, multiple: bool = False, attrs=None):
        super().__init__(attrs)
        self.search_url = search_url
        self.allow_multiple_selected = multiple

    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False if self.allow_multiple_selected else name not in data

    def format_value(self, value):
        values = value if isinstance(value, list | tuple) else [value]
        return [str(getattr(v, "pk", v)) for v in values if v not in (None, "")]

    def get_context(self, name, value, attrs):
        from .models import Occupation

        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("required", None)  # the search box itself is never required
        ids = [v for v in context["widget"]["value"] if v.isdigit()]
        context["widget"].update(multiple=self.allow_multiple_selected, search_url=str(self.search_url),
                                 chosen=list(Occupation.objects.filter(pk__in=ids).order_by("code")) if ids else [])
        return context


class PortalBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        css = widget_css(widget, compact=self.form.compact)
        if css:
            if self.errors:
                css += " is-invalid"
            own = f"{widget.attrs.get('class', '')} {attrs.get('class', '')}".split()
            attrs["class"] = " ".join(dict.fromkeys([*own, *css.split()]))
        return attrs


class PortalFormMixin:
    """Put first in a form's bases: Bootstrap classes, aria attributes, `{{ form }}` in the portal's layout.

    `field_column` is the grid column each field takes in `{{ form }}`; `compact` makes small controls
    (filter bars); `error_banner` is the sentence under the banner's own errors (None on forms that save
    nothing, like the login).
    """

    bound_field_class = PortalBoundField
    template_name = "includes/form.html"
    field_column = "col-12"
    compact = False
    error_banner = _("本次未保存任何数据：请按标红的提示修改后再提交。")


class PortalForm(PortalFormMixin, forms.Form):
    pass


class PortalFilterForm(PortalFormMixin, forms.Form):
    """The form of a FilterSet shown as a filter bar (FilterSet.Meta.form)."""

    compact = True


class PortalAuthenticationForm(PortalFormMixin, AuthenticationForm):
    error_banner = None
    error_messages = {
        "invalid_login": _("用户名或密码不正确。注意：连续输错 5 次，该账号在本地址将被锁定 30 分钟。"),
        "inactive": _("该账号已停用，请联系管理员。"),
    }

    def clean(self):
        # Password spraying: besides axes' lock per username and address, a cap per address over all usernames.
        from django.conf import settings

        from core.security import SPRAY_MESSAGE, login_failures_over_cap

        if self.request is not None and login_failures_over_cap(self.request):
            raise forms.ValidationError(SPRAY_MESSAGE % {"minutes": settings.LOGIN_FAILURE_WINDOW_MINUTES},
                                        code="address_capped")
        return super().clean()

    def get_invalid_login_error(self):
        from core.security import login_failure_count

        if self.request is not None:
            login_failure_count(self.request)
        return super().get_invalid_login_error()


class PortalPasswordChangeForm(PortalFormMixin, PasswordChangeForm):
    pass


def add_service_errors(form: forms.BaseForm, exc: ValidationError | PermissionDenied,
                       mapping: dict[str, str] | None = None) -> None:
    """Put a service's refusal on the form: each field's messages on that field (renamed through `mapping`
    when the form calls it differently), the rest (a message, a list, unknown fields, an out-of-scope
    PermissionDenied from `require_visible`) form-wide."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc))
        return
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    mapping = mapping or {}
    for field, errors in exc.error_dict.items():
        target = mapping.get(field, field)
        form.add_error(target if target in form.fields and target != NON_FIELD_ERRORS else None, errors)


class SpreadsheetFileForm(PortalFormMixin, forms.Form):
    """A spreadsheet upload: the file, checked by name and size only (a crafted file must not hold a web thread;
    the worker parses it). Subclasses add where the rows go (a station, a provider)."""

    file = forms.FileField(label=_("表格文件（.xlsx、.xls 或 .csv）"), error_messages={"required": _("请选择要上传的表格文件。")})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_upload_name(upload.name, upload.size)
        except UploadError as exc:
            raise ValidationError(str(exc)) from None
        self.content = upload.read()
        return upload


class SpreadsheetUploadForm(SpreadsheetFileForm):
    """An import's upload (core.imports): the file and the import mode."""

    mode = forms.ChoiceField(label=_("导入方式"), choices=(), widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = translated(ImportJobBase.Mode)
        self.fields["mode"].initial = ImportJobBase.Mode.PARTIAL
