from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError


class PortalAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。注意：连续输错 5 次，该账号在本地址将被锁定 30 分钟。",
        "inactive": "该账号已停用，请联系管理员。",
    }


class PortalPasswordChangeForm(PasswordChangeForm):
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
