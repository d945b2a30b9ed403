"""What a programme's policy says of an item: its registration window, who may enrol, its label.

Read by the submission's checks, the pages that offer items to teachers, the imports and the
notices, from the one place (the policy: items inherit their parent's rules).
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.accounts.models import Person, TeacherProfile
from shipei.core import majors
from shipei.core.clock import SHANGHAI, minute_text
from shipei.core.recent import Recent
from shipei.orgs.models import Organisation
from shipei.orgs.selectors import org_recent
from shipei.programmes.models import PrintedTable, Programme
from shipei.programmes.policy import Eligibility, Prerequisite, Window
from shipei.projects.models import Project

from .models import CHAIN_COMPLETED, Enrollment

PASSED = (Enrollment.Status.PASSED,)


def registration_window(programme: Programme, code: str) -> Window | None:
    """The item's own registration window, else its parent's, else the programme's."""
    return programme.rules.registration_for(code)


def window_text(window: Window) -> str:
    """ "2026-11-01 00:00 ～ 2026-11-30 23:59", or "截至 ..." / "... 起" when one end is open."""

    start, end = minute_text(window.opens_at()), minute_text(window.closes_at())
    if start and end:
        return f"{start} ～ {end}"
    return _("截至 %(end)s") % {"end": end} if end else _("%(start)s 起") % {"start": start}


def eligibility_problems(
    programme: Programme,
    code: str,
    person: Person,
    *,
    project: Project | None = None,
    today: datetime.date | None = None,
) -> list[str]:
    """Every rule of the item (and its parents) the person does not meet, in Chinese, each with
    its name and the teacher's value. `project`: the one the submission names (its class's),
    whose field classes a major-match rule reads."""
    problems: list[str] = []
    owner = org_recent(programme.owner_id) if programme.owner_id else None
    if not scope.in_area(owner, org=person.org):
        problems.append(
            _("本计划由%(owner)s组织，只接受其所辖地区的教师（%(org)s不在其中）")
            % {"owner": owner.name, "org": person.org.name}
        )
    facts = _Facts(programme, code, person, project, today)
    for item in programme.rules.lineage(code):
        problems += facts.problems(item.eligibility)
    return list(dict.fromkeys(problems))


def conditions_to_check(programme: Programme, code: str) -> list[str]:
    """The item's conditions that people check (its and its parents' ``other``, and a major
    match the platform cannot check): shown to the teacher when applying and to every approver,
    never a refusal."""
    try:
        lineage = programme.rules.lineage(code)
    except StopIteration:
        return []
    out = [text for item in lineage for text in item.eligibility.other]
    if any(i.eligibility.major_must_match for i in lineage) and not field_classes(programme, code):
        out.append(_("与所报项目专业对口（项目未列面向专业类，平台无法自动核对）"))
    return list(dict.fromkeys(out))


