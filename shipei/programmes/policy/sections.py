"""The sections of a policy other than the classes' steps: who may enrol and how, quotas, items,
assessment, content, certificates, evaluation forms, the projects' review."""

import string
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, field_validator

from .application_form import ApplicationForm
from .vocab import (
    ChannelCode,
    Count,
    Day,
    DesignationKind,
    Moment,
    OrgKind,
    QuotaScope,
    Role,
    SchoolKind,
    Share,
    Strict,
    Window,
)


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


ComponentKind = Literal["process", "final", "essay", "online_test", "other"]
COMPONENT_KINDS: tuple[str, ...] = ComponentKind.__args__  # type: ignore[attr-defined]


class Component(Strict):
    code: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    label: str
    # What the component is: scored by people (process, final, other), an essay the trainee
    # submits and people score, or an on-line test scored by the platform. Unset, a code that
    # names a kind ("final") is that kind, any other is "other".
    kind: ComponentKind | None = None
    scorers: Count = 1
    scorer_role: str = ""
    weight: Share | None = None
    # How the scorers' scores make the result (the mean unless the policy says otherwise).
    aggregate: Literal["mean", "median", "min"] = "mean"
    test_questions: Annotated[int, Field(ge=1, le=200)] | None = None  # per paper
    test_minutes: Annotated[int, Field(ge=1, le=600)] | None = None

    @property
    def kind_of(self) -> str:
        if self.kind is not None:
            return self.kind
        return self.code if self.code in COMPONENT_KINDS else "other"


class Assessment(Strict):
    components: list[Component] = []
    pass_mark: Annotated[Decimal, Field(ge=0, le=100)] | None = None
    retries: Count = 0
    absence_limit_hours: Annotated[Decimal, Field(ge=0)] | None = None
    essay_min_chars: Count | None = None
    process_pass_before_final: bool = False


class Content(Strict):
    practice_share_min: Share | None = None  # of the schedule's class hours
    video_share_min: Share | None = None  # of the resource package's minutes
    # Self-paced learning counts one class hour (学时) per this many minutes watched.
    minutes_per_hour: Annotated[int, Field(ge=1, le=240)] = 45


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
    # 004: 参训申请表 (附件1), filled by the trainee
    application_form: ApplicationForm | None = None


class Quota(Strict):
    scope: QuotaScope
    table: str | None = None  # the notice's own table, one of the programme's PrintedTables
    held_from: Literal["submission", "approval"] = "submission"


class BaseCaps(Strict):
    """Caps on published projects per kind of base (notice 002: 3 / 20 / 15)."""

    per_kind: dict[DesignationKind, Count] = {}
    each_class_counts_as_project: bool = False
    adjusted_by_performance: bool = False


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
    # An anonymous form's results are shown for a class only with at least this many answers.
    min_responses: Annotated[int, Field(ge=1, le=100)] = 5


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


class CapBand(Strict):
    """Totals from ``min_total`` up to the next band's change next year's cap by ``change``
    (a number of projects, or a percentage of this year's cap)."""

    min_total: Annotated[Decimal, Field(ge=0, le=100)]
    change: Annotated[int, Field(ge=-100, le=100)]


class Appraisal(Strict):
    """The annual assessment of the training bases (notice 002, 三(六): 随机抽检和年度考核相结合;
    二: 根据项目执行情况对基地发布数量进行动态调整): a weighted score per base from the
    indicators named here by code (the appraisal app's registry), and the change of next year's
    cap that each band of scores proposes."""

    weights: dict[Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$", max_length=40)], Decimal] = {}
    cap_change: Literal["delta", "percent"] = "delta"
    bands: list[CapBand] = []
    # An adjusted cap never falls below this (a base keeps at least one project).
    min_cap: Count = 1

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        negative = sorted(code for code, weight in value.items() if weight < 0)
        if negative:
            raise ValueError("指标权重不能为负数：" + "、".join(negative))
        if value and sum(value.values()) <= 0:
            raise ValueError("各项指标的权重之和须大于 0")
        return value

    @field_validator("bands")
    @classmethod
    def _bands(cls, value: list[CapBand]) -> list[CapBand]:
        starts = [band.min_total for band in value]
        if len(set(starts)) != len(starts):
            raise ValueError("分数段的起点不能重复")
        return sorted(value, key=lambda band: band.min_total)

    def band_for(self, total: Decimal) -> CapBand | None:
        """The band a total falls in: the highest whose start it reaches."""
        return next((b for b in reversed(self.bands) if total >= b.min_total), None)
