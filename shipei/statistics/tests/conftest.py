"""A small world whose figures are counted by hand: one 004 class at 杭州职业技术学院 with
trainees from Zhejiang and Jiangsu in several statuses, two certificates and attendance hours."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from shipei.accounts.tests.factories import PersonFactory
from shipei.attendance.models import AttendanceRecord
from shipei.certificates.models import Certificate, NumberSeries
from shipei.certificates.tests.conftest import Class004, admit, make_class
from shipei.enrollment.models import Enrollment
from shipei.orgs.models import Organisation
from shipei.schedule.models import Session

S = Enrollment.Status


@dataclass
class World:
    c004: Class004
    zj: list[Enrollment]
    js: list[Enrollment]
    session: Session


def certify(enrollment: Enrollment, serial: int) -> Certificate:
    series, _ = NumberSeries.objects.get_or_create(key="stat-test")
    return Certificate.objects.create(
        enrollment=enrollment,
        person=enrollment.person,
        programme=enrollment.programme,
        item=enrollment.item,
        holder_name=enrollment.person.name,
        programme_title="综合培训",
        title="工学一体化教师培训",
        issuer="杭州职业技术学院",
        issued_on=timezone.localdate(),
        number=f"STAT-{serial:05d}",
        series=series,
        serial=serial,
        credential="-",
        qr_payload="-",
    )


def attend(enrollment: Enrollment, session: Session, hours: str) -> AttendanceRecord:
    return AttendanceRecord.objects.create(
        session=session,
        enrollment=enrollment,
        status=AttendanceRecord.Status.PRESENT,
        hours=Decimal(hours),
        source=AttendanceRecord.Source.GRID,
    )


def build_world(tree: dict[str, Organisation]) -> World:
    """Zhejiang (杭州市中策职业学校): 3 admitted by make_class, then 2 of them passed, 1 failed;
    Jiangsu (南京市莫愁中等专业学校): 1 passed, 1 submitted, 1 withdrawn. Certificates for the
    two Zhejiang passes; 8 hours to each Zhejiang trainee, 6.5 to the Jiangsu pass."""
    c = make_class(tree, n=3)
    zj = c.enrollments
    for e, status in zip(zj, (S.PASSED, S.PASSED, S.FAILED), strict=True):
        e.status = status
        e.save()
    js = [
        admit(
            c.programme,
            "l3-c1",
            PersonFactory(org=tree["nj_school"]),
            project=c.project,
            klass=c.klass,
            status=status,
        )
        for status in (S.PASSED, S.SUBMITTED, S.WITHDRAWN)
    ]
    start = timezone.now() - datetime.timedelta(days=9)
    session = Session.objects.create(
        training_class=c.klass,
        kind=Session.Kind.OFFLINE,
        title="一体化课程设计",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=8),
        hours=Decimal("8"),
        room="实训楼 A301",
    )
    certify(zj[0], 1)
    certify(zj[1], 2)
    for e in zj:
        attend(e, session, "8")
    attend(js[0], session, "6.5")
    return World(c, zj, js, session)


@pytest.fixture
def world(tree: dict[str, Organisation]) -> World:
    return build_world(tree)


@pytest.fixture
def this_year() -> int:
    return timezone.localdate().year
