import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.masking import mask_id_number, mask_phone
from core.validators import parse_id_number, validate_credit_code, validate_mobile, validate_phone


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014", "360426199101010071"])
def test_valid_id_numbers(number):
    assert parse_id_number(number)[0] == number


def test_lower_case_x_is_accepted_and_upper_cased():
    number, birth, sex = parse_id_number("11010519491231002x")
    assert number == "11010519491231002X" and birth == dt.date(1949, 12, 31) and sex == "F"


@pytest.mark.parametrize("number, code", [
    ("110105194912310021", "id_check_digit"),
    ("11010519491231002", "id_length"),
    ("110105194902300021", "id_birth_date"),
    ("110105209912310021", "id_birth_future"),
    ("11010519491231002A", "id_chars"),
])
def test_invalid_id_numbers_are_refused_with_a_reason(number, code):
    with pytest.raises(ValidationError) as exc:
        parse_id_number(number)
    assert exc.value.code == code


@pytest.mark.parametrize("code", ["91110000600037341L", "91350100M000100Y43"])
def test_valid_credit_codes(code):
    validate_credit_code(code)


@pytest.mark.parametrize("code", ["91110000600037341M", "9111000060003734", "91110000600037341I"])
def test_invalid_credit_codes(code):
    with pytest.raises(ValidationError):
        validate_credit_code(code)


def test_phones():
    validate_mobile("13812345678")
    validate_phone("021-64001234")
    for bad in ["1381234567", "138123456789", "1381234567a", "23812345678"]:
        with pytest.raises(ValidationError):
            validate_mobile(bad)


def test_masks():
    assert mask_id_number("310104199001011234") == "310104********1234"
    assert mask_phone("13812345678") == "138****5678"
