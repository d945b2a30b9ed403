"""A programme's policy: everything that differs between notices, as typed, validated data.

Version 1 of the schema. Unknown keys and wrong types are refused with Chinese messages
(``policy_errors``), so that an admin's edit or a preset file cannot carry a typo silently.
Old programmes keep the version they were made with (``Programme.policy_version``).
"""

import datetime
import string
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils.translation import gettext_lazy as _
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from shipei.core import dates
from shipei.core.clock import SHANGHAI

# The words for the policy's codes wherever they are shown (the editor, the programme page, the
# enrollment pages): one wording each.
CHANNEL_LABELS = {
    "self_registration": _("个人报名"),
    "nomination": _("学校推荐"),
    "signup_table": _("院校报送报名表"),
    "coordinator_enrollment": _("学校联系人报名"),
}
QUOTA_SCOPE_LABELS = {
    "province": _("按省分配"),
    "city": _("按市分配"),
    "school": _("按校分配"),
    "base": _("按基地分配"),
    "none": _("不分配名额"),
}


Role = Literal[
    "national_admin",
    "expert_reviewer",
    "provincial_admin",
    "city_admin",
    "school_coordinator",
    "base_admin",
    "core_teacher",
    "trainee",
]
DesignationKind = Literal[
    "principal_base",
    "dual_teacher_base",
    "enterprise_practice_base",
    "research_centre",
    "integrated_base",
    "x_evaluation_org",
    "provincial_base",
]
SchoolKind = Literal[
    "secondary",
    "higher",
    "undergrad_vocational",
    "undergrad_applied",
    "technical",
    "general_high",  # 普通高中
    "undergrad_general",  # 普通本科
]
# The kinds of organisation teachers come from (orgs.Organisation.Kind).
OrgKind = Literal["school", "enterprise", "research_institute", "other"]
ChannelCode = Literal[
    "self_registration",  # 000; 004 附件1 with employer endorsement
    "nomination",  # 001, 003: the school nominates
    "signup_table",  # 001: universities send the 附件3 table
    "coordinator_enrollment",  # 002: the school coordinator enrolls
]
QuotaScope = Literal["province", "city", "school", "base", "none"]
# Roles that may take an approval step: those over an organisation that answers for teachers.
APPROVER_ROLES = (
    "national_admin",
    "provincial_admin",
    "city_admin",
    "school_coordinator",
    "base_admin",
)
Share = Annotated[Decimal, Field(ge=0, le=1)]


def _in_range(value: Any, info: ValidationInfo) -> Any:
    # Only a policy being saved (parse_policy(..., typed=True)): one saved before the rule
    # must still read.
    if info.context == TYPED and (message := dates.out_of_range(value)):
        raise ValueError(message)
    return value


