"""Notice 004 at 杭州技师学院: a half-year plan on each side of today whose classes stand at every
step of their lifecycle, each brought there through the services as the people who act would:
the institution applies, the pool's core teachers are recommended, invited and accept, the plan
is filed, approved and recorded, trainees apply with 附件1, the class runs (delivery.py), is
assessed (scoring.py: one class's scores all in, another's partly), closed and its trainees who
passed certified; one plan is returned, one class cancelled, one added outside the plan.

Classes that started before today took their steps before the platform held them: the province
excepts them from the milestones (the audited exception an admin grants for a late step)."""

import datetime
from typing import Any

from django.utils import timezone

from shipei.accounts.models import Person, Role, User
from shipei.assessment import components as comp
from shipei.classes import flow, plans
from shipei.classes.milestones import LABELS, standing
from shipei.classes.models import HalfYearPlan, TrainingClass
from shipei.enrollment import services as enrollment
from shipei.enrollment.models import Enrollment
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme
from shipei.staffing import services as staffing
from shipei.staffing.models import Assignment, CoreTeacher, StaffRole

from . import delivery, people, scoring, surveys
from .people import user_of

P004 = "mohrss-integrated-teacher-training"
# (days from today to the start, item, days, where the demo leaves it). Classes of the same
# core-teacher group (below) lie 11 days apart or more, so that one group staffs them all.
CLASSES_004 = [
    (-45, "l3-c3", 7, "closed"),  # 三级·信息类
    (-16, "l3-c6", 7, "assessing"),  # 三级·财经商贸类
    (-3, "l2-c1", 9, "running"),  # 二级·机械类
    (43, "l3-c5", 7, "enrolling"),  # 三级·服务类
    (44, "l2-c2", 9, "plan_approved"),  # 二级·电工电子类
    (56, "l2-c6", 9, "recorded"),  # 二级·财经商贸类
    (57, "l3-c1", 7, "staffed"),  # 三级·机械类: one invitation declined, the next accepted
    (70, "l3-c8", 7, "returned"),  # 三级·文化艺术与综合类
    (83, "l3-c6", 7, "plan_filed"),
    (84, "l2-c3", 9, "applied"),  # proposals made, 周强 invited and yet to answer
    (95, "l3-c4", 7, "cancelled"),  # 三级·交通类
    (110, "l3-c1", 7, "planned"),
]
ORDER = [
    "applied",
    "staffed",
    "plan_filed",
    "plan_approved",
    "recorded",
    "enrolling",
    "running",
    "assessing",
    "closed",
]
TRAINING_PLAN = {
    "goals": "掌握本级别工学一体化课程教学实施的方法",
    "courses": "学习任务分析、教学活动设计、课堂组织与实施，每天 8 课时",
    "assessment": "过程性考核（2 名授课骨干教师评分）；终结性考核（说课，3 名考核骨干教师线上评分）",
    "venue": "一体化教室 2 间，实训工位 30 个",
}
LATE_REASON = "该班次的开班申请、师资邀请和方案报备已于平台启用前按时线下办理，现补录入平台"

# The core-teacher pool: two groups of six (five places a class), each qualified for some
# categories at 二级 and 三级; 周强 (a demo login) leads the first and is preferred for the
# running class. (name, ID number without check digit, mobile, home)
GROUPS = {
    ("机械类", "电工电子类", "信息类"): [
        ("周强", None, None, "宁波技师学院"),
        ("钱国栋", "33020319760214101", "13800000101", "宁波技师学院"),
        ("孙建平", "33030219790603102", "13800000102", "温州技师学院"),
        ("李卫东", "33020319770921103", "13800000103", "宁波技师学院"),
        ("吴志刚", "33030219810117104", "13800000104", "温州技师学院"),
        ("郑海燕", "33020319830528105", "13800000105", "宁波技师学院"),
    ],
    ("服务类", "财经商贸类", "文化艺术与综合类"): [
        ("王丽君", "33030219780312106", "13800000106", "温州技师学院"),
        ("冯晓明", "33020319800806107", "13800000107", "宁波技师学院"),
        ("陈美玲", "33030219820419108", "13800000108", "温州技师学院"),
        ("褚振华", "33020319750730109", "13800000109", "宁波技师学院"),
        ("卫红梅", "33030219840225110", "13800000110", "温州技师学院"),
        ("蒋文斌", "33020319790910111", "13800000111", "宁波技师学院"),
    ],
}
LEVELS = ("二级", "三级")

