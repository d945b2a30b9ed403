"""Tables of the enrollment pages: the scoped list, the approver's to-do with its checkbox
column, and the coordinator's pick of teachers (eligibility shown per teacher)."""

import datetime
from typing import Any

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from shipei.accounts.models import Person
from shipei.core.clock import SHANGHAI, minute_text
from shipei.core.tables import SelectColumn, action_link, card, hide_when_empty, select_box
from shipei.core.templatetags.shipei import status_badge
from shipei.programmes.models import Programme

from . import approvals, terms
from .models import Enrollment


def time_left(moment: datetime.datetime | None, now: datetime.datetime | None = None) -> str:
    """ "还剩 2 天 3 小时" before a deadline (UX.md), "已截止" after it, "" without one."""
    if moment is None:
        return ""
    left = moment - (now or timezone.now())
    if left.total_seconds() <= 0:
        return str(_("已截止"))
    days, hours, minutes = left.days, left.seconds // 3600, left.seconds % 3600 // 60
    if days:
        return str(_("还剩 %(d)s 天 %(h)s 小时")) % {"d": days, "h": hours}
    return str(_("还剩 %(h)s 小时 %(m)s 分钟")) % {"h": hours, "m": minutes}


def window_info(
    programme: Programme, code: str, now: datetime.datetime | None = None
) -> dict[str, Any]:
    """An item's registration window as shown: "2026-03-01 00:00 ～ 2026-03-10 23:59", whether it
    is open now, and the time left until it closes (Asia/Shanghai)."""
    now = now or timezone.now()
    window = terms.registration_window(programme, code)
    if window is None:
        return {"text": str(_("不限")), "open": True, "left": "", "upcoming": False}
    opens, closes = window.opens_at(), window.closes_at()
    text = "{} ～ {}".format(minute_text(opens) or _("即日起"), minute_text(closes) or _("不限"))
    return {
        "text": text,
        "open": window.contains(now),
        "upcoming": bool(opens and now < opens),
        "left": time_left(closes, now) if window.contains(now) else "",
    }


def step_deadline(enrollment: Enrollment) -> dict[str, str] | None:
    """The current approval step's deadline (a date: the end of that day in Shanghai)."""
    if enrollment.status != Enrollment.Status.SUBMITTED:
        return None
    step = approvals.current_step(enrollment)
    if step is None or step.deadline is None:
        return None
    end = datetime.datetime.combine(step.deadline, datetime.time(23, 59, 59), SHANGHAI)
    return {"date": step.deadline.isoformat(), "left": time_left(end)}


def next_text(enrollment: Enrollment) -> str:
    """ "设区市教育局审核（市级管理员）", or "--" once decided."""
    step = approvals.next_step(enrollment)
    if step is None:
        return "--"
    return format_html(
        '{}<br><span class="small text-muted">{}</span>', step["label"], step["role"]
    )


class EnrollmentTable(tables.Table):
    """The scoped list; on a phone each row is a card: the name with the status beside it, the
    item and the current step below, and the row's action (core/tables.py)."""

    person = tables.Column(
        verbose_name=_("姓名"),
        linkify=lambda record: record.get_absolute_url(),
        order_by=("person__name_pinyin",),
        attrs=card("title", nowrap=True),
    )
    id_number = tables.Column(
        verbose_name=_("身份证号"), empty_values=(), orderable=False, attrs=card("minor")
    )
    org = tables.Column(
        verbose_name=_("所在单位"), order_by=("org__name_pinyin",), attrs=card("minor")
    )
    item = tables.Column(verbose_name=_("培训项目"), orderable=False)
    training_class = tables.Column(
        verbose_name=_("班次"), default="--", orderable=False, attrs=card(hide_when_empty())
    )
    status = tables.Column(verbose_name=_("状态"), attrs=card("badge"))
    next = tables.Column(
        verbose_name=_("当前环节（办理人）"),
        empty_values=(),
        orderable=False,
        attrs=card(hide_when_empty()),
    )
    submitted_at = tables.DateTimeColumn(
        verbose_name=_("提交时间"), format="Y-m-d H:i", attrs=card("minor")
    )
    actions = tables.Column(
        verbose_name=_("操作"), empty_values=(), orderable=False, attrs=card("action")
    )

    class Meta:
        model = Enrollment
        fields = (
            "person",
            "id_number",
            "org",
            "item",
            "training_class",
            "status",
            "next",
            "submitted_at",
            "actions",
        )
        order_by = ("-submitted_at",)
        empty_text = _("可调整查询条件，或到“报名教师”为本校教师报名。")

    def render_person(self, record: Enrollment) -> str:
        return record.person.name

    def render_id_number(self, record: Enrollment) -> str:
        return record.person.id_number_masked

    def render_item(self, record: Enrollment) -> str:
        """The item, with its programme under it (one column fewer on a wide screen)."""
        return format_html(
            '{}<br><span class="small text-muted">{}</span>',
            terms.item_label(record),
            record.programme,
        )

    def render_status(self, record: Enrollment) -> str:
        return status_badge(record)

    def render_next(self, record: Enrollment) -> str:
        return next_text(record)

    def render_actions(self, record: Enrollment) -> str:
        return action_link(record.get_absolute_url(), _("查看"), record.person.name)