# Within the platform's years when typed: a year 9999 is a slip of the keyboard (core.dates).
TYPED = {"typed": True}
Day = Annotated[datetime.date, AfterValidator(_in_range)]
# A date stays a date ("5月6日前" ends at 23:59:59 that day); a time of day makes a datetime.
Moment = Annotated[
    datetime.date | datetime.datetime,
    Field(union_mode="left_to_right"),
    AfterValidator(_in_range),
]
Count = Annotated[int, Field(ge=0)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(Strict):
    """A span of dates or times. A date-only end means 23:59:59 Asia/Shanghai of that day."""

    opens: Moment | None = None
    closes: Moment | None = None

    def opens_at(self) -> datetime.datetime | None:
        if isinstance(self.opens, datetime.datetime):
            return self.opens if self.opens.tzinfo else self.opens.replace(tzinfo=SHANGHAI)
        if isinstance(self.opens, datetime.date):
            return datetime.datetime.combine(self.opens, datetime.time.min, SHANGHAI)
        return None

    def closes_at(self) -> datetime.datetime | None:
        if isinstance(self.closes, datetime.datetime):
            return self.closes if self.closes.tzinfo else self.closes.replace(tzinfo=SHANGHAI)
        if isinstance(self.closes, datetime.date):
            return datetime.datetime.combine(self.closes, datetime.time(23, 59, 59), SHANGHAI)
        return None

    def contains(self, moment: datetime.datetime) -> bool:
        start, end = self.opens_at(), self.closes_at()
        return (start is None or moment >= start) and (end is None or moment <= end)

    @model_validator(mode="after")
    def _ordered(self) -> "Window":
        start, end = self.opens_at(), self.closes_at()
        if start and end and end < start:
            raise ValueError("结束时间早于开始时间")
        return self


class Prerequisite(Strict):
    """Another item of the programme the teacher must have reached first (phase B after A)."""

    item: str = Field(min_length=1, max_length=40)
    state: Literal["admitted", "completed"] = "completed"


class Eligibility(Strict):
    """Who may take part in an item; every rule given must hold (notice 001 differs per kind).

    Each rule refuses with its name and the teacher's value (``enrollment.terms``)."""

    min_years_teaching: Count | None = None
    titles: list[Literal["senior_full", "senior", "intermediate", "junior", "none"]] | None = None
    org_kinds: list[OrgKind] | None = None
    school_kinds: list[SchoolKind] | None = None
    # Age in whole years on ``age_on`` (else the day registration opens), from the ID number.
    min_age: Count | None = None
    max_age: Count | None = None
    age_on: Day | None = None
    # The teacher's 专业类 (职业教育专业目录) must be one of these; with ``major_must_match`` it
    # must be one of the project's field classes.
    major_classes: list[str] = []
    major_must_match: bool = False
    # Not live in another programme of the same year, of the same kind (``Programme.kind``), or
    # with both set of the same year and kind; nor in any of these programmes (codes).
    not_elsewhere_same_year: bool = False
    not_elsewhere_same_kind: bool = False
    not_in_programmes: list[str] = []
    requires: list[Prerequisite] = []
    audiences: list[str] = []  # who the notice addresses, as printed (校领导, 骨干教师, ...)
    # Conditions checked by people (research projects, awards), as printed: shown to the teacher
    # when applying and to every approver.
    other: list[str] = []


class ApprovalStep(Strict):
    role: Role
    label: str
    deadline: Day | None = None


class Component(Strict):
    code: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    label: str
    scorers: Count = 1
    scorer_role: str = ""
    weight: Share | None = None


class Assessment(Strict):
    components: list[Component] = []
    pass_mark: Annotated[Decimal, Field(ge=0, le=100)] | None = None
    retries: Count = 0
    absence_limit_hours: Annotated[Decimal, Field(ge=0)] | None = None
    essay_min_chars: Count | None = None
    process_pass_before_final: bool = False


class Content(Strict):
    practice_share_min: Share | None = None
    video_share_min: Share | None = None


class Item(Strict):
    """A phase, specialty field, course, project kind or level × category of the programme."""

    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    label: str = Field(min_length=1, max_length=100)
    # Other names the notice or the lists use for it (003: 铁道运输 in its tables, 铁路运输 in
    # its text): imports and searches take them as the label.
    aliases: list[str] = []
    kind: Literal["phase", "field", "course", "training_kind", "project", "level_category"]
    parent: str | None = None
    hours: Annotated[Decimal, Field(ge=0)] | None = None
    days: Count | None = None
    fee_cap_yuan: Count | None = None
    mode: str = ""
    host: str = ""  # 承办/承训单位 as the notice names it
    training: Window | None = None
    registration: Window | None = None
    planned_seats: Count | None = None
    eligibility: Eligibility = Eligibility()
    # What the item sets for itself; unset, the programme's (or its parent item's) holds.
    channels: list[ChannelCode] | None = None
    approval_chain: list[ApprovalStep] | None = None
    quota_scope: QuotaScope | None = None
    content: Content | None = None
    assessment: Assessment | None = None
    base: str = Field("", max_length=100)  # the training base that runs it (机构全称)


class Enrollment(Strict):
    channels: list[ChannelCode] = Field(min_length=1)
    approval_chain: list[ApprovalStep] = []
    window: Window | None = None
    # The last moment a teacher may withdraw (撤回报名); none: until the training starts.
    cancellation_deadline: Moment | None = None
    seat_released_by: list[Literal["rejection", "withdrawal", "no_show"]] = [
        "rejection",
        "withdrawal",
    ]
    substitutions_allowed: bool = True
    one_active_per: Literal["programme", "item", "none"] = "item"
    waitlist: bool = False  # when seats are gone, queue requests and fill freed seats in order
    participant_list_to: str = ""  # 003: the province submits its list to the project office
    participant_list_scan: bool = False  # 003: with the scan of the stamped (加盖公章) sheet


class Quota(Strict):
    scope: QuotaScope
    table: str | None = None  # the notice's own table, one of the programme's PrintedTables
    held_from: Literal["submission", "approval"] = "submission"


class BaseCaps(Strict):
    """Caps on published projects per kind of base (notice 002: 3 / 20 / 15)."""

    per_kind: dict[DesignationKind, Count] = {}
    each_class_counts_as_project: bool = False
    adjusted_by_performance: bool = False


# The steps of a class's lifecycle (DOMAIN.md §5) that a programme may use, in their order: a
# semi-annual plan of classes, the application to open one, its core teachers, the training plan
# filed, approved by the province, recorded by the national centre. None (002): a class comes
# with its project's application and is run as part of it.
ClassStep = Literal[
    "semiannual_plan",
    "application",
    "staffing",
    "plan_filing",
    "province_approval",
    "centre_record",
]
CLASS_STEPS: tuple[str, ...] = ClassStep.__args__  # type: ignore[attr-defined]
# A deadline counted back from a class's start, and the step it bounds.
ClassMilestone = Literal["class_application", "core_teacher_recommendation", "plan_filing"]
MILESTONE_STEPS = {
    "class_application": "application",
    "core_teacher_recommendation": "staffing",
    "plan_filing": "plan_filing",
}
# Which steps need which before them.
_STEP_NEEDS = {
    "semiannual_plan": "application",
    "staffing": "application",
    "province_approval": "plan_filing",
    "centre_record": "province_approval",
}


class Classes(Strict):
    max_size: Count | None = None
    staff: dict[str, Count] = {}  # role in class -> how many (004: 2 teaching + 3 assessing)
    # 004: application 40, recommendation and invitations 35, plan filing 30
    milestones_days_before_start: dict[ClassMilestone, Count] = {}
    length_days: dict[str, Count] = {}  # by level (004: 一级 8, 二级 9, 三级 7) or project kind
    steps: list[ClassStep] = []

    @model_validator(mode="after")
    def _steps_consistent(self) -> "Classes":
        problems = [
            f"环节“{STEP_WORDS[step]}”须同时启用“{STEP_WORDS[need]}”"
            for step, need in _STEP_NEEDS.items()
            if step in self.steps and need not in self.steps
        ]
        problems += [
            f"工作节点“{MILESTONE_WORDS[code]}”对应的环节“{STEP_WORDS[step]}”未启用"
            for code, step in MILESTONE_STEPS.items()
            if code in self.milestones_days_before_start and step not in self.steps
        ]
        if problems:
            raise ValueError("；".join(problems))
        return self

    def uses(self, step: str) -> bool:
        return step in self.steps

    def days_before(self, milestone: str) -> int | None:
        """How many days before the start `milestone` falls due; None where not set."""
        return self.milestones_days_before_start.get(milestone)  # type: ignore[call-overload]

    def length_for(self, labels: list[tuple[str, str]]) -> tuple[str, int] | None:
        """The longest a class may run, by the first of its item's (code, label) pairs, nearest
        first, that ``length_days`` names (004: "二级" for 二级·机械类): (name, days)."""
        for code, label in labels:
            for key in (code, label):
                if key in self.length_days:
                    return key, self.length_days[key]
        return None


# The words for the steps and milestones in the policy's own messages (the editor's labels
# are programmes.forms.labels').
STEP_WORDS = {
    "semiannual_plan": "半年培训计划",
    "application": "开班申请",
    "staffing": "骨干教师选聘",
    "plan_filing": "培训方案报备",
    "province_approval": "省级审核",
    "centre_record": "部指导中心备案",
}
MILESTONE_WORDS = {
    "class_application": "开班申请",
    "core_teacher_recommendation": "推荐骨干教师",
    "plan_filing": "培训方案备案",
}


# The parts a certificate number is made of: the year, the programme's code, a serial number.
NUMBER_FIELDS = ("year", "programme", "serial")


def number_format_parts(fmt: str) -> list[tuple[str, str | None, str]]:
    """A certificate number format as (text, field, format spec) parts, the way ``str.format``
    reads it; ValueError for unpaired braces."""
    return [(text, name, spec or "") for text, name, spec, _c in string.Formatter().parse(fmt)]


class Certificate(Strict):
    issuer: str = ""
    electronic: bool = True
    number_format: str = "{year}{programme}{serial:06d}"
    # One certificate per enrollment (its item), or per phase: a field's names its phase (000).
    per: Literal["item", "phase"] = "item"
    # The training base that ran the class issues it (004: 培训机构核发), rather than ``issuer``.
    issued_by_base: bool = False
    # Besides the training completed and its hours: every required component passed, and the
    # evaluation forms filled in (004: 结束评估表 before the certificate).
    after_assessment: bool = True
    after_evaluation: bool = False

    @field_validator("number_format")
    @classmethod
    def _number_format(cls, value: str) -> str:
        try:
            names = [name for _t, name, _s in number_format_parts(value) if name is not None]
        except ValueError:
            raise ValueError("花括号应成对出现，如 {year}{programme}{serial:06d}") from None
        unknown = [name or "{}" for name in names if name not in NUMBER_FIELDS]
        if unknown:
            raise ValueError(
                "只能使用 {year}、{programme}、{serial}，不能使用 " + "、".join(unknown)
            )
        if "serial" not in names:
            raise ValueError("须含流水号 {serial}，否则证书编号会重复")
        try:
            value.format(year=2026, programme="X", serial=1)
        except (ValueError, TypeError):
            raise ValueError(
                "格式有误：流水号可写作 {serial} 或 {serial:06d}（6 位，不足补 0）"
            ) from None
        return value


class Credit(Strict):
    counts_as_continuing_education: bool = False


class EvaluationForm(Strict):
    code: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    label: str
    respondent: Role | Literal["institution"]
    anonymous: bool = False


class Milestone(Strict):
    code: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    label: str
    due: Day


class Criterion(Strict):
    """One point of the expert review (002: the 条件审查 of 目标定位, 内容设计, ...)."""

    code: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    label: str = Field(min_length=1, max_length=100)
    max_score: Annotated[int, Field(ge=1, le=1000)] = 10


class Projects(Strict):
    """How training bases apply projects under the programme, and how experts review them."""

    application: Window | None = None
    review_criteria: list[Criterion] = []
    experts_per_project: Annotated[int, Field(ge=1, le=20)] = 1


class PolicyV1(Strict):
    version: Literal[1] = 1
    items: list[Item] = Field(min_length=1)
    enrollment: Enrollment
    quota: Quota
    projects: Projects = Projects()
    base_caps: BaseCaps = BaseCaps()
    classes: Classes = Classes()
    assessment: Assessment = Assessment()
    content: Content = Content()
    certificate: Certificate = Certificate()
    credit: Credit = Credit()
    evaluation: list[EvaluationForm] = []
    milestones: list[Milestone] = []

    @model_validator(mode="after")
    def _items_consistent(self) -> "PolicyV1":
        codes = [i.code for i in self.items]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValueError(f"培训项目代码重复：{'、'.join(duplicates)}")
        unknown = sorted({i.parent for i in self.items if i.parent and i.parent not in codes})
        if unknown:
            raise ValueError(f"上级项目代码不存在：{'、'.join(unknown)}")
        problems = [p for item in self.items for p in self._item_problems(item, codes)]
        problems += _chain_problems("审核流程", self.enrollment.approval_chain)
        if problems:
            raise ValueError("；".join(problems))
        return self

    def _item_problems(self, item: Item, codes: list[str]) -> list[str]:
        """What an item states that contradicts the rest of the policy, each with its place."""
        where = f"培训项目 {item.code}（{item.label}）"
        out = []
        outer = self.enrollment.window
        if item.registration and outer and not _within(item.registration, outer):
            out.append(f"{where}的报名时间超出计划的报名时间")
        rules = item.eligibility
        if None not in (rules.min_age, rules.max_age) and rules.min_age > rules.max_age:
            out.append(f"{where}的最低年龄大于最高年龄")
        for need in rules.requires:
            if need.item not in codes:
                out.append(f"{where}的先修项目 {need.item} 不存在")
            elif need.item == item.code or item.code in self._ancestors(need.item):
                out.append(f"{where}不能以自身或其下级项目为先修项目")
        if item.channels is not None and not item.channels:
            out.append(f"{where}的报名方式不能为空（不单独设置请留空）")
        if item.approval_chain is not None:
            out += _chain_problems(f"{where}的审核流程", item.approval_chain)
        return out

    def _ancestors(self, code: str) -> list[str]:
        out, item = [], self.item(code)
        while item.parent:
            out.append(item.parent)
            item = self.item(item.parent)
        return out

    def item(self, code: str) -> Item:
        return next(i for i in self.items if i.code == code)

    def lineage(self, code: str) -> list[Item]:
        """The item and its parents, nearest first: a field inherits its phase's rules."""
        out, item = [], self.item(code)
        while item is not None:
            out.append(item)
            item = self.item(item.parent) if item.parent else None
        return out

    def inherited(self, code: str, name: str) -> Any:
        """The item's own setting `name`, else its nearest parent's; None if none sets it."""
        for item in self.lineage(code):
            value = getattr(item, name)
            if value is not None and value != "":
                return value
        return None

    def chain_for(self, code: str) -> list[ApprovalStep]:
        """The approval chain of an item: its own, its parent's, else the programme's."""
        found = self.inherited(code, "approval_chain")
        return self.enrollment.approval_chain if found is None else found

    def channels_for(self, code: str) -> list[str]:
        found = self.inherited(code, "channels")
        return self.enrollment.channels if found is None else found

    def quota_scope_for(self, code: str) -> str:
        return self.inherited(code, "quota_scope") or self.quota.scope

    def content_for(self, code: str) -> Content:
        return self.inherited(code, "content") or self.content

    def assessment_for(self, code: str) -> Assessment:
        return self.inherited(code, "assessment") or self.assessment

    def base_for(self, code: str) -> str:
        """The training base an item names (机构全称), its own or its parent's; "" if none."""
        return self.inherited(code, "base") or ""

    def class_length(self, code: str) -> tuple[str, int] | None:
        """The longest a class of item `code` may run: (the level or kind that sets it, days)."""
        try:
            lineage = self.lineage(code)
        except StopIteration:
            return None
        return self.classes.length_for([(i.code, i.label) for i in lineage])

    def registration_for(self, code: str) -> Window | None:
        """The item's registration window, else its parent's, else the programme's."""
        return self.inherited(code, "registration") or self.enrollment.window

    def all_channels(self) -> list[str]:
        """Every channel some item of the programme takes, the programme's first."""
        out = list(self.enrollment.channels)
        for item in self.items:
            out += [c for c in item.channels or [] if c not in out]
        return out

    def chains(self) -> list[list[ApprovalStep]]:
        """Every distinct chain the programme's enrollments can take (the programme's and the
        items' own)."""
        out: list[list[ApprovalStep]] = []
        for chain in [
            self.enrollment.approval_chain,
            *(self.chain_for(i.code) for i in self.items),
        ]:
            if chain not in out:
                out.append(chain)
        return out

    def leaves(self) -> list[Item]:
        """The items one enrolls or applies for: those without items under them (a phase's
        fields, a level's categories), in the policy's order."""
        parents = {i.parent for i in self.items if i.parent}
        return [i for i in self.items if i.code not in parents]


def _within(inner: Window, outer: Window) -> bool:
    """Whether `inner` lies inside `outer` (an open end of `outer` holds anything)."""
    lo, hi = outer.opens_at(), outer.closes_at()
    start, end = inner.opens_at(), inner.closes_at()
    if lo and (start is None or start < lo):
        return False
    return not (hi and (end is None or end > hi))


def _chain_problems(where: str, chain: list[ApprovalStep]) -> list[str]:
    """Steps no holder could take: a role that answers for no teachers' enrollments. (A base's
    step that no enrollment can reach depends on the projects: ``programmes.services``.)"""
    return [
        f"{where}第 {index} 步（{step.label}）的角色不能审核报名"
        for index, step in enumerate(chain, start=1)
        if step.role not in APPROVER_ROLES
    ]


SCHEMAS: dict[int, type[PolicyV1]] = {1: PolicyV1}
CURRENT_VERSION = 1

_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不允许的字段（可能拼写有误）",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为“是”或“否”（true/false）",
    "bool_type": "应为“是”或“否”（true/false）",
    "string_type": "应为文字",
    "date_from_datetime_parsing": "应为日期，如 2024-05-06",
    "date_parsing": "应为日期，如 2024-05-06",
    "datetime_parsing": "应为时间，如 2024-05-06 09:00",
    "literal_error": "不是可选的值",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "too_short": "不能为空",
    "string_too_short": "不能为空",
    "int_from_float": "应为整数",
    "finite_number": "应为有限的数字",
    "decimal_type": "应为数字",
    "date_type": "应为日期，如 2024-05-06",
    "datetime_type": "应为时间，如 2024-05-06 09:00",
    "datetime_from_date_parsing": "应为日期或时间，如 2024-05-06 或 2024-05-06 09:00",
    "date_from_datetime_inexact": "应为日期（不含时间），如 2024-05-06",
    "string_too_long": "过长",
    "string_pattern_mismatch": "只能包含字母、数字、下划线、点和连字符",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
}