# Trainees of the classes that ran: (name, ID number without check digit, mobile); the class's
# major class. 陈立 (a demo login) comes first in the running class.
TRAINEES = {
    "running": (
        "机械设计制造类",
        "数控加工",
        [
            ("陈立", None, None),
            ("杨帆", "33010619880715121", "13800000121"),
            ("朱丹", "33010619910302122", "13800000122"),
            ("秦磊", "33010619870926123", "13800000123"),
            ("许文博", "33010619900118124", "13800000124"),
            ("何佳", "33010619920604125", "13800000125"),
            ("吕志强", "33010619860823126", "13800000126"),
            ("施雨", "33010619930411127", "13800000127"),  # misses a session: at risk
        ],
    ),
    "assessing": (
        "财务会计类",
        "会计事务",
        [
            ("张慧", "33010619890505131", "13800000131"),
            ("孔令杰", "33010619870214132", "13800000132"),
            ("曹婷", "33010619910928133", "13800000133"),
            ("严斌", "33010619850317134", "13800000134"),  # over the absence limit
        ],
    ),
    "closed": (
        "计算机类",
        "计算机网络应用",
        [
            ("华晓东", "33010619880802141", "13800000141"),
            ("金玲", "33010619900627142", "13800000142"),
            ("魏涛", "33010619861119143", "13800000143"),
            ("陶然", "33010619920213144", "13800000144"),
        ],
    ),
}

# 附件1 as 杭州技师学院's teachers fill it; the major, the work and the self-assessment are
# each applicant's own.
APPLICATION_004 = {
    "ethnicity": "汉族",
    "address": "浙江省杭州市拱墅区技师学院路 1 号",
    "education": "本科",
    "education_major": "烹饪与营养教育",
    "skill_level": "中式烹调师 高级技师",
    "competitions": "2023 年全省技工院校教师职业能力大赛二等奖",
    "current_major": "中餐烹饪",
    "first_phase_major": "是",
    "construction_work": "2023 年参与本院中餐烹饪专业工学一体化课程标准校本转化，负责 3 个学习任务。",
    "teaching_work": "讲授中式热菜制作、宴席设计课程，学生为中级工和高级工阶段。",
    "past_training": "否",
    "development_work": "否",
    "needs": "希望增加学习任务教学活动设计的案例；培训期间需安排清真餐。",
    "declaration": True,
}


def _answers(programme: Programme, item: str, **own: str) -> dict[str, Any]:
    level = programme.rules.lineage(item)[-1].code
    rating = next(f for f in programme.rules.enrollment.application_form.fields if level in f.items)
    return {**APPLICATION_004, **own, rating.code: dict.fromkeys(rating.rows, "一般")}


class Actors:
    def __init__(self, by_name: dict[str, Organisation]) -> None:
        self.base = by_name["杭州技师学院"]
        self.institution = user_of(Role.BASE_ADMIN, self.base)
        self.coordinator = user_of(Role.SCHOOL_COORDINATOR, self.base)
        self.province = user_of(Role.PROVINCIAL_ADMIN, by_name["浙江省人力资源和社会保障厅"])
        self.centre = user_of(Role.NATIONAL_ADMIN, by_name["人力资源和社会保障部"])
        self.by_name = by_name


# ---- the pool -----------------------------------------------------------------------------


def demo_pool(actors: Actors) -> None:
    """The core teachers, each with a login to answer invitations."""
    for categories, members in GROUPS.items():
        for name, id17, mobile, home_name in members:
            home = actors.by_name[home_name]
            if id17 is None:
                person = Person.objects.get(name=name, user__is_demo=True)
            else:
                person = people.person(home, name, id17, mobile, {"title": "senior"})
                people.login(person, Role.CORE_TEACHER, home)
            if CoreTeacher.objects.filter(person=person).exists():
                continue
            staffing.core_teacher_save(
                actor=actors.centre,
                person=person,
                home=home,
                teaches=True,
                assesses=True,
                categories=list(categories),
                levels=list(LEVELS),
            )


def _teacher_user(assignment: Assignment) -> User:
    return User.objects.get(person_id=assignment.core_teacher.person_id)


