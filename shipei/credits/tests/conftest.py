"""Fixtures of the ledger: a closed 004 class whose policy counts its hours as continuing
education (the certificates' fixtures, with passed assessments), and a teacher of its school
who logs in."""

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shipei.accounts.models import Role, TeacherProfile
from shipei.assessment.models import Attempt
from shipei.certificates import services as certificates
from shipei.certificates.models import Certificate
from shipei.certificates.tests.conftest import Class004, make_class
from shipei.enrollment.models import Enrollment
from shipei.orgs.models import Organisation
from shipei.projects.tests.conftest import make_actor

PDF = b"%PDF-1.4\n% proof\n"


def counting(c: Class004, counts: bool = True) -> Class004:
    policy = c.programme.policy
    policy["credit"] = {"counts_as_continuing_education": counts}
    c.programme.policy = policy
    c.programme.save()
    return c


def scored(enrollment: Enrollment, process: int = 88, final: int = 92) -> Enrollment:
    """Scored (passed at 60 and above, as 004's pass mark), the scoring itself being
    assessment's."""
    for code, score in (("process", process), ("final", final)):
        done = Attempt.Status.PASSED if score >= 60 else Attempt.Status.FAILED
        Attempt.objects.create(enrollment=enrollment, component=code, status=done, score=score)
    return enrollment


def issue(issuer: Any, enrollment: Enrollment) -> Certificate:
    return certificates.certificate_issue(actor=issuer.user, enrollment=scored(enrollment))


def teacher_of(org: Organisation, *, name: str = "") -> Any:
    actor = make_actor(Role.TRAINEE, org)
    if name:
        actor.person.name = name
        actor.person.save(update_fields=["name"])
    TeacherProfile.objects.create(person=actor.person, years_teaching=8, title="intermediate")
    return actor


def proof(name: str = "证书.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def claim_fields(**changes: Any) -> dict[str, Any]:
    fields = {
        "title": "全国职业院校数字化教学能力提升研修",
        "organiser": "教育部职业院校信息化教学指导委员会",
        "starts_on": "2025-07-08",
        "ends_on": "2025-07-10",
        "hours": "24",
        "proof": proof(),
    }
    return {**fields, **changes}


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    """Proof files go to the test's own folder, not the data directory."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def c004(tree: dict[str, Organisation]) -> Class004:
    """A closed 004 class of two trainees at 杭州市中策职业学校, its hours counted."""
    return counting(make_class(tree, n=2))


@pytest.fixture
def issuer(tree: dict[str, Organisation]) -> Any:
    return make_actor(Role.BASE_ADMIN, tree["hz_base"])


@pytest.fixture
def teacher(tree: dict[str, Organisation]) -> Any:
    """A teacher of 杭州市中策职业学校 who logs in."""
    return teacher_of(tree["hz_school"], name="周晓燕")


@pytest.fixture
def coordinator(tree: dict[str, Organisation]) -> Any:
    return make_actor(Role.SCHOOL_COORDINATOR, tree["hz_school"])


def xlsx_rows(content: bytes) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


HOURS = Decimal("56")
