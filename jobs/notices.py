"""What a resident is told before leaving a name and phone on a public page, and the version recorded."""

from django.utils.translation import gettext_lazy as _

LEAD_NOTICE_VERSION = "2026-12"
LEAD_NOTICE = _(
    "您留下的姓名和手机号只用于离岗位最近的社区就业服务站工作人员就此岗位与您联系、为您介绍岗位和"
    "就业服务；不会公开，也不会提供给用人单位以外的其他人。您可以随时致电服务站要求更正或删除。"
)
LEAD_CONSENT_LABEL = _("我已阅读以上说明，同意服务站用我的姓名和手机号联系我")
LEAD_CONSENT_REQUIRED = _("请阅读说明并勾选同意，服务站才能联系您。")
