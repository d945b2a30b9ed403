"""Participant lists from Excel into enrollments, checked in full, then written in one transaction.

Two layouts, chosen by the programme's channel (never by its name):

- ``participants``: notice 003 附件3 (序号, 项目名称, 承训单位, 学员姓名, 单位名称, 所在部门(院系)及职务,
  任教专业, 联系手机, 备注) plus the 身份证号 the platform needs; channel "nomination".
- ``signup_table``: notice 001 附件3 (序号, 所报证书培训班名称, 姓名, 性别, 职务, 电子邮箱, 身份证号, 手机);
  channel "signup_table". The school is the 填报单位 above the table (or a 单位名称 column).

Every row becomes an enrollment through ``services.enrollment_submit``; new people are created
without accounts or password hashes (as in ``accounts.imports``), known people (by ID number) are
reused. A person already enrolled in the item through the same channel is "unchanged", so the
same file (or a full export of the list) imports again without errors or changes.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from shipei.accounts import scope
from shipei.accounts.errors import PersonDuplicate
from shipei.accounts.models import ID_CONTEXT, MOBILE_CONTEXT, Person, TeacherProfile
from shipei.audit.services import record
from shipei.core import identifiers, pii
from shipei.core.excel import (
    Column,
    ExcelFormatError,
    Problem,
    Sheet,
    cell_text,
    read_sheet,
)
from shipei.core.text import clean_name, fold, pinyin_key
from shipei.orgs.models import Organisation, OrganisationAlias
from shipei.programmes.models import Programme
from shipei.programmes.policy import Item
from shipei.quotas import selectors as quota_selectors
from shipei.quotas.models import Quota

from . import services, terms
from .models import Enrollment

# Up to this many rows an import runs inside the request; larger files go to a background task.
INLINE_MAX_ROWS = 300
PROGRESS_EVERY = 100

Progress = Callable[[str, int, int], None]

_POST_ALIASES = ("所在部门（院系）及职务", "所在部门及职务", "部门及职务")
PARTICIPANT_COLUMNS = [
    Column("seq", "序号", width=6),
    Column("project", "项目名称", required=True, aliases=("培训项目", "培训项目名称"), width=32),
    Column("host", "承训单位", required=True, aliases=("承训基地", "承办单位"), width=24),
    Column("name", "学员姓名", required=True, aliases=("姓名",), width=10),
    Column("org", "单位名称", required=True, aliases=("工作单位", "学校名称"), width=26),
    Column("post", "所在部门(院系)及职务", aliases=(*_POST_ALIASES, "职务"), width=24),
    Column("major", "任教专业", width=16),
    Column("mobile", "联系手机", required=True, aliases=("手机", "手机号"), text=True, width=14),
    Column("remark", "备注", width=14),
    Column(
        "id_number",
        "身份证号",
        required=True,
        aliases=("身份证号码", "公民身份号码"),
        text=True,
        width=22,
    ),
]
SIGNUP_COLUMNS = [
    Column("seq", "序号", width=6),
    Column(
        "course",
        "所报证书培训班名称",
        required=True,
        aliases=("证书培训班名称", "所报培训班名称", "培训班名称"),
        width=36,
    ),
    Column("name", "姓名", required=True, aliases=("学员姓名",), width=10),
    Column("gender", "性别", width=6),
    Column("post", "职务", aliases=("所在部门(院系)及职务", *_POST_ALIASES), width=16),
    Column("email", "电子邮箱", aliases=("邮箱",), width=22),
    Column(
        "id_number",
        "身份证号",
        required=True,
        aliases=("身份证号码", "公民身份号码"),
        text=True,
        width=22,
    ),
    Column("mobile", "手机", required=True, aliases=("手机号", "联系手机"), text=True, width=14),
    Column("major", "任教专业", width=16),
    Column("org", "单位名称", aliases=("工作单位", "学校名称"), width=26),
]


@dataclass(frozen=True)
class Layout:
    key: str
    channel: str
    columns: list[Column]
    item_column: str  # the key of the column that names the item
    template_name: str


LAYOUTS = {
    "participants": Layout(
        "participants",
        Enrollment.Channel.NOMINATION,
        PARTICIPANT_COLUMNS,
        "project",
        "参训人员名单导入模板.xlsx",
    ),
    "signup_table": Layout(
        "signup_table",
        Enrollment.Channel.SIGNUP_TABLE,
        SIGNUP_COLUMNS,
        "course",
        "参训教师信息汇总表导入模板.xlsx",
    ),
}


def layouts_for(programme: Programme) -> list[Layout]:
    """The layouts a programme takes: those whose channel its policy opens."""
    channels = programme.rules.enrollment.channels
    return [layout for layout in LAYOUTS.values() if layout.channel in channels]


@dataclass
class EnrollmentRow:
    row: int
    item: str
    name: str
    id_number: str
    gender: str
    mobile: str
    email: str
    org: Organisation
    teacher: dict[str, Any]
    id_hash: str = field(default="", repr=False)
    person: Person | None = None  # registered already (found by ID number)
    unchanged: bool = False  # already enrolled in the item through this channel


# ---- matching names ---------------------------------------------------------------------------

_COURSE_AFFIXES = re.compile(r"^(1\+x)|(师资培训班|培训班|师资培训|培训)$")


def _key(text: Any) -> str:
    """Names as typed compare equal to names as registered: full-width, spaces, case."""
    return fold(text or "").lower()


def _course_key(text: Any) -> str:
    key = _key(text)
    for _round in range(2):
        key = _COURSE_AFFIXES.sub("", key)
    return key.removesuffix("职业技能等级证书")


def project_name(item: Item) -> str:
    """The 项目名称 of the notice: the label without the "（承训单位）" that tells apart two
    projects of one field (notice 003 附件1)."""
    if item.host:
        for suffix in (f"（{item.host}）", f"({item.host})"):
            if item.label.endswith(suffix):
                return item.label.removesuffix(suffix)
    return item.label


def leaf_items(programme: Programme) -> list[Item]:
    items = programme.rules.items
    parents = {i.parent for i in items if i.parent}
    return [i for i in items if i.code not in parents]


class ItemIndex:
    """Which item a row names: project name and 承训单位 (003), or the course name (001)."""

    def __init__(self, programme: Programme) -> None:
        self.items = leaf_items(programme)
        hosts = {i.host for i in self.items if i.host}
        self.host_alias: dict[str, str] = {}
        for alias in OrganisationAlias.objects.filter(organisation__name__in=hosts).select_related(
            "organisation"
        ):
            self.host_alias[_key(alias.name)] = _key(alias.organisation.name)
        self.by_pair: dict[tuple[str, str], str] = {}
        self.by_name: dict[str, list[Item]] = {}
        self.by_course: dict[str, set[str]] = {}
        for item in self.items:
            host = _key(item.host)
            for name in {_key(project_name(item)), _key(item.label)}:
                self.by_pair[(name, host)] = item.code
                self.by_name.setdefault(name, []).append(item)
            for name in {_course_key(item.label), _key(item.label)}:
                self.by_course.setdefault(name, set()).add(item.code)

    def project(self, name: str, host: str) -> tuple[str | None, str | None]:
        """(item code, None) or (None, the reason in Chinese)."""
        name_key = _key(name)
        host_key = self.host_alias.get(_key(host), _key(host))
        code = self.by_pair.get((name_key, host_key))
        if code:
            return code, None
        known = self.by_name.get(name_key)
        if not known:
            return None, _("本培训计划中没有项目“%(name)s”，请按通知附件填写项目名称。") % {
                "name": name
            }
        hosts = "、".join(dict.fromkeys(i.host for i in known if i.host))
        return None, _("项目“%(name)s”的承训单位为%(hosts)s，没有“%(host)s”。") % {
            "name": name,
            "hosts": hosts or _("（未指定）"),
            "host": host,
        }

    def course(self, name: str) -> tuple[str | None, str | None]:
        codes = self.by_course.get(_key(name)) or self.by_course.get(_course_key(name)) or set()
        if len(codes) == 1:
            return next(iter(codes)), None
        if len(codes) > 1:
            return None, _("培训班名称“%(name)s”对应多个培训班，请填写完整名称。") % {"name": name}
        return None, _("本培训计划中没有培训班“%(name)s”，请按通知附件填写名称。") % {"name": name}


def _org_lookup(user: Any) -> dict[str, Organisation]:
    """Organisations the importer may nominate teachers of, by name and alias."""
    orgs = Organisation.objects.filter(
        scope.orgs_q(user, "enrollment.nominate", via=None), is_active=True
    )
    by_name = {_key(o.name): o for o in orgs}
    for alias in OrganisationAlias.objects.filter(organisation__in=orgs).select_related(
        "organisation"
    ):
        by_name.setdefault(_key(alias.name), alias.organisation)
    return by_name


_FILLER = re.compile(r"填报单位(?:[（(]盖章[)）])?[:：]\s*(.*)")


def _filler_name(data: bytes, header_row: int) -> tuple[int, str] | None:
    """The 填报单位 written above the sign-up table (notice 001 附件3), with its row."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    table = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    for n, row in enumerate(table[: header_row - 1], start=1):
        line = " ".join(cell_text(v) for v in row if cell_text(v))
        match = _FILLER.search(line)
        if match:
            name = re.split(r"\s|联系人|联系电话", match.group(1).strip(), maxsplit=1)[0]
            return n, name.strip("：:")
    return None


