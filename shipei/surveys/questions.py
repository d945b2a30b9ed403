"""A survey template's questions, and the check of one set of answers against them.

A question is single choice, multiple choice, a scale (1 to ``scale_max``: 5 by default, 3 for
the notices' 3-2-1 tables) or free text, required or not; ``items`` limits it to the classes of
those items or their phases (a level's own content in a form shared by every level).
"""

from typing import Any, Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

TEXT_MAX = 1000


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", max_length=40)
    label: str = Field(min_length=1, max_length=300)
    kind: Literal["single", "multiple", "scale", "text"]
    choices: list[str] = []
    required: bool = True
    scale_max: int = Field(5, ge=2, le=10)
    # The words under the scale's ends ("很差" … "很好").
    scale_labels: tuple[str, str] = ("", "")
    # A heading the question opens (a group of the printed form).
    section: str = ""
    items: list[str] = []

    @model_validator(mode="after")
    def _choices(self) -> "Question":
        if self.kind in ("single", "multiple") and len(self.choices) < 2:
            raise ValueError(_("选择题至少要有两个选项"))
        if self.kind not in ("single", "multiple") and self.choices:
            raise ValueError(_("只有选择题有选项"))
        if len(set(self.choices)) != len(self.choices):
            raise ValueError(_("选项不能重复"))
        return self

    def applies_to(self, lineage: list[str]) -> bool:
        return not self.items or any(code in self.items for code in lineage)

    @property
    def scale(self) -> list[int]:
        return list(range(1, self.scale_max + 1))


_LIST = TypeAdapter(list[Question])


def parse(data: Any) -> list[Question]:
    """The questions of a template; raises ValueError with the first problem in Chinese."""
    try:
        questions = _LIST.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{where}: {first['msg']}") from None
    codes = [q.code for q in questions]
    if len(set(codes)) != len(codes):
        raise ValueError(_("题目代码不能重复"))
    return questions


def dump(questions: list[Question]) -> list[dict[str, Any]]:
    return [q.model_dump(mode="json", exclude_defaults=True) for q in questions]


def clean(questions: list[Question], raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers kept from `raw` (code → str, list of str or int) and the problems, by the
    question's code, each in Chinese. Answers to unknown questions are dropped."""
    answers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for q in questions:
        value = raw.get(q.code)
        values = value if isinstance(value, list) else ([] if value in (None, "") else [value])
        values = [str(v).strip() for v in values if str(v).strip()]
        if not values:
            if q.required:
                problems[q.code] = _("请回答此题。")
            continue
        if q.kind == "text":
            text = "\n".join(values)
            if len(text) > TEXT_MAX:
                problems[q.code] = _("最多 %(n)d 字。") % {"n": TEXT_MAX}
            else:
                answers[q.code] = text
        elif q.kind == "scale":
            if len(values) != 1 or values[0] not in {str(n) for n in q.scale}:
                problems[q.code] = _("请选择 1 至 %(max)d 分。") % {"max": q.scale_max}
            else:
                answers[q.code] = int(values[0])
        else:
            outside = [v for v in values if v not in q.choices]
            if outside:
                problems[q.code] = _("“%(value)s”不是此题的选项。") % {"value": outside[0]}
            elif q.kind == "single" and len(values) != 1:
                problems[q.code] = _("此题只能选一项。")
            else:
                answers[q.code] = values[0] if q.kind == "single" else sorted(set(values))
    return answers, problems
