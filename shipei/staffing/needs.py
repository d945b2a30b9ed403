"""What a class asks of the pool: its category and level, its institution, and its places by
role, read from its project and its programme's policy (nothing is stored twice).

Notice 004 runs each level × category as an item (``l3-c1`` 三级·机械类 under ``l3`` 三级): a
class's level is its item's parent's label and its category the rest of its own label. A
programme whose items have no levels gives the item's label as the category, and any level's
core teachers qualify. When planned classes come before their project (the semi-annual plan),
``class_group`` is the one place to read them from the class instead.
"""

from dataclasses import dataclass
from typing import Any

from shipei.programmes.models import Programme
from shipei.programmes.policy import PolicyV1

from .models import StaffRole

_SEPARATORS = "·・.-— "


def staff_roles(rules: PolicyV1) -> dict[str, int]:
    """The core-teacher places of the policy's ``classes.staff`` by role code; a key may be
    the code or its words (notice 004: 授课骨干教师 2, 考核骨干教师 3). Other staff (班务管理教师)
    are the institution's own and not staffed from the pool."""
    words = {str(label): code for code, label in StaffRole.choices}
    out: dict[str, int] = {}
    for key, count in rules.classes.staff.items():
        code = key if key in StaffRole.values else words.get(key.strip())
        if code and count:
            out[code] = out.get(code, 0) + count
    return out


def item_group(rules: PolicyV1, code: str) -> tuple[str, str]:
    """(category, level) of an item: ("机械类", "三级") for 004's ``l3-c1``."""
    try:
        lineage = rules.lineage(code)
    except StopIteration:
        return code, ""
    item = lineage[0]
    parent = lineage[1] if len(lineage) > 1 else None
    if parent is not None and parent.kind == "training_kind":
        category = item.label.removeprefix(parent.label).lstrip(_SEPARATORS) or item.label
        return category, parent.label
    return item.label, ""


@dataclass(frozen=True)
class ClassNeeds:
    category: str
    level: str
    staff: dict[str, int]  # places by role code

    @property
    def label(self) -> str:
        return f"{self.level}·{self.category}" if self.level else self.category


def class_needs(training_class: Any) -> ClassNeeds:
    project = training_class.project
    rules = project.programme.rules
    category, level = item_group(rules, project.item)
    return ClassNeeds(category=category, level=level, staff=staff_roles(rules))


def staffed_programmes() -> list[Programme]:
    """The programmes whose classes take core teachers from the pool."""
    return [p for p in Programme.objects.order_by("-year", "code") if staff_roles(p.rules)]


def vocabulary() -> tuple[list[str], list[str]]:
    """The categories and levels those programmes' classes come in, in their order: what a
    core teacher may be qualified for."""
    categories: dict[str, None] = {}
    levels: dict[str, None] = {}
    for programme in staffed_programmes():
        rules = programme.rules
        for item in rules.leaves():
            category, level = item_group(rules, item.code)
            categories.setdefault(category)
            if level:
                levels.setdefault(level)
    return list(categories), list(levels)
