from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm


class PortalAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。注意：连续输错 5 次，该账号在本地址将被锁定 30 分钟。",
        "inactive": "该账号已停用，请联系管理员。",
    }


class PortalPasswordChangeForm(PasswordChangeForm):
    pass
