"""The built-in indicators of the annual base assessment, registered in ``AppConfig.ready``.

Each scores a base 0–100 over the projects of the year's programmes (``Programme.year``) it
runs, or None where it has nothing to go on; the assessment leaves a None out and re-weights
the others (services).
"""

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shipei.certificates.models import Certificate
from shipei.classes.lifecycle import RAN
from shipei.classes.models import TrainingClass
from shipei.enrollment.models import Enrollment
from shipei.programmes.models import Programme
from shipei.projects.models import Project
from shipei.surveys import results as survey_results
from shipei.surveys import selectors as surveys
from shipei.surveys.models import Survey

from .indicators import Indicator, Scores

P = Project.Status
C = TrainingClass.Status
E = Enrollment.Status


def _rate(done: dict[int, int], counted: dict[int, int], base_ids: Sequence[int]) -> Scores:
    return {b: round(100 * done[b] / counted[b], 2) if counted.get(b) else None for b in base_ids}


def execution_rate(year: int, base_ids: Sequence[int]) -> Scores:
    """Classes delivered out of the classes the base committed to (notice 004 附件6's 执行率;
    notice 002: 根据项目执行情况): every class of its projects that were published, counted
    as delivered once it ran (its own state running, assessing or closed, or its project's
    running or completed where classes follow their project), as not delivered when it or its
    project was cancelled, or its start passed without it running. Classes still to start are
    not counted yet."""
    today = timezone.localdate()
    done: dict[int, int] = defaultdict(int)
    counted: dict[int, int] = defaultdict(int)
    rows = TrainingClass.objects.filter(
        project__programme__year=year,
        project__base_id__in=base_ids,
        project__published_at__isnull=False,
    ).values_list("project__base_id", "status", "project__status", "starts_on")
    for base, status, project_status, starts_on in rows:
        ran = status in RAN or (
            project_status in (P.RUNNING, P.COMPLETED) and status != C.CANCELLED
        )
        dropped = status == C.CANCELLED or project_status == P.CANCELLED
        if not ran and not dropped and starts_on > today:
            continue
        counted[base] += 1
        done[base] += ran
    return _rate(done, counted, base_ids)


def pass_rate(year: int, base_ids: Sequence[int]) -> Scores:
    """Trainees who passed out of those who finished: every trainee of the base's projects who
    took part (admitted, attending, passed or failed) and whose training is over (passed or
    failed, or its class ended), counted as passed with the status 已结业 or a valid
    certificate of the programme's item."""
    today = timezone.localdate()
    certified = Certificate.objects.filter(
        enrollment=OuterRef("pk"), status=Certificate.Status.VALID
    )
    rows = (
        Enrollment.objects.filter(
            programme__year=year,
            project__base_id__in=base_ids,
            status__in=(E.ADMITTED, E.ATTENDING, E.PASSED, E.FAILED),
        )
        .annotate(certified=Exists(certified))
        .values_list(
            "project__base_id", "status", "certified", "training_class__ends_on", "project__status"
        )
    )
    done: dict[int, int] = defaultdict(int)
    counted: dict[int, int] = defaultdict(int)
    for base, status, has_certificate, ends_on, project_status in rows:
        over = (
            status in (E.PASSED, E.FAILED)
            or has_certificate
            or (ends_on is not None and ends_on < today)
            or project_status == P.COMPLETED
        )
        if not over:
            continue
        counted[base] += 1
        done[base] += status == E.PASSED or has_certificate
    return _rate(done, counted, base_ids)


def satisfaction(year: int, base_ids: Sequence[int]) -> Scores:
    """The trainees' evaluation of the base's classes (notice 002, 四(三): 匿名评教, 满意度调查):
    every scale answer of the forms trainees fill in, 1 (the worst) to the scale's top as 0 to
    100, averaged over all answers. Only the surveys the surveys app publishes count: closed,
    and for an anonymous form with at least its ``min_responses`` answers (k); a base whose
    surveys are all withheld has no score."""
    points: dict[int, Decimal] = defaultdict(Decimal)
    answers: dict[int, int] = defaultdict(int)
    groups: dict[tuple[int, int, str], list[Survey]] = defaultdict(list)
    for survey in Survey.objects.filter(
        programme__year=year, project__base_id__in=base_ids
    ).select_related("project"):
        groups[(survey.project.base_id, survey.programme_id, survey.form)].append(survey)
    programmes = Programme.objects.in_bulk({p for _b, p, _f in groups})
    for (base, programme_id, code), found in groups.items():
        programme = programmes[programme_id]
        form = next((f for f in surveys.forms(programme) if f.code == code), None)
        if form is None or form.respondent != "trainee":
            continue
        questions = [q for q in surveys.template_questions(programme, code) if q.kind == "scale"]
        if not questions:
            continue
        tally = survey_results.results(found, form, questions)
        for result in tally.questions:
            top = result.question.scale_max
            for row in result.rows:  # one row per point of the scale, with its count
                points[base] += Decimal(int(row.label) - 1) / (top - 1) * 100 * row.count
                answers[base] += row.count
    return {b: round(float(points[b] / answers[b]), 2) if answers[b] else None for b in base_ids}


BUILTIN = (
    Indicator("execution", _("项目执行率"), execution_rate),
    Indicator("pass_rate", _("结业合格率"), pass_rate),
    Indicator("satisfaction", _("学员满意度"), satisfaction),
)
