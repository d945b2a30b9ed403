"""What a programme's policy says of an item: its registration window, who may enrol, its label.

Read by the submission's checks, the pages that offer items to teachers, the imports and the
notices, from the one place (the policy: items inherit their parent's rules).
"""

from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.accounts.models import Person, TeacherProfile
from shipei.core.clock import minute_text
from shipei.orgs.models import Organisation
from shipei.orgs.selectors import org_recent
from shipei.programmes.models import Programme
from shipei.programmes.policy import Eligibility, Window

from .models import Enrollment


def registration_window(programme: Programme, code: str) -> Window | None:
    """The item's own registration window, else its parent's, else the programme's."""
    return programme.rules.registration_for(code)


def window_text(window: Window) -> str:
    """ "2026-11-01 00:00 ～ 2026-11-30 23:59", or "截至 ..." / "... 起" when one end is open."""

    start, end = minute_text(window.opens_at()), minute_text(window.closes_at())
    if start and end:
        return f"{start} ～ {end}"
    return _("截至 %(end)s") % {"end": end} if end else _("%(start)s 起") % {"start": start}


def eligibility_problems(programme: Programme, code: str, person: Person) -> list[str]:
    """Every rule of the item (and its parents) the person does not meet, in Chinese."""
    problems: list[str] = []
    owner = org_recent(programme.owner_id) if programme.owner_id else None
    if not scope.in_area(owner, org=person.org):
        problems.append(
            _("本计划由%(owner)s组织，只接受其所辖地区的教师（%(org)s不在其中）")
            % {"owner": owner.name, "org": person.org.name}
        )
    profile = getattr(person, "teacher_profile", None)
    for item in programme.rules.lineage(code):
        rules: Eligibility = item.eligibility
        if rules.min_years_teaching is not None:
            years = profile.years_teaching if profile else None
            if years is None or years < rules.min_years_teaching:
                problems.append(
                    _("教龄应不少于 %(n)s 年（登记为 %(have)s）")
                    % {"n": rules.min_years_teaching, "have": _years(years)}
                )
        if rules.titles:
            title = profile.title if profile else "none"
            if title not in rules.titles:
                problems.append(
                    _("职称应为%(want)s（登记为%(have)s）")
                    % {"want": "、".join(_title(t) for t in rules.titles), "have": _title(title)}
                )
        if rules.school_kinds:
            kind = person.org.school_kind
            if kind not in rules.school_kinds:
                problems.append(
                    _("只接受%(want)s的教师（%(org)s为%(have)s）")
                    % {
                        "want": "、".join(_school_kind(k) for k in rules.school_kinds),
                        "org": person.org.name,
                        "have": _school_kind(kind) if kind else _("非学校"),
                    }
                )
        if rules.major_must_match and not (profile and profile.teaching_major.strip()):
            problems.append(_("须与任教专业对口：请先在个人信息中填写任教专业"))
    return list(dict.fromkeys(problems))


def _years(years: int | None) -> str:
    return _("未填写") if years is None else _("%(n)s 年") % {"n": years}


def _title(code: str) -> str:

    return str(dict(TeacherProfile.Title.choices).get(code, code))


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
