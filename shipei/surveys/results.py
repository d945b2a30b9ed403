"""A form's results over a set of surveys (a class, a project, a base, the programme), and
their export.

A survey counts only once it has closed and, for an anonymous form, only with at least the
policy's ``min_responses`` answers (k, 5 by default): below that its answers are left out of
every level, so that a project's figures minus its other classes' cannot reveal a small
class. Free text is listed without its author, sorted, never in the order it came in.
"""

import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.core import charts
from shipei.programmes.policy import EvaluationForm

from . import questions as q
from .models import Response, SignedResponse, Survey


@dataclass
class Row:
    label: str  # the option, or the score as stored ("3")
    count: int
    percent: int  # of those who answered the question (a multiple choice adds up past 100)
    shown: str = ""  # how the page names it ("3 分"), if not as stored

    @property
    def display(self) -> str:
        return self.shown or self.label


@dataclass
class QuestionResult:
    question: q.Question
    answered: int
    rows: list[Row] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)

    @property
    def chart_id(self) -> str:
        return f"sv-chart-{self.question.code}"

    @property
    def chart(self) -> dict[str, Any] | None:
        """ECharts' option: one bar an option (a score), its count and percent beside it."""
        if self.question.kind == "text" or not self.answered:
            return None
        counts = [
            {
                "value": r.count,
                "label": {
                    "formatter": _("%(count)d 人 · %(percent)d%%")
                    % {"count": r.count, "percent": r.percent}
                },
            }
            for r in self.rows
        ]
        return charts.hbar(
            [r.display for r in self.rows], [(_("人数"), counts)], values_shown=True, right=96
        )


@dataclass
class Overview:
    """The means of a form's scale questions (those of one scale), one bar a question."""

    scale_max: int
    questions: list[QuestionResult]

    @property
    def title(self) -> str:
        return _("评分题平均分（满分 %(max)d）") % {"max": self.scale_max}

    @property
    def chart_id(self) -> str:
        return f"sv-chart-means-{self.scale_max}"

    @property
    def chart(self) -> dict[str, Any]:
        return charts.hbar(
            [qr.question.label for qr in self.questions],
            [(_("平均分"), [qr.mean for qr in self.questions])],
            value_axis={"min": 0, "max": self.scale_max, "interval": 1},
            values_shown=True,
            right=40,
        )


@dataclass
class Results:
    form: EvaluationForm
    counted: list[Survey]
    withheld: list[tuple[Survey, str]]
    responses: int
    questions: list[QuestionResult]
    signed: list[SignedResponse]
    # The answers each counted survey holds, for the drill-down to its class.
    counts: dict[int, int] = field(default_factory=dict)

    @property
    def by_survey(self) -> list[tuple[Survey, int]]:
        return [(s, self.counts.get(s.pk, 0)) for s in self.counted]

    @property
    def overviews(self) -> list[Overview]:
        """The answered scale questions' means, a chart for each length of scale (3-2-1 and
        1 to 5 cannot share an axis); none when nothing is counted."""
        scales: dict[int, list[QuestionResult]] = {}
        for qr in self.questions:
            if qr.mean is not None:
                scales.setdefault(qr.question.scale_max, []).append(qr)
        return [Overview(scale_max, qrs) for scale_max, qrs in scales.items()]


def withheld_reason(survey: Survey, form: EvaluationForm, count: int) -> str:
    if not survey.is_closed:
        closes = timezone.localtime(survey.closes_at).strftime("%Y-%m-%d %H:%M")
        return _("问卷 %(closes)s 截止，截止后公布结果。") % {"closes": closes}
    if form.anonymous and count < form.min_responses:
        return _("仅 %(n)d 份答卷，少于 %(k)d 份，为保护匿名不公布。") % {
            "n": count,
            "k": form.min_responses,
        }
    return ""


