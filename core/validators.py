"""Validators for Chinese identifiers (GB 11643 ID numbers, GB 32100 credit codes) and phones."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$|^[2-9]\d{7}$")


def normalize_id_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def id_number_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def parse_id_number(value: str, *, today: dt.date | None = None) -> tuple[str, dt.date, str]:
    """Validate an 18-digit resident ID number; return (normalized, birth date, sex 'M'/'F')."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(_("身份证号码应为18位（当前为%(n)s位）。"), code="id_length", params={"n": len(number)})
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError(_("身份证号码只能由数字组成，最后一位可以是X。"), code="id_chars")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号码中的出生日期不存在。"), code="id_birth_date") from None
    today = today or dt.date.today()
    if birth > today:
        raise ValidationError(_("身份证号码中的出生日期在未来。"), code="id_birth_future")
    if id_number_check_char(number[:17]) != number[17]:
        raise ValidationError(_("身份证号码校验位错误，请核对后重新输入。"), code="id_check_digit")
    sex = "M" if int(number[16]) % 2 else "F"
    return number, birth, sex


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def credit_code_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """GB 32100-2015 unified social credit code (18 characters, last is a check character)."""
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位（当前为%(n)s位）。"), code="uscc_length", params={"n": len(code)})
    bad = [c for c in code if c not in USCC_ALPHABET]
    if bad:
        raise ValidationError(_("统一社会信用代码含有不允许的字符：%(c)s（不使用 I、O、Z、S、V）。"),
                              code="uscc_chars", params={"c": "".join(sorted(set(bad)))})
    if not code[2:8].isdigit():
        raise ValidationError(_("统一社会信用代码第3至8位应为行政区划代码（数字）。"), code="uscc_region")
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位错误，请核对后重新输入。"), code="uscc_check_digit")


def normalize_phone(value: str) -> str:
    return re.sub(r"[\s()（）]", "", (value or "").strip()).removeprefix("+86")


def validate_phone(value: str) -> None:
    """Mainland mobile (11 digits starting 1[3-9]) or a fixed line such as 021-64001234."""
    phone = normalize_phone(value)
    if re.search(r"[^\d-]", phone):
        raise ValidationError(_("电话号码只能包含数字（固定电话可带区号和“-”）。"), code="phone_chars")
    if not (MOBILE_RE.match(phone) or LANDLINE_RE.match(phone)):
        raise ValidationError(_("请输入有效的手机号（11位）或固定电话（如 021-64001234）。"), code="phone_format")


def validate_mobile(value: str) -> None:
    phone = normalize_phone(value)
    if re.search(r"[^\d]", phone):
        raise ValidationError(_("手机号只能包含数字。"), code="phone_chars")
    if not MOBILE_RE.match(phone):
        raise ValidationError(_("请输入11位手机号码（以1开头）。"), code="phone_format")
