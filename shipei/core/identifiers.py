"""Identifiers that real users type: normalise what is safe, reject the rest in Chinese (DOMAIN §8).

Every cleaner takes the raw value and returns the canonical string or raises ``ValidationError``.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

from .text import fold

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalise(value: object) -> str:
    """Full-width to half-width (NFKC), no spaces anywhere, upper case."""
    return fold(value).upper()


def _reject_number(value: object, label: str) -> None:
    # Excel keeps 15 significant digits: an ID typed as a number has already lost its tail,
    # so never guess the digits back.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValidationError(
            _("%(label)s被保存成了数字（可能已丢失末尾数字），请把该列设为“文本”格式后重新填写。")
            % {"label": label},
            code="numeric_cell",
        )


def id_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def id_number_clean(value: object) -> str:
    """Resident ID number, GB 11643: 18 characters, valid birth date, check digit (X allowed)."""
    _reject_number(value, _("身份证号"))
    number = normalise(value or "")
    if not number:
        raise ValidationError(_("请填写身份证号。"), code="required")
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError(
            _("身份证号应为18位：前17位是数字，最后一位是数字或X（现为%(length)d位）。")
            % {"length": len(number)},
            code="format",
        )
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("身份证号中的出生日期 %(date)s 不存在。") % {"date": number[6:14]}, code="birth_date"
        ) from None
    if birth.year < 1900 or birth > datetime.date.today():
        raise ValidationError(
            _("身份证号中的出生日期 %(date)s 不合理。") % {"date": number[6:14]},
            code="birth_date",
        )
    if id_check_digit(number[:17]) != number[17]:
        raise ValidationError(
            _("身份证号校验位不正确，请核对是否有输错的数字。"), code="check_digit"
        )
    return number


def id_birth_date(number: str) -> datetime.date | None:
    """The birth date an ID number carries (characters 7-14); None if it is not a date."""
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_gender(number: str) -> str:
    """GB 11643: the 17th character is odd for men, even for women."""
    return "M" if int(number[16]) % 2 else "F"


def mobile_clean(value: object) -> str:
    """Mainland mobile: 11 digits starting 1[3-9]; +86, spaces and hyphens are dropped."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 11 digits fit in a float exactly, so a numeric cell is safe
    text = normalise(value or "").replace("-", "")
    text = re.sub(r"^(\+?86)(?=1\d{10}$)", "", text)
    if not text:
        raise ValidationError(_("请填写手机号。"), code="required")
    if not re.fullmatch(r"1[3-9]\d{9}", text):
        raise ValidationError(_("手机号应为以13-19开头的11位数字。"), code="format")
    return text


def credit_code_clean(value: object) -> str:
    """Unified social credit code, GB 32100: 18 characters with a check character."""
    _reject_number(value, _("统一社会信用代码"))
    code = normalise(value or "")
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位（现为%(length)d位）。") % {"length": len(code)},
            code="length",
        )
    try:
        return uscc.validate(code)
    except StdnumError:
        raise ValidationError(
            _("统一社会信用代码不正确（校验位不符或含有不允许的字符）。"), code="check_digit"
        ) from None


def school_code_clean(value: object) -> str:
    """学校标识码: 10 digits, assigned by the Ministry of Education."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 10 digits survive a numeric cell
    code = normalise(value or "")
    if not re.fullmatch(r"\d{10}", code):
        raise ValidationError(_("学校标识码应为10位数字。"), code="format")
    return code


def mask_id_number(number: str) -> str:
    """Keep the first 6 and last 4: 330106********1234."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_mobile(mobile: str) -> str:
    """186****1402."""
    if len(mobile) < 7:
        return "*" * len(mobile)
    return mobile[:3] + "*" * (len(mobile) - 7) + mobile[-4:]


_MASKED = re.compile(r"[\dX]*\*{3,}[\dX]*")


def looks_masked(value: object) -> bool:
    """Whether a cell holds an ID number or mobile as our masked exports write them
    (``mask_id_number``, ``mask_mobile``): digits around a run of asterisks."""
    text = normalise(value or "") if isinstance(value, str) else ""
    return (
        len(text) >= 7
        and _MASKED.fullmatch(text) is not None
        and sum(ch.isdigit() for ch in text) >= 3
    )