def results(surveys: list[Survey], form: EvaluationForm, questions: list[q.Question]) -> Results:
    counts = Counter(
        Response.objects.filter(survey__in=surveys).values_list("survey_id", flat=True)
    )
    signed_counts = Counter(
        SignedResponse.objects.filter(survey__in=surveys).values_list("survey_id", flat=True)
    )
    counted, withheld = [], []
    for survey in surveys:
        n = counts[survey.pk] if form.anonymous else signed_counts[survey.pk]
        reason = withheld_reason(survey, form, n)
        (withheld.append((survey, reason)) if reason else counted.append(survey))
    signed: list[SignedResponse] = []
    if form.anonymous:
        answers = list(
            Response.objects.filter(survey__in=counted).values_list("answers", flat=True)
        )
    else:
        signed = list(
            SignedResponse.objects.filter(survey__in=counted).select_related(
                "respondent__person", "org", "survey__training_class__project"
            )
        )
        answers = [s.answers for s in signed]
    return Results(
        form=form,
        counted=counted,
        withheld=withheld,
        responses=len(answers),
        questions=[_tally(question, answers) for question in questions],
        signed=signed,
        counts={s.pk: (counts if form.anonymous else signed_counts)[s.pk] for s in counted},
    )


def _tally(question: q.Question, answers: list[dict[str, Any]]) -> QuestionResult:
    given = [a[question.code] for a in answers if question.code in a]
    out = QuestionResult(question, answered=len(given))
    if question.kind == "text":
        out.texts = sorted(str(v) for v in given)
        return out
    if question.kind == "scale":
        labels = [str(n) for n in reversed(question.scale)]
        counter = Counter(str(v) for v in given)
        out.mean = round(sum(int(v) for v in given) / len(given), 2) if given else None
    else:
        labels = list(question.choices)
        counter = Counter(
            v for value in given for v in (value if isinstance(value, list) else [value])
        )
    total = len(given) or 1
    out.rows = [
        Row(
            label,
            counter[label],
            round(100 * counter[label] / total),
            _("%(n)s 分") % {"n": label} if question.kind == "scale" else "",
        )
        for label in labels
    ]
    return out


def workbook(title: str, res: Results) -> bytes:
    """The results as .xlsx: one sheet of counts (and the mean of each scale), one of the free
    text without author; a named form adds a sheet of who answered what."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#E8F1FB", "border": 1})
    ws = book.add_worksheet(_("统计"))
    ws.write_row(0, 0, [title], book.add_format({"bold": True}))
    ws.write_row(1, 0, [_("纳入统计的问卷"), len(res.counted), _("答卷份数"), res.responses])
    ws.write_row(3, 0, [_("题目"), _("选项/分值"), _("人数"), _("占比%"), _("平均分")], bold)
    r = 4
    for qr in res.questions:
        if qr.question.kind == "text":
            continue
        for row in qr.rows:
            ws.write_row(r, 0, [qr.question.label, row.label, row.count, row.percent])
            r += 1
        if qr.mean is not None:
            ws.write_row(r, 0, [qr.question.label, _("平均"), qr.answered, "", qr.mean])
            r += 1
    ws.set_column(0, 0, 48)
    ws.set_column(1, 4, 12)
    texts = book.add_worksheet(_("文字意见"))
    texts.write_row(0, 0, [_("题目"), _("意见")], bold)
    r = 1
    for qr in res.questions:
        for text in qr.texts:
            texts.write_row(r, 0, [qr.question.label, text])
            r += 1
    texts.set_column(0, 1, 48)
    if res.signed:
        named = book.add_worksheet(_("填写人"))
        codes = [qr.question for qr in res.questions]
        named.write_row(
            0, 0, [_("班次"), _("填写人"), _("提交时间"), *[x.label for x in codes]], bold
        )
        for r, s in enumerate(res.signed, start=1):
            named.write_row(
                r,
                0,
                [
                    str(s.survey),
                    author_name(s),
                    timezone.localtime(s.submitted_at).strftime("%Y-%m-%d %H:%M"),
                    *[_cell(s.answers.get(x.code)) for x in codes],
                ],
            )
    book.close()
    return out.getvalue()


def author_name(signed: SignedResponse) -> str:
    if signed.org is not None:
        return signed.org.name
    person = getattr(signed.respondent, "person", None)
    return person.name if person is not None else signed.respondent.get_username()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return "、".join(value) if isinstance(value, list) else str(value)