def _own_school(user: Any) -> Organisation | None:
    """A school coordinator's one school: the default 填报单位 of its sign-up table."""
    paths = scope.action_paths(user, "enrollment.nominate")
    if len(paths) != 1:
        return None
    org = Organisation.objects.filter(path=paths[0]).first()
    return org if org is not None and org.kind == Organisation.Kind.SCHOOL else None


# ---- checking --------------------------------------------------------------------------------

_NOTE_ROW = re.compile(r"^(备注|说明|注|填表说明)")


def parse_enrollments(
    *,
    user: Any,
    programme: Programme,
    layout: Layout,
    upload: Any,
    progress: Progress | None = None,
) -> tuple[Sheet, list[EnrollmentRow], list[Problem]]:
    """Check every row of the upload; the rows come back only if there is no problem at all."""
    data = upload.read() if hasattr(upload, "read") else upload
    sheet = read_sheet(data, layout.columns)
    label = {c.key: c.label for c in layout.columns}
    problems: list[Problem] = []
    rows: list[EnrollmentRow] = []
    orgs = _org_lookup(user)
    index = ItemIndex(programme)
    default_org: Organisation | None = None
    if layout.key == "signup_table":
        filler = _filler_name(data, sheet.header_row)
        if filler and filler[1]:
            default_org = orgs.get(_key(filler[1]))
            if default_org is None:
                problems.append(
                    Problem(
                        filler[0],
                        _("填报单位"),
                        _("未找到单位“%(v)s”，或它不在您的管理范围内。") % {"v": filler[1]},
                    )
                )
        else:
            default_org = _own_school(user)
    seen_ids: dict[str, tuple[int, str]] = {}
    seen_mobiles: dict[str, tuple[int, str]] = {}
    data_rows = [
        (n, v)
        for n, v in sheet.rows
        if not _NOTE_ROW.match(cell_text(v.get("seq")))
        and any(cell_text(x) for k, x in v.items() if k != "seq")
    ]
    total = len(data_rows)
    if not data_rows:
        raise ExcelFormatError(_("文件中没有数据行。"))
    for done, (excel_row, values) in enumerate(data_rows, start=1):
        if progress and done % PROGRESS_EVERY == 0:
            progress("check", done, total)
        before = len(problems)

        def fail(key: str, message: str, excel_row: int = excel_row) -> None:
            problems.append(Problem(excel_row, label[key], message))

        # The item
        code = None
        if layout.key == "participants":
            project_text = clean_name(cell_text(values.get("project")))
            host_text = clean_name(cell_text(values.get("host")))
            if not project_text:
                fail("project", _("请填写项目名称。"))
            elif not host_text:
                fail("host", _("请填写承训单位。"))
            else:
                code, why = index.project(project_text, host_text)
                if why:
                    fail("host" if index.by_name.get(_key(project_text)) else "project", why)
        else:
            course_text = clean_name(cell_text(values.get("course")))
            if not course_text:
                fail("course", _("请填写所报证书培训班名称。"))
            else:
                code, why = index.course(course_text)
                if why:
                    fail("course", why)
        # The person
        name = clean_name(cell_text(values.get("name")))
        if not name:
            fail("name", _("请填写姓名。"))
        elif len(name) > 50:
            fail("name", _("姓名过长（最多50字）。"))
        number = ""
        try:
            number = identifiers.id_number_clean(values.get("id_number"))
        except ValidationError as exc:
            fail("id_number", exc.messages[0])
        else:
            if number in seen_ids:
                first_row, first_item = seen_ids[number]
                if first_item == code or programme.rules.enrollment.one_active_per == "programme":
                    fail(
                        "id_number",
                        _("与第%(row)d行是同一人（身份证号重复）。") % {"row": first_row},
                    )
            else:
                seen_ids[number] = (excel_row, code or "")
        gender = ""
        if "gender" in label:
            gender_text = clean_name(cell_text(values.get("gender")))
            gender = {"男": "M", "女": "F"}.get(gender_text, "")
            if gender_text and not gender:
                fail("gender", _("性别请填“男”或“女”。"))
            elif gender and number and gender != identifiers.id_gender(number):
                fail("gender", _("性别与身份证号不符（身份证号第17位表示性别）。"))
        mobile = ""
        try:
            mobile = identifiers.mobile_clean(values.get("mobile"))
        except ValidationError as exc:
            fail("mobile", exc.messages[0])
        else:
            owner = seen_mobiles.get(mobile)
            if owner is not None and owner[1] != number:
                fail("mobile", _("与第%(row)d行的手机号重复。") % {"row": owner[0]})
            elif owner is None:
                seen_mobiles[mobile] = (excel_row, number)
        email = cell_text(values.get("email")) if "email" in label else ""
        if email:
            try:
                validate_email(email)
            except ValidationError:
                fail("email", _("电子邮箱格式不正确。"))
        major = clean_name(cell_text(values.get("major")))
        post = cell_text(values.get("post"))
        if len(major) > 100 or len(post) > 100:
            fail("major" if len(major) > 100 else "post", _("内容过长（最多100字）。"))
        # The school
        org_text = clean_name(cell_text(values.get("org")))
        org = orgs.get(_key(org_text)) if org_text else default_org
        if org is None and org_text:
            fail(
                "org",
                _("未找到单位“%(v)s”，或它不在您的管理范围内；请填写平台登记的单位名称。")
                % {"v": org_text},
            )
        elif org is None and layout.key == "participants":
            fail("org", _("请填写单位名称。"))
        elif org is None and not any(p.column == _("填报单位") for p in problems):
            fail(
                "org",
                _("请在表格上方“填报单位（盖章）：”后填写单位名称，或在本行填写“单位名称”。"),
            )
        if len(problems) > before or org is None or code is None:
            continue
        rows.append(
            EnrollmentRow(
                row=excel_row,
                item=code,
                name=name,
                id_number=number,
                gender=gender or identifiers.id_gender(number),
                mobile=mobile,
                email=email,
                org=org,
                teacher={"teaching_major": major, "department_post": post},
                id_hash=pii.blind_index(number, context=ID_CONTEXT),
            )
        )
    if progress:
        progress("check", total, total)
    _check_against_database(user, programme, layout, rows, problems)
    return sheet, ([] if problems else rows), problems


