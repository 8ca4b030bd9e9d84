"""What a resident is told before "我想报名" leaves a name and phone, and the version recorded with the lead."""

from django.utils.translation import gettext_lazy as _

SIGNUP_NOTICE_VERSION = "training-2026-12"
SIGNUP_NOTICE = _(
    "您留下的姓名和手机号只用于离培训地点最近的社区就业服务站工作人员就此培训与您联系、帮您报名和"
    "申请培训补贴；不会公开，也不会提供给培训机构以外的其他人。您可以随时致电服务站要求更正或删除。"
)
SIGNUP_CONSENT_LABEL = _("我已阅读以上说明，同意服务站用我的姓名和手机号联系我")
SIGNUP_CONSENT_REQUIRED = _("请阅读说明并勾选同意，服务站才能联系您。")
