"""A teacher's home page shows the training they enrolled in; officials get no 我的报名."""

from shipei.accounts.models import TeacherProfile
from shipei.enrollment.tests.test_services import programme, submit  # noqa: F401


def test_teacher_sees_its_enrollment_and_officials_no_personal_menu(
    client,
    programme,  # noqa: F811
    trainee,
    national_admin,
):
    TeacherProfile.objects.create(
        person=trainee.person, years_teaching=6, title="senior", teaching_major="会计"
    )
    submit(trainee, programme, trainee.person, channel="self_registration")
    client.force_login(trainee.user)
    page = client.get("/").content.decode()
    assert "测试计划" in page and "审核中" in page and "/enrollment/mine/" in page
    client.force_login(national_admin.user)
    assert "/enrollment/mine/" not in client.get("/").content.decode()


def test_two_items_of_one_programme_are_told_apart_by_item_with_the_status_in_amber(
    client,
    programme,  # noqa: F811
    trainee,
):
    """Issue 12: the same programme title twice, no item name, 审核中 in green."""
    TeacherProfile.objects.create(
        person=trainee.person, years_teaching=6, title="senior", teaching_major="会计"
    )
    first = submit(trainee, programme, trainee.person, channel="self_registration")
    second = submit(trainee, programme, trainee.person, item="k2", channel="self_registration")
    client.force_login(trainee.user)

    page = client.get("/").content.decode()

    for enrollment, item in ((first, "骨干教师培训"), (second, "青年教师研修")):
        assert f'<a href="{enrollment.get_absolute_url()}">{item}</a>' in page
    assert page.count('<span class="badge sp-badge-warn">审核中</span>') == 2
    assert 'sp-badge-ok">审核中' not in page
