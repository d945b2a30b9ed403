"""Demo content on top of the demo tree: quotas split down, and 2026 copies of notices 000, 001
and 002 whose whole calendar is moved so that their registration (and 002's project
applications) are open now, so that the cycles can be clicked through; notice 004's classes at
their steps. Idempotent."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shipei.accounts.models import Person, Role, RoleAssignment, User
from shipei.classes import flow, plans
from shipei.classes.models import HalfYearPlan, TrainingClass
from shipei.enrollment import services as enrollment
from shipei.enrollment.models import Enrollment
from shipei.orgs.models import Organisation, Region
from shipei.presets.loader import preset_load, preset_slugs
from shipei.programmes import calendar
from shipei.programmes import services as programmes
from shipei.programmes.models import Programme
from shipei.projects import services as projects
from shipei.projects.models import Project, Review
from shipei.quotas import services as quotas
from shipei.quotas.models import Quota

DEMO_002 = "demo-2026-national-base-projects"


def _user(role: str, org: Organisation) -> User:
    return RoleAssignment.objects.get(role=role, org=org, user__is_demo=True).user


def demo_quotas(by_name: dict[str, Organisation]) -> None:
    """The five notices, and Zhejiang's split of 000's first phase down to a school."""
    for slug in preset_slugs():
        preset_load(slug)  # idempotent; also links the notice to its issuing department
    programme = Programme.objects.get(code="moe-2020-innovation-team-online")
    province = _user(Role.PROVINCIAL_ADMIN, by_name["浙江省教育厅"])
    city = _user(Role.CITY_ADMIN, by_name["杭州市教育局"])
    for actor, seats, receiver in (
        (province, 200, {"region": Region.objects.get(code="330100")}),
        (province, 120, {"region": Region.objects.get(code="330200")}),
        (city, 50, {"org": by_name["杭州市中策职业学校"]}),
    ):
        quotas.quota_set(
            actor=actor,
            programme=programme,
            item="p1",
            seats=seats,
            reason="演示：按各地教师人数分配",
            **receiver,
        )


def _days_to_open(source: Programme, item: str) -> int:
    """How many days to move a notice's calendar so that `item`'s registration is open now:
    it opens today, or (a window with only a deadline) closes in 20 days."""
    window = calendar.registration_of(source.rules, item)
    today = timezone.localdate()
    if window is not None and window.opens_at() is not None:
        return (today - window.opens_at().date()).days
    if window is not None and window.closes_at() is not None:
        return (today + datetime.timedelta(days=20) - window.closes_at().date()).days
    return 0


def _open_002(national: User) -> Programme:
    """Notice 002 cloned for 2026, its whole calendar moved so that the bases' applications
    close in three weeks; enrollment (which has only a deadline) is open from now on."""
    found = Programme.objects.filter(code=DEMO_002).first()
    if found is not None:
        return found
    source = Programme.objects.get(code="moe-2024-national-base-projects")
    closes = source.rules.projects.application.closes_at().date()
    return programmes.programme_clone(
        actor=national,
        programme=source,
        year=2026,
        code=DEMO_002,
        title="2026年国家级职业教育培训基地培训项目（演示）",
        days=(timezone.localdate() + datetime.timedelta(days=21) - closes).days,
    )


# (base, item, title, mode, days, hours, fee, class starts in days, where the demo leaves it)
PROJECTS: list[tuple[str, str, str, str, int, int, int, list[int], str]] = [
    (
        "杭州职业技术学院",
        "dual_teacher_base",
        "职业院校数字化教学能力提升研修",
        "offline",
        7,
        56,
        2800,
        [60, 90],
        "published",
    ),
    (
        "杭州职业技术学院",
        "dual_teacher_base",
        "新能源汽车检测与维修技术实训",
        "blended",
        7,
        56,
        3000,
        [70],
        "published",
    ),
    (
        "宁波职业技术学院",
        "dual_teacher_base",
        "港口物流智慧化教学研修",
        "online",
        5,
        40,
        1500,
        [65],
        "published",
    ),
    (
        "浙江数智制造科技有限公司",
        "enterprise_practice_base.skills",
        "工业机器人运维企业实践（技能培训）",
        "offline",
        10,
        80,
        3600,
        [75],
        "published",
    ),
    (
        "杭州职业技术学院",
        "dual_teacher_base",
        "课程思政教学设计工作坊",
        "offline",
        5,
        40,
        2000,
        [80],
        "in_review",
    ),
    (
        "宁波职业技术学院",
        "dual_teacher_base",
        "专业群建设与人才培养方案研修",
        "blended",
        7,
        56,
        2600,
        [85],
        "submitted",
    ),
    (
        "宁波职业技术学院",
        "dual_teacher_base",
        "职业院校班主任能力提升培训",
        "offline",
        5,
        40,
        1800,
        [95],
        "returned",
    ),
    (
        "杭州职业技术学院",
        "dual_teacher_base",
        "职业技能大赛指导教师研修",
        "offline",
        7,
        56,
        2800,
        [100],
        "draft",
    ),
]


def demo_projects(by_name: dict[str, Organisation]) -> None:
    national = _user(Role.NATIONAL_ADMIN, by_name["教育部"])
    expert = _user(Role.EXPERT_REVIEWER, by_name["北京交通大学"])
    programme = _open_002(national)
    today = timezone.localdate()
    for base_name, item, title, mode, days, hours, fee, starts, end in PROJECTS:
        if Project.objects.filter(programme=programme, title=title).exists():
            continue
        base = by_name[base_name]
        applicant = _user(Role.BASE_ADMIN, base)
        project = projects.project_create(
            actor=applicant,
            programme=programme,
            base=base,
            item=item,
            title=title,
            mode=mode,
            days=days,
            hours=Decimal(hours),
            fee_yuan=fee,
            audience="职业学校专兼职教师",
            outline="专题讲座、案例研讨、实训操作与成果展示。",
            classes=[
                {
                    "starts_on": today + datetime.timedelta(days=n),
                    "ends_on": today + datetime.timedelta(days=n + days - 1),
                    "capacity": 40,
                    "place": base.name if mode != "online" else "",
                    "online_platform": "国家智慧教育公共服务平台" if mode != "offline" else "",
                }
                for n in starts
            ],
        )
        if end == "draft":
            continue
        projects.project_submit(actor=applicant, project=project)
        if end == "submitted":
            continue
        projects.project_assign_experts(actor=national, project=project, experts=[expert])
        if end == "in_review":
            continue
        review = Review.objects.get(project=project, expert=expert, submitted_at__isnull=True)
        criteria = programme.rules.projects.review_criteria
        projects.review_submit(
            actor=expert,
            review=review,
            scores={c.code: c.max_score - 2 for c in criteria},
            comment="目标定位清晰，内容设计合理，建议增加实践环节。",
        )
        if end == "returned":
            projects.project_decide(
                actor=national, project=project, decision="return", reason="请补充实践课程安排。"
            )
            continue
        projects.project_decide(actor=national, project=project, decision="approve")
        projects.project_publish(actor=national, project=project)


def _copy_quotas(source: Programme, target: Programme, actor: User) -> None:
    """The notice's printed seats, given again in the demo copy (a clone starts without)."""
    for quota in Quota.objects.filter(programme=source, parent=None).select_related("region"):
        quotas.quota_set(
            actor=actor,
            programme=target,
            item=quota.item,
            seats=quota.seats,
            region=quota.region,
            org=quota.org,
            on_demand=quota.on_demand,
            reason="演示：沿用通知附件名额",
        )


