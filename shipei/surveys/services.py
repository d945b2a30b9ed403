"""Writes of surveys: a template's questions, a survey handed out to a class and closed, and
an answer submitted.

Handing a form out, closing it early and editing its questions are audited; submitting an
answer returns nothing and records nothing about it: no audit entry, no log line, no key the
page could put in a redirect (models.py says what the row holds).
"""

import datetime
import random
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from shipei.accounts import scope
from shipei.audit.services import record
from shipei.classes.models import TrainingClass
from shipei.core.errors import NotPermitted
from shipei.programmes.models import Programme
from shipei.projects.models import Project

from . import errors, selectors
from . import questions as q
from .models import Answered, Response, SignedResponse, Survey, SurveyTemplate


def template_save(*, programme: Programme, code: str, questions: Any) -> SurveyTemplate:
    """Keep the questions of the programme's form `code` (a preset's, or the builder's)."""
    if code not in {f.code for f in selectors.forms(programme)}:
        raise errors.UnknownForm(code=code)
    try:
        parsed = q.parse(questions)
    except ValueError as exc:
        raise errors.BadTemplate(reason=str(exc)) from None
    template, _created = SurveyTemplate.objects.update_or_create(
        programme=programme, code=code, defaults={"questions": q.dump(parsed)}
    )
    return template


def template_edit(
    *,
    actor: Any,
    programme: Programme,
    code: str,
    add: dict[str, Any] | None = None,
    remove: str = "",
    up: str = "",
) -> SurveyTemplate:
    """The builder's steps on the template of form `code`: add a question at the end, remove
    one, or move one up. Only those who manage the programme build its forms."""
    scope.require_programme(actor, "programme.manage", programme)
    current = SurveyTemplate.objects.filter(programme=programme, code=code).first()
    rows = list(current.questions) if current else []
    if add is not None:
        taken = {row["code"] for row in rows}
        add = {
            **add,
            "code": add.get("code")
            or next(f"q{n}" for n in range(1, len(rows) + 2) if f"q{n}" not in taken),
        }
        rows.append(add)
    rows = [row for row in rows if row["code"] != remove]
    at = next((i for i, row in enumerate(rows) if row["code"] == up), 0)
    if at > 0:
        rows[at - 1], rows[at] = rows[at], rows[at - 1]
    template = template_save(programme=programme, code=code, questions=rows)
    record(actor, "survey.template_changed", programme, org=programme.owner, form=code)
    return template


def survey_open(
    *,
    actor: Any,
    form: str,
    closes_at: datetime.datetime,
    training_class: TrainingClass | None = None,
    project: Project | None = None,
) -> Survey:
    """Hand out the form `form` to a class (or a project without classes) until `closes_at`."""
    project = training_class.project if training_class is not None else project
    assert project is not None
    programme = project.programme
    if not scope.allows(actor, selectors.RUN, project.base):
        raise NotPermitted()
    found = [f for f in selectors.forms(programme) if f.code == form]
    if not found:
        raise errors.UnknownForm(code=form)
    if not selectors.template_questions(programme, form):
        raise errors.NoQuestions(form=found[0].label)
    if closes_at <= timezone.now():
        raise errors.BadClosing()
    try:
        with transaction.atomic():
            survey = Survey.objects.create(
                programme=programme,
                form=form,
                project=project,
                training_class=training_class,
                closes_at=closes_at,
                opened_by=actor,
            )
    except IntegrityError:
        raise errors.AlreadyOpen(form=found[0].label) from None
    record(actor, "survey.opened", survey, org=project.base, closes_at=closes_at.isoformat())
    return survey


def survey_close(*, actor: Any, survey: Survey) -> None:
    """Close the survey now, before its closing time."""
    if not selectors.runs(actor, survey):
        raise NotPermitted()
    now = timezone.now()
    if survey.closes_at > now:
        Survey.objects.filter(pk=survey.pk).update(closes_at=now)
        survey.closes_at = now
        record(actor, "survey.closed", survey, org=survey.project.base)


@transaction.atomic
def response_submit(*, user: Any, survey: Survey, answers: dict[str, Any]) -> None:
    """Submit `user`'s answers to `survey`: once each, while it is open, every required
    question answered within its choices. Returns nothing: the answer is not theirs to find."""
    survey = (
        Survey.objects.select_for_update().select_related("programme", "project").get(pk=survey.pk)
    )
    form = selectors.form_of(survey)
    who = selectors.respondent(user, survey)
    if who is None:
        raise errors.NotRespondent(form=form.label)
    if survey.is_closed:
        closes = timezone.localtime(survey.closes_at).strftime("%Y-%m-%d %H:%M")
        raise errors.SurveyClosed(form=form.label, closes=closes)
    if selectors.has_answered(survey, who):
        raise errors.AlreadyAnswered(form=form.label)
    cleaned, problems = q.clean(selectors.survey_questions(survey), answers)
    if problems:
        raise errors.BadAnswers(problems)
    if form.anonymous and who.enrollment is not None:
        try:
            with transaction.atomic():
                Answered.objects.create(survey=survey, enrollment=who.enrollment)
        except IntegrityError:
            raise errors.AlreadyAnswered(form=form.label) from None
        _rewrite(survey, cleaned)
        return
    try:
        with transaction.atomic():
            SignedResponse.objects.create(
                survey=survey,
                author=who.author,
                respondent=user,
                org=who.org,
                enrollment=who.enrollment,
                answers=cleaned,
            )
    except IntegrityError:
        raise errors.AlreadyAnswered(form=form.label) from None


def _rewrite(survey: Survey, new: dict[str, Any]) -> None:
    """Store `new` by rewriting the survey's anonymous answers, with it, in a shuffled order
    (SystemRandom) and with new random keys, in the submitting transaction (the survey's row is
    locked). No order is left that follows the order of submission: not the keys, not the
    table's physical order (PostgreSQL's heap, SQLite's rowid), and not PostgreSQL's per-row
    transaction id (``xmin``), which every answer of the survey then shares; otherwise each
    answer's ``xmin`` would equal that of its has-answered row."""
    rows = [*Response.objects.filter(survey=survey).values_list("answers", flat=True), new]
    random.SystemRandom().shuffle(rows)
    Response.objects.filter(survey=survey).delete()
    Response.objects.bulk_create([Response(survey=survey, answers=a) for a in rows])
