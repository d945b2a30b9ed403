"""Fixtures for enrollment into a class under notice 004: its programme (the preset's policy, the
application form 附件1 included), a technical school with a teacher and its coordinator, and an
enrolling class of 二级·机械类 at 杭州职业技术学院 made directly (the class's own lifecycle is
the classes app's to test)."""

import datetime
from typing import Any

from django.utils import timezone

from shipei.accounts.models import Role, User
from shipei.classes.models import TrainingClass
from shipei.enrollment import services
from shipei.enrollment.tests.conftest import holder, teacher_at
from shipei.orgs.models import Organisation, Region
from shipei.orgs.tests.factories import SchoolFactory
from shipei.presets.loader import preset_data
from shipei.programmes.models import Programme
from shipei.projects.services import project_for_classes

P004 = "mohrss-integrated-teacher-training"
SCALE = ["较差", "一般", "较好", "很好"]


def programme_004(code: str = "c004", owner: Organisation | None = None) -> Programme:
    data = preset_data(P004)
    return Programme.objects.create(
        code=code, title=data["title"], year=None, policy=data["policy"], owner=owner
    )


def technical_school(parent: Organisation, name: str = "杭州技师学院") -> Organisation:
    return SchoolFactory(
        parent=parent,
        name=name,
        school_kind=Organisation.SchoolKind.TECHNICAL,
        region=parent.region or Region.objects.get(code="330100"),
    )


def enrolling_class(
    programme: Programme, base_user: Any, base: Organisation, *, item: str = "l2-c1", **kw: Any
) -> TrainingClass:
    project = project_for_classes(actor=base_user, programme=programme, base=base, item=item)
    start = timezone.localdate() + datetime.timedelta(days=20)
    fields = {
        "seq": project.classes.count() + 1,
        "starts_on": start,
        "ends_on": start + datetime.timedelta(days=8),
        "capacity": 30,
        "place": "实训楼",
        "status": TrainingClass.Status.ENROLLING,
        **kw,
    }
    return TrainingClass.objects.create(project=project, **fields)


def answers(level: str = "l2", **changes: Any) -> dict[str, Any]:
    """A complete 附件1 for an applicant to a class of `level`."""
    programme_rows = {
        f["code"]: f["rows"]
        for f in preset_data(P004)["policy"]["enrollment"]["application_form"]["fields"]
        if f["kind"] == "rating"
    }
    out = {
        "ethnicity": "汉族",
        "address": "浙江省杭州市上城区XX路1号",
        "education": "本科",
        "education_major": "机械设计制造及其自动化",
        "skill_level": "高级技师（数控车工）",
        "competitions": "",
        "current_major": "数控加工",
        "first_phase_major": "是",
        "construction_work": "2022年起参与学院数控加工专业工学一体化专业申报材料撰写。",
        "teaching_work": "讲授数控车削加工课程，学生为中级工阶段。",
        "past_training": "否",
        "development_work": "否",
        f"self_assessment_{level}": dict.fromkeys(
            programme_rows[f"self_assessment_{level}"], "较好"
        ),
        "needs": "希望多安排学习任务设计的实操练习；需要清真餐。",
        "declaration": True,
    }
    out.update(changes)
    return out


class World:
    """Who takes part: the teacher, the unit's coordinator, the base's admin."""

    def __init__(self, tree: dict[str, Organisation]) -> None:
        self.school = technical_school(tree["hz"])
        self.teacher = teacher_at(self.school, major="数控技术应用")
        self.user = User.objects.create_user(
            f"t{self.teacher.pk}", "Secret123", person=self.teacher
        )
        self.coordinator = holder(Role.SCHOOL_COORDINATOR, self.school)
        self.base = tree["hz_base"]
        self.base_admin = holder(Role.BASE_ADMIN, self.base)
        self.programme = programme_004()
        self.training_class = enrolling_class(self.programme, self.base_admin, self.base)

    def apply(self, **kw: Any) -> Any:
        return services.enrollment_submit(
            actor=kw.pop("actor", self.user),
            programme=kw.pop("programme", self.programme),
            item=kw.pop("item", "l2-c1"),
            person=kw.pop("person", self.teacher),
            channel="self_registration",
            training_class=kw.pop("training_class", self.training_class),
            answers=kw.pop("answers", answers()),
            **kw,
        )