def _open_copy(source_code: str, code: str, title: str, actor: User, item: str) -> Programme:
    """A 2026 copy of a notice with `item`'s registration open now: the whole calendar moves,
    training dates, windows, deadlines and milestones together, so that their order is kept."""
    found = Programme.objects.filter(code=code).first()
    if found is not None:
        return found
    source = Programme.objects.get(code=source_code)
    programme = programmes.programme_clone(
        actor=actor,
        programme=source,
        year=2026,
        code=code,
        title=title,
        days=_days_to_open(source, item),
    )
    _copy_quotas(source, programme, actor)
    return programme


def demo_enrollments(by_name: dict[str, Organisation]) -> None:
    """One enrollment per channel, waiting at a step or decided, so that each role's to-do
    list has something in it."""
    national = _user(Role.NATIONAL_ADMIN, by_name["教育部"])
    province = _user(Role.PROVINCIAL_ADMIN, by_name["浙江省教育厅"])
    coordinator = _user(Role.SCHOOL_COORDINATOR, by_name["杭州市中策职业学校"])
    trainee = _user(Role.TRAINEE, by_name["杭州市中策职业学校"])
    school = by_name["杭州市中策职业学校"]
    teachers = {p.name: p for p in Person.objects.filter(org=school)}

    def once(programme: Programme, item: str, person: Person, **kwargs: Any) -> Enrollment:
        found = Enrollment.objects.filter(programme=programme, item=item, person=person).first()
        return found or enrollment.enrollment_submit(
            programme=programme, item=item, person=person, **kwargs
        )

    # 000: a teacher applies herself; the ministry's training administrator reviews.
    online = _open_copy(
        "moe-2020-innovation-team-online",
        "demo-2026-innovation-team-online",
        "2026年职业教育教师教学创新团队建设在线培训示范班（演示）",
        national,
        item="p1",
    )
    once(online, "p1", trainee.person, actor=trainee, channel="self_registration")
    # 001: the school nominates, the city bureau confirms.
    zj = _open_copy(
        "zj-2020-vocational-teacher",
        "demo-2026-zj-vocational-teacher",
        "2026年浙江省中等职业学校教师培训（演示）",
        province,
        item="k2-2",
    )
    for name in ("王海涛", "李娜"):
        once(zj, "k2-2", teachers[name], actor=coordinator, channel="nomination")
    # 002: the school's coordinator enrolls into a published project's class; the base approves.
    base_projects = Programme.objects.get(code=DEMO_002)
    project = Project.objects.get(programme=base_projects, title="职业院校数字化教学能力提升研修")
    first_class = project.classes.order_by("seq").first()
    base_admin = _user(Role.BASE_ADMIN, by_name["杭州职业技术学院"])
    for name, approve in (("赵磊", True), ("李娜", False)):
        e = once(
            base_projects,
            project.item,
            teachers[name],
            actor=coordinator,
            channel="coordinator_enrollment",
            training_class=first_class,
        )
        if approve and e.status == Enrollment.Status.SUBMITTED:
            enrollment.enrollment_decide(actor=base_admin, enrollment=e, decision="approve")


