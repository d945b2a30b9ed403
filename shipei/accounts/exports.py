"""People as .xlsx: masked by default; a full export by a role that may reveal is audited."""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.audit.services import record
from shipei.core import excel

from .models import Person

HEADERS = [
    "姓名",
    "性别",
    "身份证号",
    "手机号",
    "电子邮箱",
    "工作单位",
    "学校标识码",
    "职称",
    "任教专业",
    "教龄（年）",
    "所在部门(院系)及职务",
    "账号",
]


def person_rows(people: QuerySet[Person], *, full: bool, listed: dict[int, int]) -> Any:
    """The rows of the file; each person written goes into `listed` (id: organisation id)."""
    for p in people.iterator(chunk_size=1000):
        listed[p.pk] = p.org_id
        profile = getattr(p, "teacher_profile", None)
        yield [
            p.name,
            p.get_gender_display(),
            p._id_number() if full else p.id_number_masked,
            p._mobile() if full else p.mobile_masked,
            p.email,
            p.org.name,
            p.org.school_code or "",
            profile.get_title_display() if profile else "",
            profile.teaching_major if profile else "",
            profile.years_teaching if profile and profile.years_teaching is not None else "",
            profile.department_post if profile else "",
            _("已开通") if hasattr(p, "user") else _("未开通"),
        ]


@transaction.atomic
def person_export(
    *, actor: Any, people: QuerySet[Person], full: bool, ip: str | None = None
) -> bytes:
    """The caller's selection; a full export keeps only the people the actor may reveal."""
    if full:
        people = people.filter(scope.people_q(actor, "person.reveal"))
    people = people.select_related("org", "teacher_profile", "user").order_by(
        "org__path", "name_pinyin"
    )
    listed: dict[int, int] = {}  # the people the file holds, as the audit entry lists them
    content = excel.flat_xlsx(
        [_(h) for h in HEADERS], person_rows(people, full=full, listed=listed), title=_("人员")
    )
    if full:
        record(
            actor,
            "person.exported_full",
            None,
            org=scope.top_org(actor, "person.reveal"),
            ip=ip,
            count=len(listed),
            disclosed=listed.items(),
        )
    return content
