"""Demo content on top of the demo tree: quotas split down, and 2026 copies of notices 000, 001
and 002 whose whole calendar is moved so that their registration (and 002's project
applications) are open now, so that the cycles can be clicked through; notice 004's classes at
their steps. Idempotent."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shipei.accounts.models import Person, Role, User
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

from . import classes004
from .people import user_of

DEMO_002 = "demo-2026-national-base-projects"


def demo_quotas(by_name: dict[str, Organisation]) -> None:
    """The five notices, and Zhejiang's split of 000's first phase down to a school."""
    for slug in preset_slugs():
        preset_load(slug)  # idempotent; also links the notice to its issuing department
    programme = Programme.objects.get(code="moe-2020-innovation-team-online")
    province = user_of(Role.PROVINCIAL_ADMIN, by_name["浙江省教育厅"])
    city = user_of(Role.CITY_ADMIN, by_name["杭州市教育局"])
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
    # Published projects moved on as they run, up to completed (classes of the past included).
    (
        "杭州职业技术学院",
        "dual_teacher_base",
        "现代学徒制教学组织与管理研修",
        "offline",
        5,
        40,
        2000,
        [30],
        "enrolling",
    ),
    (
        "浙江数智制造科技有限公司",
        "enterprise_practice_base.skills",
        "智能制造产线运维企业实践（技能培训）",
        "offline",
        10,
        80,
        3600,
        [20],
        "enrollment_closed",
    ),
    (
        "宁波职业技术学院",
        "dual_teacher_base",
        "职业院校教师信息化教学能力研修",
        "online",
        5,
        40,
        1500,
        [-2],
        "running",
    ),
    (
        "杭州职业技术学院",
        "dual_teacher_base",
        "职业教育教学成果培育与申报研修",
        "offline",
        5,
        40,
        2000,
        [-40],
        "completed",
    ),
]
# The states a published project goes through as it runs, in order.
RUN_STATES = ["enrolling", "enrollment_closed", "running", "completed"]


def demo_projects(by_name: dict[str, Organisation]) -> None:
    national = user_of(Role.NATIONAL_ADMIN, by_name["教育部"])
    expert = user_of(Role.EXPERT_REVIEWER, by_name["北京交通大学"])
    programme = _open_002(national)
    today = timezone.localdate()
    for base_name, item, title, mode, days, hours, fee, starts, end in PROJECTS:
        if Project.objects.filter(programme=programme, title=title).exists():
            continue
        base = by_name[base_name]
        applicant = user_of(Role.BASE_ADMIN, base)
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
        if end in RUN_STATES:
            for to in RUN_STATES[: RUN_STATES.index(end) + 1]:
                projects.project_advance(actor=applicant, project=project, to=to)


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
    national = user_of(Role.NATIONAL_ADMIN, by_name["教育部"])
    province = user_of(Role.PROVINCIAL_ADMIN, by_name["浙江省教育厅"])
    coordinator = user_of(Role.SCHOOL_COORDINATOR, by_name["杭州市中策职业学校"])
    trainee = user_of(Role.TRAINEE, by_name["杭州市中策职业学校"])
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
    base_admin = user_of(Role.BASE_ADMIN, by_name["杭州职业技术学院"])
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


def build(by_name: dict[str, Organisation]) -> None:
    demo_quotas(by_name)
    demo_projects(by_name)
    demo_enrollments(by_name)
    classes004.demo_classes(by_name)
    classes004.demo_class_enrollments(by_name)
