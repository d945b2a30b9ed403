"""The question bank's Excel import: all or nothing, each problem by row and column."""

import io

import pytest
from openpyxl import Workbook

from shipei.assessment.models import Question
from shipei.assessment.questions import COLUMNS, bank_import, parse_bank
from shipei.assessment.tests.conftest import make_000_class
from shipei.core.errors import NotPermitted


def book(*rows):
    wb = Workbook()
    wb.active.append([c.label for c in COLUMNS])
    for r in rows:
        wb.active.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "题库.xlsx"
    return out


GOOD = [
    ("单选题", "工学一体化课程的载体是？", "典型工作任务", "教材章节", "", "", "", "", "A"),
    ("多选题", "学习任务包括哪些环节？", "明确任务", "制定计划", "评价反馈", "", "", "", "A、C"),
    ("判断题", "过程性考核由考核骨干教师评分。", "", "", "", "", "", "", "错误"),
]


@pytest.fixture
def programme(base_admin):
    return make_000_class(base_admin.org).project.programme


def test_a_clean_file_adds_every_question(programme, national_admin):
    _sheet, rows, problems = parse_bank(
        user=national_admin.user, upload=book(*GOOD), programme=programme
    )
    assert problems == []
    bank_import(actor=national_admin.user, programme=programme, rows=rows)
    found = {q.kind: q.answer for q in Question.objects.filter(programme=programme)}
    assert found == {"single": [0], "multiple": [0, 2], "true_false": [1]}


def test_one_bad_row_keeps_the_whole_file_out_with_each_problem_placed(programme, national_admin):
    bad = [
        *GOOD,
        ("填空题", "？", "", "", "", "", "", "", "A"),
        ("单选题", "只有一个选项", "甲", "", "", "", "", "", "A"),
        ("多选题", "答案越界", "甲", "乙", "", "", "", "", "AD"),
        ("单选题", "工学一体化课程的载体是？", "甲", "乙", "", "", "", "", "B"),
    ]
    _sheet, rows, problems = parse_bank(
        user=national_admin.user, upload=book(*bad), programme=programme
    )
    assert rows == []
    placed = {(p.row, p.column) for p in problems}
    assert placed == {(5, "题型"), (6, "选项B"), (7, "答案"), (8, "题目")}
    assert "不是题型" in str(problems[0]) and str(problems[0]).startswith("第5行“题型”列")
    assert not Question.objects.exists()


def test_a_base_may_not_write_the_programmes_bank(programme, base_admin):
    _sheet, rows, _p = parse_bank(user=base_admin.user, upload=book(*GOOD), programme=programme)
    with pytest.raises(NotPermitted):
        bank_import(actor=base_admin.user, programme=programme, rows=rows)
    assert not Question.objects.exists()
