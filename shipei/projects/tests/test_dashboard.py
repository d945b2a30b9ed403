"""The dashboard says what waits for each role in the project cycle."""

from shipei.projects import services


def test_national_admin_base_and_expert_each_see_their_to_do(
    client, national_admin, base_admin, expert, submitted, draft
):
    client.force_login(national_admin.user)
    page = client.get("/").content.decode()
    assert "待分配评审专家的项目" in page and "?status=submitted" in page
    services.project_assign_experts(
        actor=national_admin.user, project=submitted, experts=[expert.user]
    )
    client.force_login(expert.user)
    page = client.get("/").content.decode()
    assert "待评审的项目" in page and "/projects/reviews/" in page
    client.force_login(base_admin.user)
    assert "待完善或提交的项目" not in client.get("/").content.decode()  # its one is submitted


def test_the_base_finds_each_class_roster_on_its_published_project(
    client, base_admin, school_coordinator, published
):
    client.force_login(base_admin.user)
    page = client.get(f"/projects/{published.pk}/").content.decode()
    roster = f"/enrollment/classes/{published.classes.get().pk}/roster/?format=xlsx"
    assert "花名册" in page and roster in page
    assert client.get(roster).status_code == 200
    client.force_login(school_coordinator.user)
    assert "花名册" not in client.get(f"/catalogue/{published.pk}/").content.decode()
