"""A 004 class as it runs: its schedule of the four kinds of session, its project's resource
package, and, once it runs, attendance for the sessions held (by the teachers' phone grid and by
the room's QR code), and what trainees watched of the package (the closed class's: all of it,
so that its trainees reach the class's hours and may be certified).

Sessions of days gone by were checked in to at their time: each check-in passes the service the
moment it happened and the code the room showed then (the service's own clock argument), so
that the code is verified and the trainee marked present or late as on the day."""

import datetime
from decimal import Decimal

from django.utils import timezone

from shipei.accounts.models import User
from shipei.attendance import qr
from shipei.attendance import services as attendance
from shipei.attendance.models import AttendanceRecord
from shipei.classes.models import TrainingClass
from shipei.enrollment.models import Enrollment
from shipei.schedule import progress
from shipei.schedule import services as schedule
from shipei.schedule.models import Resource, Session
from shipei.staffing.models import Assignment, StaffRole

K = Session.Kind
A = AttendanceRecord.Status
# 360 minutes, 8 学时 at the policy's 45 minutes: as many as the self-paced afternoons of the
# longest class (a 9-day class has four of 2 学时), so a trainee can reach the class's hours.
RESOURCES = [
    ("工学一体化课程标准解读", Resource.Kind.VIDEO, 90),
    ("学习任务分析方法与案例", Resource.Kind.VIDEO, 90),
    ("学习任务工作页编写指南", Resource.Kind.DOCUMENT, 45),
    ("一体化课堂组织与实施", Resource.Kind.COURSE, 135),
]
SOURCE = "技工教育网 工学一体化教师培训资源库"
MORNING = [
    (K.OFFLINE, "学习任务分析与策划"),
    (K.PRACTICE, "典型工作任务实训"),
    (K.OFFLINE, "学习任务教学活动设计"),
    (K.PRACTICE, "企业实践：岗位工作过程调研"),
    (K.OFFLINE, "工作页与信息页设计与编写"),
    (K.OFFLINE, "一体化示范课设计"),
    (K.PRACTICE, "示范课试讲与点评"),
    (K.OFFLINE, "课程考核方案设计"),
    (K.OFFLINE, "学习成果展示交流"),
]
LIVE = ["工学一体化课程政策解读（直播）", "名师示范课观摩研讨（直播）"]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def plan_schedule(institution: User, cls: TrainingClass) -> list[Session]:
    """The package (once per project) and a session each morning and afternoon: off-line and
    practice in the mornings, live and self-paced in turn in the afternoons, each taught by the
    class's teaching core teachers."""
    project = cls.project
    resources = list(project.resources.order_by("pk"))
    if not resources:
        resources = [
            schedule.resource_add(
                actor=institution, project=project, title=t, kind=k, minutes=m, source=SOURCE
            )
            for t, k, m in RESOURCES
        ]
    teachers = list(
        Assignment.objects.filter(
            training_class=cls, role=StaffRole.TEACHING, status=Assignment.Status.ACCEPTED
        )
        .order_by("core_teacher__person__name_pinyin")
        .values_list("core_teacher__person", flat=True)
    )
    out = []
    for n in range(cls.days):
        day = cls.starts_on + datetime.timedelta(days=n)
        kind, title = MORNING[n % len(MORNING)] if n < cls.days - 1 else MORNING[-1]
        where = {"room": "一体化教室 A201"}
        if kind == K.PRACTICE:
            site = (
                Session.PracticeSite.ENTERPRISE
                if "企业" in title
                else Session.PracticeSite.WORKSHOP
            )
            place = "杭州友佳精密机械有限公司" if site == "enterprise" else "杭州技师学院实训中心"
            where = {"practice_site": site, "place": place}
        out.append(
            schedule.session_add(
                actor=institution,
                training_class=cls,
                staff=teachers[:1] if n % 2 == 0 else teachers[1:],
                kind=kind,
                title=title,
                starts_at=_at(day, 8, 30),
                ends_at=_at(day, 11, 30),
                hours=Decimal(4),
                **where,
            )
        )
        if n % 2 == 0:
            afternoon = {"kind": K.LIVE, "title": LIVE[n // 2 % len(LIVE)]}
            afternoon["link"] = "https://live.jsgl.org.cn/room/yitihua"
            staff = teachers
        else:
            resource = resources[n // 2 % len(resources)]
            afternoon = {"kind": K.SELF_PACED, "title": resource.title, "resource": resource}
            staff = []
        out.append(
            schedule.session_add(
                actor=institution,
                training_class=cls,
                staff=staff,
                starts_at=_at(day, 14),
                ends_at=_at(day, 16),
                hours=Decimal(2),
                **afternoon,
            )
        )
    return out


def _marker(institution: User, session: Session) -> User:
    """Who takes the register: the session's first teacher, on their phone; else the base."""
    person = session.staff.order_by("pk").first()
    return User.objects.filter(person=person).first() if person else institution


def deliver(
    institution: User,
    cls: TrainingClass,
    sessions: list[Session],
    trainees: list[Enrollment],
    end: str,
) -> None:
    """Attendance for the sessions held by now, in turn by grid and by QR; the last trainee
    misses a live session (the running class: at risk) or two mornings (the class being
    assessed: over the limit); some progress on the package."""
    now = timezone.now()
    held = [s for s in sessions if s.holds_people and s.starts_at <= now]
    if end == "running":  # a 2-hour live session: one more morning would bar them
        missed = [s for s in held if s.kind == K.LIVE][:1]
    else:  # two mornings, 8 hours: over the limit
        missed = [s for s in held if s.kind != K.LIVE][:2] if end == "assessing" else []
    absent_in = {s.pk for s in missed}
    last = trainees[-1]
    for n, session in enumerate(held):
        marks = {e.pk: A.PRESENT for e in trainees}
        if session.pk in absent_in:
            marks[last.pk] = A.ABSENT
        if n % 2 == 1:  # the room's code: each trainee scans it on their phone
            for i, e in enumerate(trainees):
                if marks[e.pk] != A.PRESENT:
                    continue
                late = i == 2 and n % 4 == 1
                moment = session.starts_at + datetime.timedelta(minutes=12 if late else -8)
                code = qr.code_for(session.pk, moment)
                attendance.attendance_check_in(
                    actor=User.objects.get(person_id=e.person_id),
                    session_id=session.pk,
                    slot=code.slot,
                    sig=code.sig,
                    now=moment,
                )
            marks = {k: v for k, v in marks.items() if v != A.PRESENT}
            if not marks:
                continue
        else:
            marks[trainees[1].pk] = A.LATE if n == 2 else marks[trainees[1].pk]
            if end == "closed" and n == 4:
                marks[trainees[3].pk] = A.LEAVE
        attendance.attendance_mark(
            actor=_marker(institution, session),
            session=session,
            marks=marks,
            now=min(session.ends_at, now),
        )
    _watch(cls, trainees, whole=end == "closed")


def _watch(cls: TrainingClass, trainees: list[Enrollment], *, whole: bool = False) -> None:
    """The first trainees watched part of the package; with `whole` (a class that ended),
    every trainee watched all of it, as the class's hours ask (each event once: its id is its
    own)."""
    resources = list(cls.project.resources.order_by("pk"))
    for i, e in enumerate(trainees if whole else trainees[:5]):
        user = User.objects.get(person_id=e.person_id)
        for j, resource in enumerate(resources if whole else resources[: 3 - i % 2]):
            part = resource.minutes * (i + 1) // 6 or 1
            until = resource.minutes if whole or j == 0 else part
            progress.progress_record(
                actor=user,
                enrollment=e,
                resource=resource,
                event_id=f"demo-{e.pk}-{resource.pk}",
                from_minute=0,
                to_minute=until,
            )
