"""The pool as a spreadsheet (masked, as every list: its ID numbers and mobiles shown as on the
pages)."""

from typing import Any

from django.utils.translation import gettext as _

from shipei.core.excel import flat_xlsx

from .tables import _role_words, qualifications_text


def pool_xlsx(teachers: Any) -> bytes:
    headers = [
        _("姓名"),
        _("身份证号"),
        _("手机号"),
        _("所在单位"),
        _("专业大类 · 培训级别"),
        _("承担任务"),
        _("状态"),
        _("本年度任务（个）"),
    ]
    rows = (
        [
            t.person.name,
            t.person.id_number_masked,
            t.person.mobile_masked,
            t.home.name,
            qualifications_text(t),
            "、".join(_role_words(t)),
            _("在库") if t.is_active else _("停用"),
            t.year_load,
        ]
        for t in teachers.iterator(chunk_size=500)
    )
    return flat_xlsx(headers, rows, title=_("骨干教师库"))
