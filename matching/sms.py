"""Pluggable SMS senders. settings.MATCHING_SMS_SENDER names a class with `send(*, phone, body)`;
it raises on failure (the outbox records the error and retries)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation
from django.utils.module_loading import import_string

from core.masking import mask_phone

logger = logging.getLogger("matching.sms")

DEFAULT_SENDER = "matching.sms.LoggingSender"


class LoggingSender:
    """Development sender: logs that a message would go out, with the phone number masked."""

    def send(self, *, phone: str, body: str) -> None:
        logger.info("SMS to %s (%d chars)", mask_phone(phone), len(body))


def get_sender():
    return import_string(getattr(settings, "MATCHING_SMS_SENDER", DEFAULT_SENDER))()


def push_message(posting) -> str:
    pay = ""
    if posting.salary_min or posting.salary_max:
        # The SMS is Chinese whatever language the staff member who refers the job reads the pages in.
        with translation.override(settings.LANGUAGE_CODE):
            unit = str(posting.get_salary_unit_display())
        pay = f"，{posting.salary_min or ''}-{posting.salary_max or ''}{unit}"
    where = posting.station.name if getattr(posting, "station", None) else "社区就业服务站"
    return f"【社区就业服务站】为您推荐岗位：{posting.title}（{posting.employer.name}{pay}），详询{where}。"[:300]