P004 = "mohrss-integrated-teacher-training"
# 杭州技师学院's planned classes: (days from today to the start, item, days, how far it goes).
CLASSES_004 = [
    (90, "l3-c1", 7, "planned"),
    (62, "l2-c2", 9, "applied"),
    (55, "l3-c3", 7, "plan_filed"),
    (48, "l2-c1", 9, "plan_approved"),
    (43, "l3-c5", 7, "enrolling"),
]
TRAINING_PLAN = {
    "goals": "掌握本级别工学一体化课程教学实施的方法",
    "courses": "学习任务分析、教学活动设计、课堂组织与实施，每天 8 课时",
    "assessment": "过程性考核（2 名授课骨干教师评分）；终结性考核（说课，3 名考核骨干教师线上评分）",
    "venue": "一体化教室 2 间，实训工位 30 个",
}


def demo_classes(by_name: dict[str, Organisation]) -> None:
    """Notice 004 at 杭州技师学院: an approved half-year plan whose classes stand at each step
    up to enrollment, and an unplanned class waiting for the province's consent."""
    base = by_name["杭州技师学院"]
    programme = Programme.objects.get(code=P004)
    if HalfYearPlan.objects.filter(programme=programme, institution=base).exists():
        return
    institution = _user(Role.BASE_ADMIN, base)
    province = _user(Role.PROVINCIAL_ADMIN, by_name["浙江省人力资源和社会保障厅"])
    centre = _user(Role.NATIONAL_ADMIN, by_name["人力资源和社会保障部"])
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
            actor=institution, programme=programme, institution=base, year=year, half=half
        )
        plans.plan_save_lines(actor=institution, plan=plan, lines=lines)
        plans.plan_submit(actor=institution, plan=plan)
        plans.plan_decide(actor=province, plan=plan, approve=True)
    for start_in, _item, _days, end in CLASSES_004:
        cls = TrainingClass.objects.get(
            plan_line__plan__institution=base,
            starts_on=today + datetime.timedelta(days=start_in),
        )
        steps = ("applied", "plan_filed", "plan_approved", "enrolling")
        if end not in steps:
            continue
        flow.class_apply(actor=institution, training_class=cls)
        if end == "applied":
            continue
        flow.class_mark_staffed(actor=institution, training_class=cls)  # the staffing app's step
        flow.class_file_plan(actor=institution, training_class=cls, **TRAINING_PLAN)
        if end == "plan_filed":
            continue
        flow.class_review_plan(actor=province, training_class=cls, approve=True)
        if end == "plan_approved":
            continue
        flow.class_record(actor=centre, training_class=cls)
        flow.class_open_enrollment(actor=institution, training_class=cls)
    # An unplanned class, waiting for the province's consent and stamped scan.
    flow.class_apply_unplanned(
        actor=institution,
        programme=programme,
        institution=base,
        item="l2-c5",
        reason="承接省级技能人才培养项目，需新增一期",
        starts_on=today + datetime.timedelta(days=70),
        ends_on=today + datetime.timedelta(days=78),
        capacity=24,
        place="杭州技师学院一体化教学楼",
    )


# 附件1 as two of 杭州技师学院's cooks fill it for the enrolling 三级·服务类 class.
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


def demo_class_enrollments(by_name: dict[str, Organisation]) -> None:
    """Two teachers of 杭州技师学院 apply into its enrolling 004 class with 附件1: the first is
    recommended by the institution's coordinator and admitted by the base, the second waits at
    the base's step."""
    base = by_name["杭州技师学院"]
    programme = Programme.objects.get(code=P004)
    training_class = TrainingClass.objects.filter(
        project__programme=programme, project__base=base, status=TrainingClass.Status.ENROLLING
    ).first()
    if training_class is None:
        return
    coordinator = _user(Role.SCHOOL_COORDINATOR, base)
    base_admin = _user(Role.BASE_ADMIN, base)
    item = training_class.project.item
    level = programme.rules.lineage(item)[-1].code
    rating = next(f for f in programme.rules.enrollment.application_form.fields if level in f.items)
    answers = {**APPLICATION_004, rating.code: dict.fromkeys(rating.rows, "一般")}
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
        enrollment.enrollment_decide(actor=coordinator, enrollment=e, decision="approve")
        if admitted:
            enrollment.enrollment_decide(actor=base_admin, enrollment=e, decision="approve")


def build(by_name: dict[str, Organisation]) -> None:
    demo_quotas(by_name)
    demo_projects(by_name)
    demo_enrollments(by_name)
    demo_classes(by_name)
    demo_class_enrollments(by_name)