def staff(actors: Actors, cls: TrainingClass, *, decline_first: bool = False) -> None:
    """Recommend, invite and accept until every place is taken (the class is then staffed);
    with `decline_first`, the first one invited declines and the next proposal takes it."""
    staffing.class_recommend(actor=actors.institution, training_class=cls)
    while True:
        proposed = cls.core_assignments.filter(status=Assignment.Status.PROPOSED)
        for a in proposed.order_by("pk"):
            staffing.assignment_invite(actor=actors.institution, assignment=a)
        invited = list(
            cls.core_assignments.filter(status=Assignment.Status.INVITED)
            .select_related("core_teacher")
            .order_by("pk")
        )
        if not invited:
            return
        for a in invited:
            if decline_first:
                decline_first = False
                staffing.assignment_decline(
                    actor=_teacher_user(a), assignment=a, reason="该时段已有本校技能鉴定任务"
                )
                continue
            staffing.assignment_accept(actor=_teacher_user(a), assignment=a)


def _prefer_zhou(actors: Actors, cls: TrainingClass) -> None:
    zhou = CoreTeacher.objects.get(person__name="周强", person__user__is_demo=True)
    staffing.preferences_set(actor=actors.institution, training_class=cls, core_teachers=[zhou])


# ---- trainees -----------------------------------------------------------------------------


def enroll_all(actors: Actors, cls: TrainingClass, end: str) -> list[Enrollment]:
    """The class's trainees apply with 附件1; the coordinator recommends, the base admits."""
    programme = cls.project.programme
    major_class, major, roster = TRAINEES[end]
    answers = _answers(
        programme,
        cls.project.item,
        education_major=major,
        current_major=major,
        skill_level=f"{major} 高级技师",
        construction_work=f"参与本院{major}专业工学一体化课程标准校本转化。",
        teaching_work=f"讲授{major}专业一体化课程，学生为中级工和高级工阶段。",
        needs="希望多安排学习任务设计的实例研讨。",
    )
    out = []
    for n, (name, id17, mobile) in enumerate(roster):
        if id17 is None:
            user = User.objects.get(person__name=name, is_demo=True)
        else:
            teacher = {
                "title": "intermediate",
                "teaching_major": major,
                "major_class": major_class,
                "years_teaching": 4 + n,
            }
            user = people.trainee(actors.base, name, id17, mobile, teacher)
        e = enrollment.enrollment_submit(
            actor=user,
            programme=programme,
            item=cls.project.item,
            person=user.person,
            channel="self_registration",
            training_class=cls,
            answers=answers,
        )
        enrollment.enrollment_decide(actor=actors.coordinator, enrollment=e, decision="approve")
        enrollment.enrollment_decide(actor=actors.institution, enrollment=e, decision="approve")
        e.refresh_from_db()
        out.append(e)
    return out


# ---- the classes --------------------------------------------------------------------------


def _except_past(actors: Actors, cls: TrainingClass) -> None:
    for code in LABELS:
        found = standing(cls, code)
        if found is not None and found.left < 0:
            flow.milestone_except(
                actor=actors.province, training_class=cls, milestone=code, reason=LATE_REASON
            )


def reach(actors: Actors, cls: TrainingClass, end: str) -> None:
    """Take the class through its steps to `end`, each by whoever acts on it."""
    if end == "planned":
        return
    _except_past(actors, cls)
    institution = actors.institution
    flow.class_apply(actor=institution, training_class=cls)
    if end == "cancelled":
        flow.class_cancel(
            actor=institution, training_class=cls, reason="本专业报名意向不足，本期取消"
        )
        return
    if end in ("applied", "running"):
        _prefer_zhou(actors, cls)
    if end == "applied":
        staffing.class_recommend(actor=institution, training_class=cls)
        for a in cls.core_assignments.filter(core_teacher__person__name="周强"):
            staffing.assignment_invite(actor=institution, assignment=a)
        return
    staff(actors, cls, decline_first=end == "staffed")
    if end == "staffed":
        return
    ran = end in ("running", "assessing", "closed")
    if ran:
        schedule = delivery.plan_schedule(actors.institution, cls)
    flow.class_file_plan(actor=institution, training_class=cls, **TRAINING_PLAN)
    if end == "returned":
        flow.class_review_plan(
            actor=actors.province,
            training_class=cls,
            approve=False,
            reason="请补充实训工位和企业实践安排，并明确终结性考核的评分细则。",
        )
        return
    if end == "plan_filed":
        return
    flow.class_review_plan(actor=actors.province, training_class=cls, approve=True)
    if end == "plan_approved":
        return
    flow.class_record(actor=actors.centre, training_class=cls)
    if end == "recorded":
        return
    flow.class_open_enrollment(actor=institution, training_class=cls)
    if end == "enrolling":
        return
    trainees = enroll_all(actors, cls, end)
    flow.class_start(actor=institution, training_class=cls)
    delivery.deliver(institution, cls, schedule, trainees, end)
    surveys.evaluate(institution, cls, trainees, end)
    if end == "running":
        return
    flow.class_start_assessment(actor=institution, training_class=cls)
    roster = {name: e for (name, _id17, _mobile), e in zip(TRAINEES[end][2], trainees, strict=True)}
    scoring.assess(institution, cls, roster, end)
    if end == "closed":
        flow.class_close(actor=institution, training_class=cls)
        scoring.certify(institution, cls)