class AwaitingTable(EnrollmentTable):
    """The approver's to-do: a checkbox a row for the batch decision, and 审核 on each row. The
    rows' links carry ``from=awaiting`` so that the enrollment's page leads back here."""

    selected = SelectColumn()
    # Every row here waits at a step: the card shows it, the wide table needs no column for it.
    status = tables.Column(
        verbose_name=_("状态"),
        orderable=False,
        attrs={
            "td": {"data-card": "badge", "class": "sp-phone-only"},
            "th": {"class": "sp-phone-only"},
        },
    )
    person = tables.Column(
        verbose_name=_("姓名"),
        linkify=lambda record: f"{record.get_absolute_url()}?from=awaiting",
        order_by=("person__name_pinyin",),
        attrs=card("title", nowrap=True),
    )
    deadline = tables.Column(
        verbose_name=_("办理时限"),
        empty_values=(),
        orderable=False,
        attrs=card(hide_when_empty()),
    )

    class Meta(EnrollmentTable.Meta):
        fields = (
            "selected",
            "person",
            "id_number",
            "org",
            "item",
            "training_class",
            "status",
            "next",
            "deadline",
            "submitted_at",
            "actions",
        )
        order_by = ("submitted_at",)
        empty_text = _("当前没有等待您审核的报名。")

    def __init__(self, *args: Any, checked: set[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checked = checked or set()
        self._conditions: dict[tuple[int, str], list[str]] = {}

    def render_selected(self, record: Enrollment) -> str:
        return select_box(record.pk, record.person.name, checked=record.pk in self.checked)

    def render_item(self, record: Enrollment) -> str:
        """The item and its programme; under them, in one line, the conditions the approver
        checks by hand (the policy's free-text eligibility)."""
        shown = super().render_item(record)
        key = (record.programme_id, record.item)
        if key not in self._conditions:  # once per item of the page, not once per row
            self._conditions[key] = terms.conditions_to_check(record.programme, record.item)
        conditions = self._conditions[key]
        if not conditions:
            return shown
        return format_html(
            '{}<br><span class="small sp-conditions">{}{}</span>',
            shown,
            _("须核对："),
            "；".join(conditions),
        )

    def render_deadline(self, record: Enrollment) -> str:
        deadline = step_deadline(record)
        if deadline is None:
            return "--"
        return format_html(
            '{}<br><span class="small">{}</span>', deadline["date"], deadline["left"]
        )

    def render_actions(self, record: Enrollment) -> str:
        url = f"{record.get_absolute_url()}?from=awaiting"
        return action_link(url, _("审核"), record.person.name, primary=True)


class TeacherPickTable(tables.Table):
    """The school's teachers for one item: who may be enrolled, and why not where not."""

    selected = tables.Column(
        verbose_name=_("选择"),
        accessor="pk",
        orderable=False,
        attrs=card(hide_when_empty("check")),
    )
    name = tables.Column(
        verbose_name=_("姓名"), order_by=("name_pinyin",), attrs=card("title", nowrap=True)
    )
    id_number = tables.Column(
        verbose_name=_("身份证号"), empty_values=(), orderable=False, attrs=card("minor")
    )
    org = tables.Column(
        verbose_name=_("所在单位"), order_by=("org__name_pinyin",), attrs=card("minor")
    )
    title = tables.Column(
        verbose_name=_("职称"), accessor="teacher_profile__get_title_display", orderable=False
    )
    years = tables.Column(
        verbose_name=_("教龄（年）"),
        accessor="teacher_profile__years_teaching",
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
        orderable=False,
        default="--",
    )
    major = tables.Column(
        verbose_name=_("任教专业 / 专业类"),
        accessor="teacher_profile__teaching_major",
        empty_values=(),
        orderable=False,
    )
    check = tables.Column(verbose_name=_("报名条件"), empty_values=(), orderable=False)

    class Meta:
        model = Person
        fields = ("selected", "name", "id_number", "org", "title", "years", "major", "check")
        order_by = ("name",)
        empty_text = _("本单位暂无登记任教信息的教师，可到“人员管理”添加或导入。")

    def __init__(
        self,
        *args: Any,
        programme: Programme,
        item: str,
        enrolled: dict[int, Enrollment],
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.programme, self.item, self.enrolled = programme, item, enrolled
        self._problems: dict[int, list[str]] = {}

    def problems(self, person: Person) -> list[str]:
        if person.pk not in self._problems:
            self._problems[person.pk] = terms.eligibility_problems(
                self.programme, self.item, person
            )
        return self._problems[person.pk]

    def render_major(self, record: Person) -> str:
        profile = getattr(record, "teacher_profile", None)
        if profile is None:
            return "--"
        return f"{profile.teaching_major or '--'} / {profile.major_class or _('未选择')}"

    def render_selected(self, record: Person) -> str:
        if record.pk in self.enrolled or self.problems(record):
            return "--"
        return select_box(record.pk, record.name)

    def render_id_number(self, record: Person) -> str:
        return record.id_number_masked

    def render_check(self, record: Person) -> str:
        existing = self.enrolled.get(record.pk)
        if existing is not None:
            return format_html(
                '<a href="{}">{}</a> {}',
                existing.get_absolute_url(),
                _("已报名"),
                status_badge(existing),
            )
        problems = self.problems(record)
        if not problems:
            return format_html('<span class="badge sp-badge-ok">{}</span>', _("符合"))
        return format_html(
            '<span class="badge sp-badge-off">{}</span><ul class="small mb-0 ps-3">{}</ul>',
            _("不符合"),
            format_html_join("", "<li>{}</li>", ((p,) for p in problems)),
        )
