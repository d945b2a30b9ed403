"""A base hears when its project is reviewed (approved, returned, not approved) and published;
nobody hears of a decision that was refused, and whoever decided hears nothing."""

import pytest

from shipei.accounts.models import Role
from shipei.notifications.models import Notification
from shipei.projects import services
from shipei.projects.errors import ReasonRequired
from shipei.projects.tests.conftest import make_actor

pytestmark = pytest.mark.django_db


def titles(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("title", flat=True)
    )


def test_the_base_hears_its_project_approved_then_published(
    base_admin, national_admin, approved, tree
):
    colleague = make_actor(Role.BASE_ADMIN, tree["hz_base"])  # another admin of the same base
    services.project_publish(actor=national_admin.user, project=approved)

    expected = [
        "培训项目“职业院校数字化教学能力提升研修”已通过评审",
        "培训项目“职业院校数字化教学能力提升研修”已发布",
    ]
    assert titles(base_admin.user) == expected
    assert titles(colleague.user) == expected[1:]  # an admin from then on
    published = Notification.objects.filter(user=base_admin.user).order_by("pk").last()
    assert "教师可在项目目录中查看并报名" in published.body
    assert published.url == approved.get_absolute_url()
    assert titles(national_admin.user) == []


def test_the_base_hears_why_its_project_was_returned_or_not_approved(
    base_admin, national_admin, reviewed
):
    services.project_decide(
        actor=national_admin.user, project=reviewed, decision="return", reason="请补充实践课程安排"
    )

    note = Notification.objects.get(user=base_admin.user)
    assert note.title == "培训项目“职业院校数字化教学能力提升研修”被退回修改"
    assert note.body.endswith("意见：请补充实践课程安排")


def test_a_refused_decision_tells_nobody(base_admin, national_admin, reviewed):
    with pytest.raises(ReasonRequired):
        services.project_decide(actor=national_admin.user, project=reviewed, decision="reject")
    assert titles(base_admin.user) == []