class _Facts:
    """What the rules read of one teacher, each read once and only when a rule asks for it."""

    def __init__(
        self,
        programme: Programme,
        code: str,
        person: Person,
        project: Project | None,
        today: datetime.date | None,
    ) -> None:
        self.programme, self.code, self.person, self.project = programme, code, person, project
        self.today = today or timezone.localdate()
        self.profile = getattr(person, "teacher_profile", None)
        self._live: list[Enrollment] | None = None

    def problems(self, rules: Eligibility) -> list[str]:
        out: list[str] = []
        profile, org = self.profile, self.person.org
        if rules.min_years_teaching is not None:
            years = profile.years_teaching if profile else None
            if years is None or years < rules.min_years_teaching:
                out.append(
                    _("教龄应不少于 %(n)s 年（登记为 %(have)s）")
                    % {"n": rules.min_years_teaching, "have": _years(years)}
                )
        if rules.titles:
            title = profile.title if profile else "none"
            if title not in rules.titles:
                out.append(
                    _("职称应为%(want)s（登记为%(have)s）")
                    % {"want": "、".join(_title(t) for t in rules.titles), "have": _title(title)}
                )
        if rules.org_kinds and org.kind not in rules.org_kinds:
            out.append(
                _("只接受%(want)s的人员（%(org)s为%(have)s）")
                % {
                    "want": "、".join(_org_kind(k) for k in rules.org_kinds),
                    "org": org.name,
                    "have": _org_kind(org.kind),
                }
            )
        if rules.school_kinds and org.school_kind not in rules.school_kinds:
            out.append(
                _("只接受%(want)s的教师（%(org)s为%(have)s）")
                % {
                    "want": "、".join(_school_kind(k) for k in rules.school_kinds),
                    "org": org.name,
                    "have": _school_kind(org.school_kind) if org.school_kind else _("非学校"),
                }
            )
        if rules.min_age is not None or rules.max_age is not None:
            out += self._age(rules)
        if rules.major_classes:
            out += self._major_in(rules.major_classes)
        if rules.major_must_match:
            out += self._major_matches()
        if (
            rules.not_elsewhere_same_year
            or rules.not_elsewhere_same_kind
            or rules.not_in_programmes
        ):
            out += self._elsewhere(rules)
        for need in rules.requires:
            out += self._prerequisite(need)
        return out

    # --- age ---------------------------------------------------------------------------------

    def _age(self, rules: Eligibility) -> list[str]:
        """Whole years on the rule's date (else the day the item's registration opens, else
        today), from the birth date in the ID number."""
        on = rules.age_on or self._opens() or self.today
        birth = self.person.birth_date
        if birth is None:
            return [_("年龄无法核对：未登记身份证号")]
        age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
        values = {"on": on.isoformat(), "age": age}
        out = []
        if rules.min_age is not None and age < rules.min_age:
            out.append(
                _("年龄应不小于 %(n)s 周岁（%(on)s 时为 %(age)s 周岁）")
                % {"n": rules.min_age, **values}
            )
        if rules.max_age is not None and age > rules.max_age:
            out.append(
                _("年龄应不超过 %(n)s 周岁（%(on)s 时为 %(age)s 周岁）")
                % {"n": rules.max_age, **values}
            )
        return out

    def _opens(self) -> datetime.date | None:
        window = registration_window(self.programme, self.code)
        opens = window.opens_at() if window else None
        return opens.astimezone(SHANGHAI).date() if opens else None

    # --- major -------------------------------------------------------------------------------

    def _major(self) -> str:
        return self.profile.major_class if self.profile else ""

    def _major_in(self, names: list[str]) -> list[str]:
        allowed = frozenset().union(*(majors.covered(n) for n in names))
        have = self._major()
        if have in allowed:
            return []
        return [
            _("专业类应为%(want)s（%(have)s）") % {"want": "、".join(names), "have": _held(have)}
        ]

    def _major_matches(self) -> list[str]:
        """Against the project's field classes; a 任教专业 merely filled in is not a match.
        Where the project names no field classes (000's 1+X fields, 004's 技工院校 categories),
        the teacher must have chosen a 专业类 and the approvers check the match by hand
        (``conditions_to_check``)."""
        fields = field_classes(self.programme, self.code, self.project)
        have = self._major()
        if not fields:
            return [] if have else [_("须与项目专业对口：请先在个人信息中选择专业类")]
        if have in fields:
            return []
        return [
            _("专业类应与项目对口（%(want)s），%(have)s")
            % {"want": "、".join(fields), "have": _held(have)}
        ]

    # --- other programmes and items ----------------------------------------------------------

    def _enrollments(self) -> list[Enrollment]:
        """The person's live enrollments in every programme, read once."""
        if self._live is None:
            self._live = (
                list(
                    Enrollment.objects.filter(person_id=self.person.pk, live=True)
                    .select_related("programme")
                    .order_by("pk")
                )
                if self.person.pk is not None
                else []
            )
        return self._live

    def _elsewhere(self, rules: Eligibility) -> list[str]:
        out = []
        others = [e for e in self._enrollments() if e.programme_id != self.programme.pk]
        year, kind = self.programme.year, self.programme.kind
        by_year = rules.not_elsewhere_same_year and year is not None
        by_kind = rules.not_elsewhere_same_kind and bool(kind)
        if by_year or by_kind:
            same = next(
                (
                    e
                    for e in others
                    if (not by_year or e.programme.year == year)
                    and (not by_kind or e.programme.kind == kind)
                ),
                None,
            )
            if same is not None:
                values = {"year": year, "kind": kind, "title": same.programme.title}
                if by_year and by_kind:
                    text = _("同一年度的%(kind)s只能参加一个（已报名%(year)s年的“%(title)s”）")
                elif by_kind:
                    text = _("%(kind)s只能参加一个（已报名“%(title)s”）")
                else:
                    text = _("同一年度只能参加一个培训计划（已报名%(year)s年的“%(title)s”）")
                out.append(text % values)
        barred = next((e for e in others if e.programme.code in rules.not_in_programmes), None)
        if barred is not None:
            out.append(_("已报名“%(title)s”的不能再报名本计划") % {"title": barred.programme.title})
        return out

    def _prerequisite(self, need: Prerequisite) -> list[str]:
        """State "admitted": admitted or later; "completed": passed (结业)."""
        mine = [
            e
            for e in self._enrollments()
            if e.programme_id == self.programme.pk and e.item == need.item
        ]
        reached = PASSED if need.state == "completed" else CHAIN_COMPLETED
        if any(e.status in reached for e in mine):
            return []
        text = (
            _("须先完成“%(item)s”并结业（现为%(have)s）")
            if need.state == "completed"
            else _("须先被“%(item)s”录取（现为%(have)s）")
        )
        have = mine[-1].get_status_display() if mine else _("未报名")
        return [text % {"item": item_title(self.programme, need.item), "have": have}]