def _check_against_database(
    user: Any,
    programme: Programme,
    layout: Layout,
    rows: list[EnrollmentRow],
    problems: list[Problem],
) -> None:
    """Known people, their enrollments, the windows, eligibility and the seats left."""
    label = {c.key: c.label for c in layout.columns}
    rules = programme.rules
    item_col = label[layout.item_column]

    def fail(row: EnrollmentRow, key: str, message: str) -> None:
        problems.append(Problem(row.row, label.get(key, key), message))

    existing = {
        p.id_number_hash: p
        for p in Person.objects.filter(id_number_hash__in=[r.id_hash for r in rows]).select_related(
            "org", "teacher_profile"
        )
    }
    mobile_owners = dict(
        Person.objects.filter(
            mobile_hash__in=[pii.blind_index(r.mobile, context=MOBILE_CONTEXT) for r in rows]
        ).values_list("mobile_hash", "id_number_hash")
    )
    live: dict[int, list[Enrollment]] = {}
    for e in Enrollment.objects.filter(
        programme=programme, live=True, person__in=[p.pk for p in existing.values()]
    ):
        live.setdefault(e.person_id, []).append(e)
    channel_labels = dict(Enrollment.Channel.choices)
    now = timezone.now()
    windows: dict[str, Any] = {}
    quotas: dict[tuple[str, int], Quota | None] = {}
    has_quota: dict[str, bool] = {}
    wanted: dict[int, list[EnrollmentRow]] = {}
    for row in rows:
        person = existing.get(row.id_hash)
        owner = mobile_owners.get(pii.blind_index(row.mobile, context=MOBILE_CONTEXT))
        if owner is not None and owner != row.id_hash:
            fail(row, "mobile", _("该手机号已被另一位已登记人员使用。"))
        if person is not None:
            row.person = person
            if not scope.allows(user, "enrollment.nominate", person.org):
                fail(row, "id_number", _("该教师已在其他单位登记，不在您的管理范围内。"))
                continue
            if person.name != row.name:
                shown = person.name if scope.allows_person(user, "person.view", person) else ""
                fail(
                    row,
                    "id_number",
                    _("该身份证号已登记为“%(name)s”，与所填姓名不符，请核对。") % {"name": shown}
                    if shown
                    else _("该身份证号已登记为另一姓名，请核对姓名和身份证号。"),
                )
                continue
            if person.org_id != row.org.pk:
                fail(
                    row,
                    "org",
                    _(
                        "该教师登记的工作单位为“%(org)s”，与所填单位不符；"
                        "如已调动，请先在人员管理中修改其工作单位。"
                    )
                    % {"org": person.org.name},
                )
                continue
            mine = live.get(person.pk, [])
            same = [e for e in mine if e.item == row.item]
            if same and same[0].channel == layout.channel:
                row.unchanged = True
                continue
            if same:
                fail(
                    row,
                    "id_number",
                    _("%(name)s已通过“%(channel)s”报名该项目，不能重复报名。")
                    % {"name": row.name, "channel": channel_labels.get(same[0].channel, "")},
                )
                continue
            if rules.enrollment.one_active_per == "programme" and mine:
                fail(
                    row,
                    layout.item_column,
                    _("%(name)s已报名本计划的“%(what)s”，本计划每人只能报一项。")
                    % {"name": row.name, "what": rules.item(mine[0].item).label},
                )
                continue
        if row.item not in windows:
            windows[row.item] = terms.registration_window(programme, row.item)
        window = windows[row.item]
        if window is not None and not window.contains(now):
            problems.append(
                Problem(
                    row.row,
                    item_col,
                    _("“%(what)s”的报名时间为 %(window)s，当前不在报名时间内。")
                    % {"what": rules.item(row.item).label, "window": terms.window_text(window)},
                )
            )
            continue
        why = terms.eligibility_problems(programme, row.item, _as_it_will_be(row))
        if why:
            fail(row, "id_number", _("不符合报名条件：%(why)s") % {"why": "；".join(why)})
            continue
        key = (row.item, row.org.pk)
        if key not in quotas:
            quotas[key] = quota_selectors.quota_covering(
                programme=programme, item=row.item, org=row.org
            )
        quota = quotas[key]
        if quota is None:
            if row.item not in has_quota:
                has_quota[row.item] = Quota.objects.filter(
                    programme=programme, item=row.item
                ).exists()
            if has_quota[row.item]:
                fail(
                    row,
                    "org",
                    _("%(org)s所在地区或单位没有“%(what)s”的名额。")
                    % {"org": row.org.name, "what": rules.item(row.item).label},
                )
            continue
        wanted.setdefault(quota.pk, []).append(row)
    if rules.enrollment.waitlist:
        return
    by_pk = {q.pk: q for q in quotas.values() if q is not None}
    for pk, asked in wanted.items():
        quota = by_pk[pk]
        left = max(quota.seats_free, 0)
        for row in asked[left:]:
            fail(
                row,
                layout.item_column,
                _(
                    "%(receiver)s“%(what)s”的名额还剩 %(left)d 个，本文件报了 %(n)d 人，本行超出名额。"
                )
                % {
                    "receiver": quota.receiver_name,
                    "what": rules.item(row.item).label,
                    "left": left,
                    "n": len(asked),
                },
            )


