"""The words and value types every part of a policy uses: codes with their labels, dates within
the platform's years, and the strict base every section is built on."""

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, model_validator

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
