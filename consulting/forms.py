"""Forms of the consulting app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PortalFormMixin
from core.validators import normalize_phone, validate_mobile

CONSENT_LABEL = _("我同意服务站将我的姓名和手机号用于本次预约的确认、提醒和联系")


class BookingForm(PortalFormMixin, forms.Form):
    """The public booking: name, phone, topic, consent; `website` is a honeypot people never see."""

    name = forms.CharField(label=_("您的姓名"), max_length=40)
    phone = forms.CharField(label=_("手机号"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    topic = forms.CharField(label=_("想咨询的问题"), max_length=200,
                            widget=forms.Textarea(attrs={"rows": 3}))
    consent = forms.BooleanField(label=CONSENT_LABEL,
                                 error_messages={"required": _("须同意将手机号用于预约联系，才能预约。")})
    website = forms.CharField(required=False, label=_("请勿填写"),
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data["phone"])
        validate_mobile(phone)
        return phone

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))
