"""The class steps and milestones in the programme's editor: shown by name, saved as codes, and a
step left out under a milestone that needs it refused beside the field."""

from shipei.programmes.models import Programme
from shipei.programmes.tests.test_views import _section_post


def test_the_classes_section_keeps_its_steps_and_refuses_a_milestone_without_its_step(
    client, national_admin, p004
):
    client.force_login(national_admin.user)
    url = f"/programmes/{p004.pk}/edit/classes/"
    page = client.get(url).content.decode()
    for words in ("班次实施环节", "报送半年培训计划", "部指导中心备案", "推荐骨干教师"):
        assert words in page, words
    data = _section_post(p004, "classes")
    response = client.post(url, data)
    assert response.status_code == 302
    assert Programme.objects.get(pk=p004.pk).rules.classes == p004.rules.classes

    data["s-steps"] = ["semiannual_plan", "application", "plan_filing"]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "工作节点“推荐骨干教师”对应的环节“骨干教师选聘”未启用" in response.content.decode()
    assert Programme.objects.get(pk=p004.pk).rules.classes.uses("staffing")
    shown = client.get(p004.get_absolute_url()).content.decode()
    assert "开班申请：开班前 40 天" in shown and "报送半年培训计划" in shown
