"""Version 1 of the policy as a whole: its sections, the checks across them, and the reading of
an item's settings with those it inherits."""

import functools
from typing import Any, Literal

from pydantic import Field, ValidationInfo, model_validator

from .class_steps import Classes
from .sections import (
    Appraisal,
    ApprovalStep,
    Assessment,
    BaseCaps,
    Certificate,
    Content,
    Credit,
    Enrollment,
    EvaluationForm,
    Item,
    Milestone,
    Projects,
    Quota,
)
from .vocab import APPROVER_ROLES, TYPED, Strict, Window


class PolicyV1(Strict):
    version: Literal[1] = 1
    items: list[Item] = Field(min_length=1)
    enrollment: Enrollment
    quota: Quota
    projects: Projects = Projects()
    base_caps: BaseCaps = BaseCaps()
    appraisal: Appraisal = Appraisal()
    classes: Classes = Classes()
    assessment: Assessment = Assessment()
    content: Content = Content()
    certificate: Certificate = Certificate()
    credit: Credit = Credit()
    evaluation: list[EvaluationForm] = []
    milestones: list[Milestone] = []

    @model_validator(mode="after")
    def _items_consistent(self, info: ValidationInfo) -> "PolicyV1":
        codes = [i.code for i in self.items]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValueError(f"培训项目代码重复：{'、'.join(duplicates)}")
        unknown = sorted({i.parent for i in self.items if i.parent and i.parent not in codes})
        if unknown:
            raise ValueError(f"上级项目代码不存在：{'、'.join(unknown)}")
        # Refused when saved (a policy saved before the rule must still read: its lineages stop
        # where the loop closes).
        looped = [code for code, (_chain, loops) in self._walks.items() if loops]
        if looped and info.context == TYPED:
            raise ValueError(f"上级项目不能循环（{'、'.join(looped)}）")
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
        return [item.code for item in self.lineage(code)[1:]]

    def item(self, code: str) -> Item:
        """The item `code`; StopIteration when the policy has none."""
        try:
            return self.items_by_code[code]
        except KeyError:
            raise StopIteration(code) from None

    # A parsed policy is shared and never changes (frozen; model_copy(update=...) would keep
    # these as they were): its items are looked up by code many times a request (every setting
    # an item inherits), and each lookup walked the list.
    @functools.cached_property
    def items_by_code(self) -> dict[str, Item]:
        return {i.code: i for i in self.items}

    @functools.cached_property
    def _walks(self) -> dict[str, tuple[tuple[Item, ...], bool]]:
        """Each item's lineage, and whether its parents lead round a loop (where it stops)."""
        out = {}
        for first in self.items:
            chain, seen, item = [], set(), first
            while item is not None and item.code not in seen:
                chain.append(item)
                seen.add(item.code)
                item = self.items_by_code.get(item.parent) if item.parent else None
            out[first.code] = (tuple(chain), item is not None)
        return out

    def lineage(self, code: str) -> list[Item]:
        """The item and its parents, nearest first: a field inherits its phase's rules."""
        try:
            return list(self._walks[code][0])
        except KeyError:
            raise StopIteration(code) from None

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


def parse_policy(data: Any, *, version: int = CURRENT_VERSION, typed: bool = False) -> PolicyV1:
    """Validate raw policy data (JSON) against the schema of `version`; raises ValidationError.
    `typed`: the policy is being saved, so its dates must lie in the platform's years."""
    return SCHEMAS[version].model_validate(data, context=TYPED if typed else None)
