"""Why a role of a class stays open, in words (from the solver's ``Shortage``)."""

from typing import Any

from django.utils.translation import gettext as _

from .models import StaffRole


def shortage_text(s: Any) -> str:
    """One sentence per open role, naming the test that too few core teachers pass."""
    get = s.get if isinstance(s, dict) else lambda k: getattr(s, k)
    role = StaffRole(get("role")).label
    params = {
        "role": role,
        "missing": get("missing"),
        "need": get("need"),
        "qualified": get("qualified"),
        "own": get("qualified") - get("not_own"),
        "not_own": get("not_own"),
        "busy": get("not_own") - get("free"),
        "free": get("free"),
        "declined": get("free") - get("willing"),
        "willing": get("willing"),
        "rivals": get("rivals"),
    }
    cause = get("cause")
    if cause == "qualified":
        text = _(
            "%(role)s缺 %(missing)d 人：符合本班专业大类和培训级别的%(role)s只有 %(qualified)d 人，本班需 %(need)d 人。"
        )
    elif cause == "own_institution":
        text = _(
            "%(role)s缺 %(missing)d 人：符合条件的 %(qualified)d 人中有 %(own)d 人来自本机构（不能承担本机构的班次），其余仅 %(not_own)d 人。"
        )
    elif cause == "busy":
        text = _(
            "%(role)s缺 %(missing)d 人：可承担的 %(not_own)d 人中有 %(busy)d 人在培训日期前后（含前一天行程）已有其他班次，有空的仅 %(free)d 人。"
        )
    elif cause == "declined":
        text = _(
            "%(role)s缺 %(missing)d 人：有空的 %(free)d 人中 %(declined)d 人已谢绝本班邀请，可邀请的仅 %(willing)d 人。"
        )
    elif cause == "shared":
        text = _(
            "%(role)s缺 %(missing)d 人：有空的骨干教师中有人兼任授课和考核，但在同一班次只能承担一项，两类合计人数不足。"
        )
    else:
        text = _(
            "%(role)s缺 %(missing)d 人：符合条件且有空的骨干教师已安排到同期的 %(rivals)d 个其他班次；这样配齐的班次总数最多。"
        )
    return text % params


def shortage_rows(shortages: Any) -> list[dict[str, Any]]:
    """The solver's shortages as the JSON a staffing run keeps."""
    return [
        {
            "role": s.role,
            "need": s.need,
            "missing": s.missing,
            "qualified": s.qualified,
            "not_own": s.not_own,
            "free": s.free,
            "willing": s.willing,
            "cause": s.cause,
            "rivals": s.rivals,
        }
        for s in shortages
    ]
