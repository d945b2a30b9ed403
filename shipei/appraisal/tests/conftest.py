"""A 2024 programme of notice 002 with caps of 2 projects per base, and three bases whose
scores are worked out by hand in the docstring of ``scene``."""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from shipei.accounts.models import Role
from shipei.accounts.tests.factories import PersonFactory
from shipei.classes.models import TrainingClass
from shipei.enrollment.models import Enrollment
from shipei.orgs.models import Designation, Organisation
from shipei.orgs.tests.factories import SchoolFactory
from shipei.programmes.models import Programme
from shipei.projects.models import Project
from shipei.projects.tests.conftest import Actor, make_actor, policy_002
from shipei.surveys.models import Response, Survey, SurveyTemplate

DUAL = Designation.Kind.DUAL_TEACHER_BASE
PRACTICE = Designation.Kind.ENTERPRISE_PRACTICE_BASE
CAPS = {"principal_base": 3, "dual_teacher_base": 2, "enterprise_practice_base": 2}
# The hand counts below use three indicators; the preset also weighs spot checks, which
# shipei/supervision/tests test with their own inspections.
WEIGHTS = {"execution": 40, "pass_rate": 30, "satisfaction": 30}


def make_programme(code: str, year: int, **changes: Any) -> Programme:
    base_caps = {"per_kind": CAPS, **changes.pop("base_caps", {})}
    changes.setdefault("appraisal", {"weights": WEIGHTS})
    closes = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    return Programme.objects.create(
        code=code,
        title=f"{year}年国家级职业教育培训基地培训项目",
        year=year,
        policy=policy_002(
            base_caps=base_caps, projects={"application": {"closes": closes}}, **changes
        ),
    )


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def project(
    programme: Programme, base: Organisation, status: str, starts: list[int], kind: str = DUAL
) -> Project:
    """A published project whose classes start `starts` days from today (negative: past)."""
    made = Project.objects.create(
        programme=programme,
        item=kind,
        base=base,
        base_kind=kind,
        title=f"{base.name}项目{Project.objects.count() + 1}",
        status=status,
        published_at=timezone.now(),
    )
    for seq, n in enumerate(starts, start=1):
        TrainingClass.objects.create(
            project=made, seq=seq, starts_on=days(n), ends_on=days(n + 4), capacity=40
        )
    return made


def trainees(made: Project, school: Organisation, *statuses: str) -> None:
    first = made.classes.order_by("seq").first()
    for status in statuses:
        Enrollment.objects.create(
            programme=made.programme,
            item=made.item,
            project=made,
            training_class=first,
            base=made.base,
            person=PersonFactory(org=school),
            org=school,
            channel=Enrollment.Channel.COORDINATOR_ENROLLMENT,
            status=status,
        )


def evaluated(made: Project, *answers: int) -> Survey:
    """The anonymous teaching evaluation of the project's first class, closed, with one
    scale answer (1–5) per response."""
    SurveyTemplate.objects.get_or_create(
        programme=made.programme,
        code="teaching_evaluation",
        defaults={"questions": [{"code": "overall", "label": "总体评价", "kind": "scale"}]},
    )
    survey = Survey.objects.create(
        programme=made.programme,
        form="teaching_evaluation",
        project=made,
        training_class=made.classes.order_by("seq").first(),
        closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    for value in answers:
        Response.objects.create(survey=survey, answers={"overall": str(value)})
    return survey


@dataclass
class Scene:
    programme: Programme
    a: Organisation  # 杭州职业技术学院 (浙江)
    b: Organisation  # 南京 (江苏)
    c: Organisation  # 浙江, no projects
    b_admin: Actor


@pytest.fixture
def scene(tree: dict[str, Organisation]) -> Scene:
    """The 2024 assessment by weights 执行率 40, 合格率 30, 满意度 30, the 002 preset's
    bands (< 60: −2, 60–85: 0, ≥ 85: +2), caps of 2:

    A 杭州职业技术学院: a completed project's 3 classes ran, a cancelled project's class did
    not, a class still to come is not counted: 执行率 3/4 = 75; 4 passed and 1 failed of the
    5 who finished (an attending trainee of the coming class and a withdrawn one are not
    counted): 合格率 80; answers 5 5 4 4 3 of 5 make (100+100+75+75+50)/5 = 80. Total
    0.4×75 + 0.3×80 + 0.3×80 = 78.00, rank 2, cap 2 → 2.
    B 南京: 2 of 2 classes ran, 2 of 2 passed; its evaluation has 4 answers, under k = 5, so
    no satisfaction: total (40×100 + 30×100) / 70 = 100.00 (satisfaction left out, execution
    57.14 %, pass rate 42.86 % of it), rank 1, cap 2 → 4.
    C (浙江): no projects, no score, no rank, no proposal. D's designation ended in 2023: not
    assessed.
    """
    programme = make_programme("p2024", 2024)
    a = tree["hz_base"]
    b = SchoolFactory(
        parent=tree["nj"],
        name="南京工业职业技术大学",
        school_kind=Organisation.SchoolKind.UNDERGRAD_VOCATIONAL,
        region=tree["nj"].region,
    )
    c = SchoolFactory(parent=tree["hz"], name="杭州科技职业技术学院", region=tree["hz"].region)
    d = SchoolFactory(parent=tree["hz"], name="杭州第一技师学院", region=tree["hz"].region)
    for org, kind, until in (
        (a, DUAL, 2027),
        (b, DUAL, 2027),
        (c, PRACTICE, 2027),
        (d, DUAL, 2023),
    ):
        Designation.objects.create(organisation=org, kind=kind, year_from=2021, year_to=until)
    school = tree["hz_school"]
    done = project(programme, a, Project.Status.COMPLETED, [-60, -50, -40])
    project(programme, a, Project.Status.CANCELLED, [-30])
    coming = project(programme, a, Project.Status.ENROLLING, [30])
    E = Enrollment.Status
    trainees(done, school, E.PASSED, E.PASSED, E.PASSED, E.PASSED, E.FAILED, E.WITHDRAWN)
    trainees(coming, school, E.ATTENDING)
    evaluated(done, 5, 5, 4, 4, 3)
    b_done = project(programme, b, Project.Status.COMPLETED, [-60, -20])
    trainees(b_done, tree["nj_school"], E.PASSED, E.PASSED)
    evaluated(b_done, 5, 5, 5, 5)
    project(programme, d, Project.Status.COMPLETED, [-60])
    return Scene(programme, a, b, c, make_actor(Role.BASE_ADMIN, b))
