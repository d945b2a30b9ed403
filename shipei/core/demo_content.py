"""Demo content on top of the demo tree: quotas split down, and a 2026 programme of notice 002
with its windows open now, so that the project cycle can be clicked through. Idempotent."""

import datetime
from decimal import Decimal

from django.utils import timezone

from shipei.accounts.models import Role, RoleAssignment, User
from shipei.orgs.models import Organisation, Region
from shipei.programmes import services as programmes
from shipei.programmes.models import Programme
from shipei.programmes.presets import preset_load, preset_slugs
from shipei.projects import services as projects
from shipei.projects.models import Project, Review
from shipei.quotas import services as quotas

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


def _open_002(national: User) -> Programme:
    """Notice 002 cloned for 2026, its deadlines moved to the weeks ahead."""
    found = Programme.objects.filter(code=DEMO_002).first()
    if found is not None:
        return found
    source = Programme.objects.get(code="moe-2024-national-base-projects")
    programme = programmes.programme_clone(
        actor=national,
        programme=source,
        year=2026,
        code=DEMO_002,
        title="2026年国家级职业教育培训基地培训项目（演示）",
    )
    today = timezone.localdate()

    def day(n: int) -> str:
        return (today + datetime.timedelta(days=n)).isoformat()

    rules = programme.rules.model_dump(mode="json")
    rules["projects"]["application"] = {"closes": day(21)}
    rules["enrollment"]["window"] = {"opens": day(-1), "closes": day(45)}
    rules["enrollment"]["approval_chain"][0]["deadline"] = day(50)
    dates = {"apply": 21, "publish": 25, "enroll": 45, "approve": 50, "start": 56, "finish": 180}
    for milestone in rules["milestones"]:
        milestone["due"] = day(dates.get(milestone["code"], 60))
    programmes.programme_update_policy(
        actor=national,
        programme=programme,
        sections={k: rules[k] for k in ("projects", "enrollment", "milestones")},
    )
    return Programme.objects.get(pk=programme.pk)


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


def build(by_name: dict[str, Organisation]) -> None:
    demo_quotas(by_name)
    demo_projects(by_name)
