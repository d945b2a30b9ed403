"""Reads of surveys: the programme's forms and their questions, who answers a survey, what a
user has still to fill in, which surveys a user sees, and whether a trainee answered the forms
the certificate waits for.

Who answers comes from the form's ``respondent`` in the policy: a trainee of the class (or of
the project), a core teacher who accepted a role in the class, or the institution (whoever runs
the base's classes, ``class.run``). Everyone who sees the class (``class.view``: the base, the
province and the ministry above it) sees its surveys and, within the rules of ``results``,
their results.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.classes.models import TrainingClass
from shipei.core.errors import NotFound, NotPermitted
from shipei.enrollment.models import Enrollment
from shipei.programmes.models import Programme
from shipei.programmes.policy import EvaluationForm
from shipei.staffing.models import Assignment

from . import questions as q
from .models import Answered, SignedResponse, Survey, SurveyTemplate

RUN = "class.run"
VIEW = "class.view"
MANAGE = "programme.manage"
# Trainees who took part: admitted, in the training, or at its end.
TOOK_PART = (
    Enrollment.Status.ADMITTED,
    Enrollment.Status.ATTENDING,
    Enrollment.Status.PASSED,
    Enrollment.Status.FAILED,
)


def forms(programme: Programme) -> list[EvaluationForm]:
    return list(programme.rules.evaluation)


def form_of(survey: Survey) -> EvaluationForm:
    for form in forms(survey.programme):
        if form.code == survey.form:
            return form
    # A form since removed from the policy: its answers stay, named as it was coded.
    return EvaluationForm(code=survey.form, label=survey.form, respondent="trainee", anonymous=True)


def template_questions(programme: Programme, code: str) -> list[q.Question]:
    row = SurveyTemplate.objects.filter(programme=programme, code=code).first()
    return q.parse(row.questions) if row else []


def survey_questions(survey: Survey) -> list[q.Question]:
    """The template's questions that apply to the survey's item (a level's own content)."""
    rules = survey.programme.rules
    try:
        lineage = [i.code for i in rules.lineage(survey.project.item)]
    except StopIteration:
        lineage = [survey.project.item]
    return [x for x in template_questions(survey.programme, survey.form) if x.applies_to(lineage)]


# ---- who answers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Respondent:
    """Who answers: the trainee's enrollment, or a named author (a user or an institution)."""

    author: str
    enrollment: Enrollment | None = None
    org: Any = None


def _trainee_enrollment(user: Any, survey: Survey) -> Enrollment | None:
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return None
    found = Enrollment.objects.filter(
        person_id=person_id, project_id=survey.project_id, status__in=TOOK_PART
    )
    if survey.training_class_id:
        found = found.filter(training_class_id=survey.training_class_id)
    return found.first()


def respondent(user: Any, survey: Survey) -> Respondent | None:
    """Who `user` answers `survey` as, or None when the survey is not theirs to answer."""
    who = form_of(survey).respondent
    if who == "trainee":
        enrollment = _trainee_enrollment(user, survey)
        return Respondent(f"enrollment:{enrollment.pk}", enrollment) if enrollment else None
    if who == "institution":
        base = survey.project.base
        return Respondent(f"org:{base.pk}", org=base) if scope.allows(user, RUN, base) else None
    if who == "core_teacher" and survey.training_class_id:
        person_id = getattr(user, "person_id", None)
        accepted = Assignment.objects.filter(
            training_class_id=survey.training_class_id,
            core_teacher__person_id=person_id or 0,
            status=Assignment.Status.ACCEPTED,
        ).exists()
        return Respondent(f"user:{user.pk}") if accepted else None
    return None


def has_answered(survey: Survey, who: Respondent) -> bool:
    if form_of(survey).anonymous and who.enrollment is not None:
        return Answered.objects.filter(survey=survey, enrollment=who.enrollment).exists()
    return SignedResponse.objects.filter(survey=survey, author=who.author).exists()


def answers_any(user: Any) -> bool:
    """Whether the menu offers 评价问卷 to someone who sees no survey: a trainee or a core
    teacher of a class with a survey handed out."""
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return False
    projects = Enrollment.objects.filter(person_id=person_id, status__in=TOOK_PART)
    classes = Assignment.objects.filter(
        core_teacher__person_id=person_id, status=Assignment.Status.ACCEPTED
    )
    return Survey.objects.filter(
        Q(project__in=projects.values("project"))
        | Q(training_class__in=classes.values("training_class"))
    ).exists()


def to_fill(user: Any) -> list[Survey]:
    """The open surveys `user` may answer and has not."""
    now = timezone.now()
    person_id = getattr(user, "person_id", None)
    classes = Enrollment.objects.filter(person_id=person_id or 0, status__in=TOOK_PART)
    mine = Q(project__in=classes.values("project")) | Q(
        training_class__in=Assignment.objects.filter(
            core_teacher__person_id=person_id or 0, status=Assignment.Status.ACCEPTED
        ).values("training_class")
    )
    if scope.has_any(user, RUN):
        mine |= scope.orgs_q(user, RUN, via="project__base")
    out = []
    for survey in _related(Survey.objects.filter(mine, closes_at__gt=now)).order_by("closes_at"):
        who = respondent(user, survey)
        if who is not None and not has_answered(survey, who):
            out.append(survey)
    return out


# ---- who builds -------------------------------------------------------------------------------


def programmes_built(user: Any) -> list[Programme]:
    """The programmes with evaluation forms whose templates the user may edit (who manages
    the programme)."""
    if not scope.has_any(user, MANAGE):
        return []
    return [
        p
        for p in Programme.objects.select_related("owner").order_by("-pk")[:200]
        if p.rules.evaluation and scope.allows_programme(user, MANAGE, p)
    ]


def programme_built(user: Any, pk: int) -> Programme:
    programme = Programme.objects.filter(pk=pk).select_related("owner").first()
    if programme is None or not scope.allows_programme(user, MANAGE, programme):
        raise NotFound()
    return programme


# ---- who sees ---------------------------------------------------------------------------------


def visible_q(user: Any) -> Q:
    return scope.orgs_q(user, VIEW, via="project__base")


def visible(user: Any) -> QuerySet[Survey]:
    return _related(Survey.objects.filter(visible_q(user)))


def may_see_any(user: Any) -> bool:
    return scope.has_any(user, VIEW)


def survey_get(user: Any, pk: int) -> Survey:
    """A survey the user answers (``respondent``) or sees (``sees``); any other is missing, as
    a missing one is."""
    survey = _related(Survey.objects.filter(pk=pk)).first()
    if survey is None or (respondent(user, survey) is None and not sees(user, survey)):
        raise NotFound()
    return survey


def runs(user: Any, survey: Survey) -> bool:
    return scope.allows(user, RUN, survey.project.base)


def sees(user: Any, survey: Survey) -> bool:
    return scope.allows(user, VIEW, survey.project.base)


def answer_counts(surveys: list[Survey]) -> dict[int, int]:
    """How many have answered each survey (the has-answered rows and the named answers)."""
    out: Counter[int] = Counter(
        Answered.objects.filter(survey__in=surveys).values_list("survey_id", flat=True)
    )
    out.update(
        SignedResponse.objects.filter(survey__in=surveys).values_list("survey_id", flat=True)
    )
    return dict(out)


def to_open(user: Any) -> list[dict[str, Any]]:
    """The classes the user runs, ended within the last month or still to end, with the forms
    (that have questions) not yet handed out to them."""
    if not scope.has_any(user, RUN):
        return []
    since = timezone.localdate() - datetime.timedelta(days=30)
    classes = list(
        TrainingClass.objects.filter(scope.orgs_q(user, RUN, via="project__base"))
        .filter(ends_on__gte=since)
        .select_related("project__programme", "project__base")
        .order_by("starts_on", "pk")[:50]
    )
    opened = set(
        Survey.objects.filter(training_class__in=classes).values_list("training_class_id", "form")
    )
    templates = set(
        SurveyTemplate.objects.filter(
            programme__in={c.project.programme_id for c in classes}
        ).values_list("programme_id", "code")
    )
    out = []
    for cls in classes:
        programme = cls.project.programme
        wanted = [
            f
            for f in forms(programme)
            if (programme.pk, f.code) in templates and (cls.pk, f.code) not in opened
        ]
        if wanted:
            out.append({"cls": cls, "forms": wanted, "closes_on": cls.ends_on})
    return out


@dataclass(frozen=True)
class Level:
    """The surveys a results page covers, and how it is titled."""

    programme: Programme
    form: EvaluationForm
    title: str
    surveys: list[Survey]


def level(user: Any, params: Any) -> Level:
    """The programme's form (``programme``, ``form``) in the user's scope, narrowed to a
    ``class``, a ``project`` or a ``base`` where the parameters name one."""
    if not may_see_any(user):
        raise NotPermitted()
    programme = Programme.objects.filter(pk=_int(params.get("programme"))).first()
    form = (
        next((f for f in forms(programme) if f.code == params.get("form")), None)
        if programme
        else None
    )
    if programme is None or form is None:
        raise NotFound()
    surveys = visible(user).filter(programme=programme, form=form.code)
    narrow = None
    if params.get("class"):
        surveys = surveys.filter(training_class_id=_int(params["class"]))
        narrow = "class"
    elif params.get("project"):
        surveys = surveys.filter(project_id=_int(params["project"]))
        narrow = "project"
    elif params.get("base"):
        surveys = surveys.filter(project__base_id=_int(params["base"]))
        narrow = "base"
    found = list(surveys.order_by("project__base__name", "project_id", "pk"))
    # Named by what the user sees: a class, project or base out of scope is not named.
    title = str(programme)
    if found and narrow:
        first = found[0]
        title = {
            "class": str(first.training_class),
            "project": str(first.project),
            "base": first.project.base.name,
        }[narrow]
    return Level(programme, form, title, found)


def _int(value: Any) -> int:
    return int(value) if str(value).isdigit() else 0


def _related(qs: QuerySet[Survey]) -> QuerySet[Survey]:
    return qs.select_related("programme", "project__base", "training_class__project")


# ---- the certificate --------------------------------------------------------------------------


def evaluation_problems(enrollment: Enrollment) -> list[str]:
    """The trainee forms handed out to the enrollment's class (or project) that the trainee
    has not answered, each in Chinese (certificates: ``certificate.after_evaluation``)."""
    if not enrollment.project_id:
        return []
    surveys = Survey.objects.filter(project_id=enrollment.project_id).select_related("programme")
    if enrollment.training_class_id:
        surveys = surveys.filter(training_class_id=enrollment.training_class_id)
    out = []
    for survey in surveys:
        form = form_of(survey)
        if form.respondent != "trainee":
            continue
        done = (
            Answered.objects.filter(survey=survey, enrollment=enrollment).exists()
            or SignedResponse.objects.filter(survey=survey, enrollment=enrollment).exists()
        )
        if not done:
            out.append(_("尚未填写《%(form)s》，不能发证。") % {"form": form.label})
    return out
