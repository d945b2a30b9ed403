"""The approver's to-do: exactly the enrollments at a step the user may take."""

from shipei.enrollment import selectors, services
from shipei.enrollment.tests.test_services import programme, submit, teacher  # noqa: F401


def test_each_approver_sees_what_waits_at_its_own_step(
    programme,  # noqa: F811
    tree,
    school_coordinator,
    city_admin,
    zhejiang_admin,
    jiangsu_admin,
    national_admin,
):
    e = submit(school_coordinator, programme, teacher(tree["hz_school"]))
    todo = lambda a: list(selectors.awaiting(user=a.user))  # noqa: E731
    assert todo(city_admin) == [e]
    assert todo(zhejiang_admin) == [] and todo(jiangsu_admin) == []
    assert todo(national_admin) == []  # no step of this chain is the ministry's
    services.enrollment_decide(actor=city_admin.user, enrollment=e, decision="approve")
    assert todo(city_admin) == [] and todo(zhejiang_admin) == [e]
    e.refresh_from_db()
    assert selectors.next_step(e) == {"label": "省教育厅确认", "role": "省级管理员"}