def policy_errors(exc: ValidationError) -> list[str]:
    """Each problem as "位置：原因" in Chinese, e.g. "enrollment.channels.0：不是可选的值"."""
    out: list[str] = []
    seen: set[str] = set()
    for error in exc.errors():
        where = ".".join(str(p) for p in _place(error)) or "policy"
        reason = _MESSAGES.get(error["type"])
        if reason is None:
            # Our own validators say why in Chinese; pydantic's other texts are English.
            reason = str(error.get("ctx", {}).get("error") or "格式或取值不正确")
        if where in seen:  # one reason per place: a date-or-time fails as both
            continue
        seen.add(where)
        out.append(f"{where}：{reason}")
    return out


_UNION_TAGS = {"date", "datetime"}
_UNION_TYPES = {
    "date_parsing",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
    "datetime_parsing",
    "datetime_from_date_parsing",
    "date_type",
    "datetime_type",
}


def _place(error: Any) -> list[Any]:
    """The error's location without pydantic's union member tags (``literal[...]``, ``date``)
    and dict key markers, which mean nothing to an admin."""
    loc = [p for p in error["loc"] if not (isinstance(p, str) and p.startswith(("literal[", "[")))]
    if error["type"] in _UNION_TYPES and loc and loc[-1] in _UNION_TAGS:
        loc = loc[:-1]
    return loc


def parse_policy(data: Any, *, version: int = CURRENT_VERSION, typed: bool = False) -> PolicyV1:
    """Validate raw policy data (JSON) against the schema of `version`; raises ValidationError.
    `typed`: the policy is being saved, so its dates must lie in the platform's years."""
    return SCHEMAS[version].model_validate(data, context=TYPED if typed else None)