def _as_it_will_be(row: EnrollmentRow) -> Any:
    """The person as the import leaves them, for the eligibility rules: a registered teacher's
    profile with the blanks filled from the row, or a new teacher with the row's profile."""
    profile = getattr(row.person, "teacher_profile", None) if row.person else None
    major = (profile.teaching_major if profile else "") or row.teacher["teaching_major"]
    return SimpleNamespace(
        org=row.org,
        teacher_profile=SimpleNamespace(
            title=profile.title if profile else TeacherProfile.Title.NONE,
            years_teaching=profile.years_teaching if profile else None,
            teaching_major=major,
        ),
    )


# ---- writing ---------------------------------------------------------------------------------


@transaction.atomic
def enrollment_import(
    *,
    actor: Any,
    programme: Programme,
    layout: Layout,
    rows: list[EnrollmentRow],
    filename: str = "",
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write rows checked by ``parse_enrollments``, all or nothing: new people (no account), the
    blanks of known people's records, and one enrollment per row through the enrollment service."""
    counts = {"enrolled": 0, "unchanged": 0, "people_created": 0, "people_updated": 0}
    new_people: list[tuple[Person, EnrollmentRow]] = []
    for row in rows:
        if row.person is None:
            scope.require(actor, "person.create", row.org)
            person = Person(org=row.org, name=row.name, gender=row.gender, email=row.email)
            person.name_pinyin = pinyin_key(row.name)
            person.set_id_number(row.id_number)
            person.set_mobile(row.mobile)
            new_people.append((person, row))
        elif not row.unchanged and _fill_blanks(row.person, row):
            counts["people_updated"] += 1
    try:
        with transaction.atomic():
            Person.objects.bulk_create([p for p, _row in new_people], batch_size=1000)
    except IntegrityError:  # someone registered one of these people meanwhile
        raise PersonDuplicate(masked=_("（本批次中的某人）")) from None
    TeacherProfile.objects.bulk_create(
        [TeacherProfile(person=p, **row.teacher) for p, row in new_people], batch_size=1000
    )
    for person, row in new_people:
        row.person = person
    counts["people_created"] = len(new_people)
    total = len(rows)
    for done, row in enumerate(rows, start=1):
        if row.unchanged:
            counts["unchanged"] += 1
        else:
            services.enrollment_submit(
                actor=actor,
                programme=programme,
                item=row.item,
                person=row.person,
                channel=layout.channel,
            )
            counts["enrolled"] += 1
        if progress and (done % PROGRESS_EVERY == 0 or done == total):
            progress("write", done, total)
    record(
        actor,
        "enrollment.imported",
        None,
        org=scope.top_org(actor, "enrollment.nominate"),
        programme=programme.pk,
        layout=layout.key,
        filename=filename[:100],
        **counts,
    )
    return counts


def _fill_blanks(person: Person, row: EnrollmentRow) -> bool:
    """A known person keeps what is registered; the import only fills what is missing."""
    changed = False
    if not person.mobile_cipher and row.mobile:
        person.set_mobile(row.mobile)
        changed = True
    if not person.email and row.email:
        person.email = row.email
        changed = True
    if changed:
        person.save()
    profile = getattr(person, "teacher_profile", None)
    if profile is None:
        profile = TeacherProfile(person=person)
    fill = {k: v for k, v in row.teacher.items() if v and not getattr(profile, k)}
    if fill:
        for k, v in fill.items():
            setattr(profile, k, v)
        profile.save()
        person.teacher_profile = profile
    return changed or bool(fill)
