"""成绩单: a teacher's or a class's trainings with the components and scores of the assessment,
the hours, the hours attended and the certificate number, as .xlsx and PDF (WeasyPrint, the CJK
font embedded)."""

from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone

from shipei.accounts.models import Person
from shipei.assessment import selectors as assessment
from shipei.attendance import selectors as attendance
from shipei.certificates import eligibility
from shipei.certificates.models import Certificate
from shipei.classes.models import TrainingClass
from shipei.core.excel import flat_xlsx
from shipei.enrollment.exports import short_title
from shipei.enrollment.models import CHAIN_COMPLETED, Enrollment
from shipei.enrollment.terms import item_title


@dataclass
class Line:
    enrollment: Enrollment
    programme: str
    title: str
    klass: str
    scores: dict[str, str]  # component label -> "85" or its state
    overall: str
    result: str
    hours: Decimal | None
    attended: Decimal
    number: str


@dataclass
class Transcript:
    title: str
    lines: list[Line]

    @property
    def labels(self) -> list[str]:
        """Every component named by a line, in the order first met."""
        seen: dict[str, None] = {}
        for line in self.lines:
            seen.update(dict.fromkeys(line.scores))
        return list(seen)


def _lines(enrollments: list[Enrollment]) -> list[Line]:
    held = {
        pk: (number, hours)
        for pk, number, hours in Certificate.objects.filter(
            enrollment__in=enrollments, status=Certificate.Status.VALID
        ).values_list("enrollment_id", "number", "hours")
    }
    out = []
    for result in assessment.results(enrollments):
        e = result.enrollment
        scores = {
            c.label: assessment.number(c.attempt.score)
            if c.attempt is not None and c.attempt.score is not None
            else c.state
            for c in result.components
        }
        if not result.components:
            verdict = e.get_status_display()
        else:
            verdict = "合格" if result.passed else "未合格"
        out.append(
            Line(
                enrollment=e,
                programme=short_title(e.programme),
                title=e.project.title if e.project_id else item_title(e.programme, e.item),
                klass=str(e.training_class) if e.training_class_id else "",
                scores=scores,
                overall=assessment.number(result.overall) if result.overall is not None else "",
                result=verdict,
                hours=held[e.pk][1] if e.pk in held else eligibility.facts(e).hours,
                attended=attendance.attended_hours(e),
                number=held[e.pk][0] if e.pk in held else "",
            )
        )
    return out


def _enrollments(qs: object) -> list[Enrollment]:
    return list(
        qs.filter(status__in=CHAIN_COMPLETED)  # type: ignore[attr-defined]
        .select_related(
            "programme__owner", "person__org", "org", "base", "project", "training_class__project"
        )
        .order_by("programme__year", "pk")
    )


def of_person(person: Person) -> Transcript:
    enrollments = _enrollments(Enrollment.objects.filter(person=person))
    return Transcript(f"{person.name} 成绩单", _lines(enrollments))


def of_class(training_class: TrainingClass) -> Transcript:
    enrollments = _enrollments(Enrollment.objects.filter(training_class=training_class))
    return Transcript(f"{training_class} 成绩单", _lines(enrollments))


def _n(value: Decimal | None) -> str:
    return assessment.number(value) if value is not None else ""


def headers(transcript: Transcript) -> list[str]:
    return [
        "姓名",
        "身份证号码",
        "单位",
        "培训计划",
        "培训项目",
        "班次",
        *transcript.labels,
        "总评",
        "考核结果",
        "学时",
        "出勤学时",
        "证书编号",
    ]


def rows(transcript: Transcript) -> list[list[str]]:
    """One row per training, as the sheet and the PDF show it (the ID number masked)."""
    labels = transcript.labels
    return [
        [
            line.enrollment.person.name,
            line.enrollment.person.id_number_masked,
            line.enrollment.org.name,
            line.programme,
            line.title,
            line.klass,
            *[line.scores.get(label, "") for label in labels],
            line.overall,
            line.result,
            _n(line.hours),
            _n(line.attended),
            line.number,
        ]
        for line in transcript.lines
    ]


def xlsx(transcript: Transcript) -> bytes:
    return flat_xlsx(headers(transcript), rows(transcript), title="成绩单")


# The columns of the training (programme, item, class): where every row has the same, the PDF
# says it once above the table, which leaves the narrow page's width to names and scores.
SHARED = (3, 4, 5)


def pdf(transcript: Transcript) -> bytes:
    from weasyprint import HTML

    head, body = headers(transcript), rows(transcript)
    same = [i for i in SHARED if body and len({r[i] for r in body}) == 1]
    facts = [(head[i], body[0][i]) for i in same if body[0][i]]
    keep = [i for i in range(len(head)) if i not in same]
    html = render_to_string(
        "credits/transcript_pdf.html",
        {
            "t": transcript,
            "facts": facts,
            "headers": [head[i] for i in keep],
            "rows": [[r[i] for i in keep] for r in body],
            "today": timezone.localdate(),
        },
    )
    return HTML(string=html).write_pdf()
