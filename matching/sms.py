"""SMS senders behind one interface, chosen by `settings.SMS_SENDER`.

A sender is a class with `send(*, phone, body) -> str` returning the gateway's message id. It raises
`NotSent` when it delivered nothing on purpose (no channel configured, or SMS switched off): the outbox
marks the message 未发送 and never retries it. Any other exception is a failure of a real channel: the
outbox records it and retries with backoff.

`SMS_SENDER` is one of the names in `SENDERS` or a dotted path to a class:
- `log` (development default): writes a line with the phone masked and sends nothing;
- `disabled`: sends nothing (production without an SMS contract);
- `aliyun`: 阿里云短信服务 (Dysmsapi `SendSms`) over plain HTTPS, settings `SMS_ALIYUN_*`.
Production settings refuse to start unless `SMS_SENDER` is set explicitly and is not `log`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import uuid
from datetime import UTC, datetime
from urllib.parse import quote
from urllib.request import Request, urlopen

from django.conf import settings
from django.utils import translation
from django.utils.module_loading import import_string

from core.masking import mask_phone

logger = logging.getLogger("matching.sms")

SENDERS = {
    "log": "matching.sms.LoggingSender",
    "disabled": "matching.sms.DisabledSender",
    "aliyun": "matching.sms.AliyunSender",
}


class NotSent(Exception):
    """Nothing was delivered on purpose; the message says why (shown to staff on the outbox)."""


class LoggingSender:
    """Development sender: logs that a message would go out, with the phone number masked."""

    def send(self, *, phone: str, body: str) -> str:
        logger.info("SMS not sent (no channel configured) to %s (%d chars)", mask_phone(phone), len(body))
        raise NotSent("未配置短信通道（SMS_SENDER=log），短信未发出")


class DisabledSender:
    """Production without an SMS contract: every message is kept, marked 未发送."""

    def send(self, *, phone: str, body: str) -> str:
        raise NotSent("短信通道已停用（SMS_SENDER=disabled），短信未发出")


class GatewayError(Exception):
    """The gateway answered but refused the message (its code and message are kept for staff)."""


def _pct(value: str) -> str:
    # Aliyun's POP signature encodes per RFC 3986: space as %20, '~' kept, '*' as %2A.
    return quote(value, safe="~")


class AliyunSender:
    """阿里云短信服务 `SendSms` (API 2017-05-25) with the POP v1 HMAC-SHA1 signature, no SDK.

    The template (`SMS_ALIYUN_TEMPLATE_CODE`) must have one variable (`SMS_ALIYUN_TEMPLATE_PARAM`,
    default `content`) that carries our text; the sign name (`SMS_ALIYUN_SIGN_NAME`) is added by the
    gateway, so our own leading 【…】 is dropped.
    """

    version = "2017-05-25"

    def __init__(self) -> None:
        conf = settings.SMS_ALIYUN
        missing = [k for k in ("access_key_id", "access_key_secret", "sign_name", "template_code") if not conf.get(k)]
        if missing:
            raise NotSent("阿里云短信未配置完整：缺少 " + "、".join(f"SMS_ALIYUN_{k.upper()}" for k in missing))
        self.conf = conf

    def signed_query(self, params: dict[str, str]) -> str:
        canonical = "&".join(f"{_pct(k)}={_pct(v)}" for k, v in sorted(params.items()))
        to_sign = "GET&%2F&" + _pct(canonical)
        key = (self.conf["access_key_secret"] + "&").encode()
        signature = base64.b64encode(hmac.new(key, to_sign.encode(), hashlib.sha1).digest()).decode()
        return canonical + "&Signature=" + _pct(signature)

    def send(self, *, phone: str, body: str) -> str:
        text = re.sub(r"^【[^】]*】", "", body)
        params = {
            "AccessKeyId": self.conf["access_key_id"], "Action": "SendSms", "Format": "JSON",
            "RegionId": self.conf.get("region") or "cn-hangzhou", "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex, "SignatureVersion": "1.0",
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "Version": self.version,
            "PhoneNumbers": phone, "SignName": self.conf["sign_name"],
            "TemplateCode": self.conf["template_code"],
            "TemplateParam": json.dumps({self.conf.get("template_param") or "content": text}, ensure_ascii=False),
        }
        url = self.conf["endpoint"].rstrip("/") + "/?" + self.signed_query(params)
        request = Request(url, headers={"Accept": "application/json"})  # noqa: S310 - endpoint from settings
        with urlopen(request, timeout=self.conf.get("timeout", 10)) as response:  # noqa: S310
            answer = json.loads(response.read().decode("utf-8"))
        if answer.get("Code") != "OK":
            raise GatewayError(f"{answer.get('Code')}: {answer.get('Message')}")
        return str(answer.get("BizId", ""))


def get_sender():
    name = settings.SMS_SENDER
    return import_string(SENDERS.get(name, name))()


def push_message(posting) -> str:
    pay = ""
    if posting.salary_min or posting.salary_max:
        # The SMS is Chinese whatever language the staff member who refers the job reads the pages in.
        with translation.override(settings.LANGUAGE_CODE):
            unit = str(posting.get_salary_unit_display())
        pay = f"，{posting.salary_min or ''}-{posting.salary_max or ''}{unit}"
    where = posting.station.name if getattr(posting, "station", None) else "社区就业服务站"
    return f"【社区就业服务站】为您推荐岗位：{posting.title}（{posting.employer.name}{pay}），详询{where}。"[:300]