def demo_classes(by_name: dict[str, Organisation]) -> None:
    """杭州技师学院's half-year plans, approved, and their classes at every step; an unplanned
    class waiting for the province's consent."""
    actors = Actors(by_name)
    base = actors.base
    programme = Programme.objects.get(code=P004)
    if HalfYearPlan.objects.filter(programme=programme, institution=base).exists():
        return
    demo_pool(actors)
    today = timezone.localdate()
    by_half: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for start_in, item, days, _end in CLASSES_004:
        starts_on = today + datetime.timedelta(days=start_in)
        by_half.setdefault((starts_on.year, 1 if starts_on.month <= 6 else 2), []).append(
            {
                "item": item,
                "starts_on": starts_on,
                "ends_on": starts_on + datetime.timedelta(days=days - 1),
                "capacity": 30,
                "enrolls_from": "浙江省技工院校",
                "place": "杭州技师学院一体化教学楼",
            }
        )
    for (year, half), lines in sorted(by_half.items()):
        plan = plans.plan_create(
            actor=actors.institution, programme=programme, institution=base, year=year, half=half
        )
        plans.plan_save_lines(actor=actors.institution, plan=plan, lines=lines)
        plans.plan_submit(actor=actors.institution, plan=plan)
        plans.plan_decide(actor=actors.province, plan=plan, approve=True)
    for start_in, item, _days, end in CLASSES_004:
        cls = TrainingClass.objects.get(
            plan_line__plan__institution=base,
            plan_line__item=item,
            starts_on=today + datetime.timedelta(days=start_in),
        )
        reach(actors, cls, end)
    flow.class_apply_unplanned(
        actor=actors.institution,
        programme=programme,
        institution=base,
        item="l2-c5",
        reason="承接省级技能人才培养项目，需新增一期",
        starts_on=today + datetime.timedelta(days=70),
        ends_on=today + datetime.timedelta(days=78),
        capacity=24,
        place="杭州技师学院一体化教学楼",
    )


def demo_class_enrollments(by_name: dict[str, Organisation]) -> None:
    """Two cooks of 杭州技师学院 apply into its enrolling class with 附件1: the first is
    recommended by the institution's coordinator and admitted by the base, the second waits at
    the base's step."""
    actors = Actors(by_name)
    base = actors.base
    programme = Programme.objects.get(code=P004)
    training_class = TrainingClass.objects.filter(
        project__programme=programme, project__base=base, status=TrainingClass.Status.ENROLLING
    ).first()
    if training_class is None:
        return
    item = training_class.project.item
    answers = _answers(programme, item)
    for name, admitted in (("林思远", True), ("黄雅琴", False)):
        person = Person.objects.get(org=base, name=name)
        if Enrollment.objects.filter(programme=programme, person=person).exists():
            continue
        e = enrollment.enrollment_submit(
            actor=User.objects.get(person=person),
            programme=programme,
            item=item,
            person=person,
            channel="self_registration",
            training_class=training_class,
            answers=answers,
        )
        enrollment.enrollment_decide(actor=actors.coordinator, enrollment=e, decision="approve")
        if admitted:
            enrollment.enrollment_decide(actor=actors.institution, enrollment=e, decision="approve")


def sheets_to_fill() -> list[tuple[str, str, str, str]]:
    """Who has a score sheet to fill in the class being assessed: (their role in the class,
    name, the mobile they log in with, the component), printed with the demo's logins."""
    cls = TrainingClass.objects.filter(
        project__programme__code=P004, status=TrainingClass.Status.ASSESSING
    ).first()
    if cls is None:
        return []
    mobiles = {name: mobile for group in GROUPS.values() for name, _id, mobile, _home in group}
    assessment = comp.for_class(cls)
    return [
        (
            str(StaffRole(comp.staff_role(c)).label),
            scorer.person.name,
            mobiles.get(scorer.person.name) or "",
            comp.short_label(assessment, c),
        )
        for scorer, c in scoring.sheets_to_fill(cls)
    ]