def field_classes(programme: Programme, code: str, project: Project | None = None) -> list[str]:
    """The 专业类 a project trains, for a major-match rule: those of the project the submission
    names; else those of the programme's projects under the item; else those the notice's
    printed table gives the item (003's 附件1, by the item's label).

    Without `project`, as this process read them at most a few seconds ago: every submission
    refused for its major (a fifth of a rush's) would otherwise send two queries for them. A
    project, a printed table or a programme saved in this process is seen at once
    (``forget_field_classes``), one saved in another within the seconds, as the programme's own
    rules are (``programme_recent``)."""
    if project is not None and project.field_classes:
        return list(project.field_classes)
    label = next((i.label for i in programme.rules.items if i.code == code), None)
    return list(_FIELD_CLASSES.get((programme.pk, code, label)) or ())


def _field_classes_read(key: tuple[int | None, str, str | None]) -> tuple[str, ...]:
    programme_id, code, label = key
    found: dict[str, None] = {}
    for classes in (
        Project.objects.filter(programme_id=programme_id, item=code)
        .exclude(status__in=[Project.Status.CANCELLED, Project.Status.REJECTED])
        .values_list("field_classes", flat=True)
    ):
        found.update(dict.fromkeys(classes or []))
    return tuple(found) or _printed_field_classes(programme_id, label)


# (programme, item code, item label) -> the item's field classes. The label is the key's, so
# that a policy giving the item another label reads its printed row afresh.
_FIELD_CLASSES: Recent[tuple[int | None, str, str | None], tuple[str, ...]] = Recent(
    _field_classes_read
)


def forget_field_classes() -> None:
    """Forget the field classes read (a project, printed table or programme was saved)."""
    _FIELD_CLASSES.clear()


def _printed_field_classes(programme_id: int | None, label: str | None) -> tuple[str, ...]:
    if label is None or programme_id is None:
        return ()
    # Only the projects list is read: a quota table's data is tens of kilobytes.
    for rows in (
        PrintedTable.objects.filter(programme_id=programme_id, data__has_key="projects")
        .order_by("name")
        .values_list("data__projects", flat=True)
    ):
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict) and row.get("label") == label:
                return tuple(str(c) for c in row.get("field_classes", []))
    return ()


def _held(major_class: str) -> str:
    return _("登记为%(v)s") % {"v": major_class} if major_class else _("未选择专业类")


def _years(years: int | None) -> str:
    return _("未填写") if years is None else _("%(n)s 年") % {"n": years}


def _title(code: str) -> str:
    return str(dict(TeacherProfile.Title.choices).get(code, code))


def _org_kind(code: str) -> str:
    return str(dict(Organisation.Kind.choices).get(code, code))


def _school_kind(code: str | None) -> str:
    return str(dict(Organisation.SchoolKind.choices).get(code, code or ""))


def item_title(programme: Programme, code: str) -> str:
    """An item as a teacher reads it: with its parent ("第2期 · 5G移动网络运维"), unless its own
    label names the parent already ("三级·机械类", not "三级 · 三级·机械类")."""
    labels = {i.code: i for i in programme.rules.items}
    item = labels.get(code)
    if item is None:
        return code
    parent = labels[item.parent].label if item.parent in labels else ""
    if not parent or parent in item.label:
        return item.label
    return f"{parent} · {item.label}"


def item_label(enrollment: Enrollment) -> str:
    """The enrollment's item as every page and message names it (item_title)."""
    return item_title(enrollment.programme, enrollment.item)
