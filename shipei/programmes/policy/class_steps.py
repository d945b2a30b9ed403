"""The steps of a class's lifecycle a programme uses, and the deadlines that bound them."""

from typing import Literal

from pydantic import model_validator

from .vocab import Count, Strict

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
