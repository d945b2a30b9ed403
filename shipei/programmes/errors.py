"""Refusals of programme edits, with Chinese messages (STYLE.md §4)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from shipei.core.errors import DomainError, NotPermitted


class UnknownSection(DomainError):
    code = "unknown_section"
    status = 400
    template = gettext_lazy("没有名为“%(section)s”的政策部分。可编辑的部分：%(known)s。")


class ItemInUse(DomainError):
    code = "item_in_use"
    status = 409
    template = gettext_lazy(
        "培训项目代码 %(codes)s 已被名额或申报项目使用，不能删除或修改代码；"
        "请先调整相关名额和项目，或保留这些代码。"
    )


class PolicyInvalid(ValidationError):
    """The policy does not validate: each problem as "位置：原因" under ``policy``, and as
    (location, reason) pairs in ``problems`` so that a form can show them beside its fields."""

    def __init__(self, problems: list[tuple[tuple[Any, ...], str]]) -> None:
        self.problems = problems
        messages = [f"{'.'.join(str(p) for p in loc) or 'policy'}：{why}" for loc, why in problems]
        super().__init__({"policy": messages})


class ItemMissing(DomainError):
    code = "item_missing"
    status = 409
    template = gettext_lazy(
        "没有代码为 %(code)s 的培训项目，可能已被他人删除或修改代码；请刷新页面后再试。"
    )


class ItemHasChildren(DomainError):
    code = "item_has_children"
    status = 409
    template = gettext_lazy(
        "“%(item)s”下还有 %(count)d 个下级项目，不能删除；请先删除下级项目，或修改它们的上级项目。"
    )


class LastItem(DomainError):
    code = "last_item"
    status = 409
    template = gettext_lazy("培训计划至少要有一个培训项目，不能删除最后一个。")


class NotOwner(NotPermitted):
    """A change to a programme by someone who is not its owner's admin (a province editing the
    ministry's programme, a city the province's): says whose it is."""

    def __init__(self, programme: Any) -> None:
        owner = programme.owner.name if programme.owner_id else gettext_lazy("教育部")
        super().__init__(
            str(
                gettext_lazy("“%(title)s”由%(owner)s主管，只有其管理员可以修改；本次修改未保存。")
                % {"title": programme.title, "owner": owner}
            )
        )
