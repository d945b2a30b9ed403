"""The question bank of a programme's on-line tests, kept by those who manage the programme:
added one by one or imported from Excel. An import checks every row first and shows every
problem by row and column; one problem anywhere and nothing is written."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.audit.services import record
from shipei.core.excel import Column, Problem, Sheet, cell_text, read_sheet
from shipei.core.text import fold
from shipei.programmes.models import Programme

from .models import Question

MANAGE = "programme.manage"
LETTERS = "ABCDEF"
COLUMNS = [
    Column("kind", "题型", required=True, aliases=("类型",), width=10),
    Column("text", "题目", required=True, aliases=("题干",), width=50),
    *(Column(f"option_{x}", f"选项{x}", aliases=(x,), width=24) for x in LETTERS),
    Column("answer", "答案", required=True, aliases=("正确答案", "标准答案"), width=10),
]
KIND_WORDS = {
    **{str(k.label): k.value for k in Question.Kind},
    **{k.value: k.value for k in Question.Kind},
    "单选": Question.Kind.SINGLE,
    "多选": Question.Kind.MULTIPLE,
    "判断": Question.Kind.TRUE_FALSE,
    "是非题": Question.Kind.TRUE_FALSE,
}
TRUE_FALSE = [_("正确"), _("错误")]
TRUE_WORDS = {"对", "正确", "是", "√", "✓", "t", "true", "a"}
FALSE_WORDS = {"错", "错误", "否", "×", "✗", "f", "false", "b"}
NOTES = [
    "题型：单选题、多选题或判断题。",
    "选项：单选题和多选题填写选项A起的至少两个选项，中间不留空；判断题不填选项。",
    "答案：单选题填一个字母（如 B），多选题填两个及以上字母（如 ACD），判断题填“正确”或“错误”。",
    "有任何一行不符合要求时，整个文件都不导入，并列出每一处问题（行、列、原因）。",
]


def may_keep(user: Any, programme: Programme) -> bool:
    return scope.allows_programme(user, MANAGE, programme)


@dataclass
class QuestionRow:
    row: int
    kind: str
    text: str
    options: list[str]
    answer: list[int]


def check_row(values: dict[str, Any]) -> tuple[QuestionRow | None, list[tuple[str, str]]]:
    """One question from its cells, or the (column, reason) problems that keep it out."""
    problems: list[tuple[str, str]] = []
    kind_text = fold(cell_text(values.get("kind")))
    kind = KIND_WORDS.get(kind_text)
    if kind is None:
        problems.append(
            (
                "题型",
                _("“%(v)s”不是题型，请填写单选题、多选题或判断题。") % {"v": kind_text or _("空")},
            )
        )
    body = cell_text(values.get("text"))
    if not body:
        problems.append(("题目", _("题目不能为空。")))
    cells = [cell_text(values.get(f"option_{x}")) for x in LETTERS]
    while cells and not cells[-1]:
        cells.pop()
    answer_text = fold(cell_text(values.get("answer"))).replace(",", "").replace("、", "")
    answer_text = answer_text.replace(" ", "")
    answer: list[int] = []
    if kind == Question.Kind.TRUE_FALSE:
        if cells:
            problems.append(("选项A", _("判断题不填选项。")))
        word = answer_text.lower()
        if word in TRUE_WORDS:
            answer = [0]
        elif word in FALSE_WORDS:
            answer = [1]
        else:
            problems.append(("答案", _("判断题的答案请填写“正确”或“错误”。")))
        cells = [str(w) for w in TRUE_FALSE]
    elif kind is not None:
        if len(cells) < 2 or "" in cells:
            missing = LETTERS[cells.index("")] if "" in cells else LETTERS[len(cells)]
            problems.append(
                (f"选项{missing}", _("选择题至少要有两个选项，且从选项A起依次填写、中间不留空。"))
            )
        letters = answer_text.upper()
        if not letters or any(x not in LETTERS[: len(cells)] for x in letters):
            problems.append(
                (
                    "答案",
                    _("答案“%(v)s”无效：请填写已有选项的字母（%(range)s）。")
                    % {
                        "v": answer_text or _("空"),
                        "range": f"A～{LETTERS[max(len(cells), 1) - 1]}",
                    },
                )
            )
        else:
            answer = sorted({LETTERS.index(x) for x in letters})
            if kind == Question.Kind.SINGLE and len(answer) != 1:
                problems.append(("答案", _("单选题只能有一个答案。")))
            if kind == Question.Kind.MULTIPLE and len(answer) < 2:
                problems.append(("答案", _("多选题至少要有两个答案；只有一个答案请改为单选题。")))
    if problems:
        return None, problems
    return QuestionRow(0, kind, body, cells, answer), []


def parse_bank(
    *, user: Any, upload: Any, programme: Programme
) -> tuple[Sheet, list[QuestionRow], list[Problem]]:
    sheet = read_sheet(upload, COLUMNS)
    rows: list[QuestionRow] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for excel_row, values in sheet.rows:
        found, wrong = check_row(values)
        problems += [Problem(excel_row, column, message) for column, message in wrong]
        if found is None:
            continue
        key = fold(found.text)
        if key in seen:
            problems.append(
                Problem(excel_row, "题目", _("与第%(row)d行的题目重复。") % {"row": seen[key]})
            )
            continue
        seen[key] = excel_row
        found.row = excel_row
        rows.append(found)
    return sheet, ([] if problems else rows), problems


@transaction.atomic
def bank_import(
    *, actor: Any, programme: Programme, rows: list[QuestionRow], filename: str = ""
) -> dict[str, int]:
    """Add the checked rows to the programme's bank, in one go."""
    scope.require_programme(actor, MANAGE, programme)
    Question.objects.bulk_create(
        [
            Question(
                programme=programme, kind=r.kind, text=r.text, options=r.options, answer=r.answer
            )
            for r in rows
        ]
    )
    record(
        actor,
        "assessment.questions_imported",
        programme,
        org=programme.owner,
        count=len(rows),
        filename=filename[:100],
    )
    return {"created": len(rows)}
