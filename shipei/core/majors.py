"""The 专业类 of the 职业教育专业目录 (2021): what a teacher's 专业类 is chosen from, what a
programme's major rules and a project's field classes name (data/vocational_majors_2021.json).

A rule may name a 专业类 (计算机类), a 专业大类 (装备制造大类: any of its classes) or a 专业类 of
the 2010 中职 catalogue that notice 001 uses (信息技术类: the classes of the 大类 it became).
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

from .text import clean_name

DATA = Path(__file__).parent / "data" / "vocational_majors_2021.json"


@cache
def _catalogue() -> dict[str, Any]:
    return json.loads(DATA.read_text("utf-8"))


def groups() -> list[tuple[str, list[str]]]:
    """(专业大类, its 专业类 names), in the catalogue's order: the grouped choices of a select."""
    return [(g["name"], [c["name"] for c in g["classes"]]) for g in _catalogue()["groups"]]


@cache
def class_names() -> frozenset[str]:
    return frozenset(name for _group, names in groups() for name in names)


def grouped_choices(blank: str | None = None) -> list[Any]:
    """Choices for a form's select, grouped by 专业大类; with a blank first where given."""
    out: list[Any] = [("", blank)] if blank is not None else []
    return out + [(group, [(n, n) for n in names]) for group, names in groups()]


@cache
def _group_classes() -> dict[str, frozenset[str]]:
    return {group: frozenset(names) for group, names in groups()}


def covered(name: str) -> frozenset[str]:
    """The 专业类 a rule's name stands for: itself, a 大类's classes, or a 2010 中职 class's."""
    name = clean_name(name)
    if name in class_names():
        return frozenset({name})
    by_group = _group_classes()
    if name in by_group:
        return by_group[name]
    legacy = _catalogue()["legacy"]["classes"].get(name)
    if legacy:
        return frozenset().union(*(by_group[g] for g in legacy))
    return frozenset({name})


def is_known(name: str) -> bool:
    """Whether a rule's name is a 专业类, a 专业大类 or a 2010 中职 class of the catalogue."""
    name = clean_name(name)
    return (
        name in class_names()
        or name in _group_classes()
        or name in _catalogue()["legacy"]["classes"]
    )


@cache
def _by_major() -> dict[str, str | None]:
    """Each major (专业) named in the data, with its class; None where two classes name it."""
    out: dict[str, str | None] = {}
    for group in _catalogue()["groups"]:
        for cls in group["classes"]:
            for major in cls["majors"]:
                out[major] = cls["name"] if out.get(major, cls["name"]) == cls["name"] else None
    return out


def class_for_text(text: str) -> str:
    """The 专业类 a free-text 任教专业 names, when it names exactly one: the class itself (计算机类,
    or 计算机 without 类), or a major of one (计算机应用 → 计算机类); "" otherwise."""
    text = clean_name(text)
    if not text:
        return ""
    if text in class_names():
        return text
    if f"{text}类" in class_names():
        return f"{text}类"
    found = _by_major().get(text)
    if found:
        return found
    named = {name for name in class_names() if name in text}
    return named.pop() if len(named) == 1 else ""
