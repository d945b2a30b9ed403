"""The application form a trainee fills when applying (notice 004: 参训申请表, 附件1), as data
of the programme's policy (``enrollment.application_form``): its questions in the printed order.

A question is typed by the trainee, or (kind "record") read from the teacher's record (name, ID
number, unit...), so that nothing the register keeps is typed twice and personal data stays
where it is encrypted. A question may be asked only of applicants for some items (004: the
self-assessment of question 19 differs by level).
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FieldKind = Literal["record", "text", "textarea", "choice", "rating", "declaration"]
# What a "record" question shows from the teacher's record (enrollment.application).
RecordFact = Literal[
    "name", "gender", "age", "id_number", "org", "title", "mobile", "email", "major", "post"
]
KIND_WORDS = {
    "record": "取自教师档案",
    "text": "单行文字",
    "textarea": "多行文字",
    "choice": "单选",
    "rating": "逐项评价",
    "declaration": "声明（须勾选确认）",
}


class FormField(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    label: str = Field(min_length=1, max_length=500)
    kind: FieldKind
    required: bool = True
    source: RecordFact | None = None  # kind "record"
    choices: list[str] = []  # "choice": the options; "rating": the scale (较差 一般 较好 很好)
    rows: list[str] = []  # "rating": what is rated, one answer per row
    help: str = Field("", max_length=500)
    max_length: Annotated[int, Field(ge=1, le=5000)] = 1000
    # Asked only of applicants for these items or items under them (codes); none: everyone.
    items: list[str] = []

    @model_validator(mode="after")
    def _complete(self) -> "FormField":
        where = f"问题 {self.code}（{self.label[:20]}）"
        if self.kind == "record" and self.source is None:
            raise ValueError(f"{where}取自教师档案，须指定档案项目（source）")
        if self.kind in ("choice", "rating") and len(self.choices) < 2:
            raise ValueError(f"{where}须至少有两个选项（choices）")
        if self.kind == "rating" and not self.rows:
            raise ValueError(f"{where}须列出评价的内容（rows）")
        return self


class ApplicationForm(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1, max_length=100)
    fields: list[FormField] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> "ApplicationForm":
        codes = [f.code for f in self.fields]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"申请表问题代码重复：{'、'.join(twice)}")
        return self

    def fields_for(self, lineage: list[str]) -> list[FormField]:
        """The questions for an applicant to the item whose lineage (its code and its parents'
        codes) is `lineage`."""
        return [f for f in self.fields if not f.items or set(f.items) & set(lineage)]
