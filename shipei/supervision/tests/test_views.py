import io

from django.urls import reverse
from openpyxl import load_workbook

from shipei.supervision.models import Inspection, SpotCheck

from .conftest import draw, hz_inspection, photo, through

INDEX = reverse("supervision:index")
DRAW = reverse("supervision:draw")


def _post_draw(client, world, area, **more):
    data = {
        "programme": world.programme.pk,
        "target": "class",
        "area": area.pk,
        "stratify": "",
        "size_kind": "count",
        "size_value": "2",
        "seed": "",
        **more,
    }
    return client.post(DRAW, data)


def test_an_admin_draws_on_the_page_and_lands_on_the_record(client, world, zhejiang_admin):
    client.force_login(zhejiang_admin.user)

    response = _post_draw(client, world, zhejiang_admin.org, seed="42")

    spot_check = SpotCheck.objects.get()
    assert response.status_code == 302
    assert response["Location"] == spot_check.get_absolute_url()
    page = client.get(spot_check.get_absolute_url()).content.decode()
    assert (
        '<code id="seed">42</code>' in page
        and "重现抽样" in page
        and spot_check.inputs["rule"] in page
    )


def test_a_bad_size_on_the_page_says_why_and_keeps_the_form(client, world, zhejiang_admin):
    client.force_login(zhejiang_admin.user)

    response = _post_draw(client, world, zhejiang_admin.org, size_value="0")

    assert response.status_code == 200
    page = response.content.decode()
    assert "抽取数量应在 1 到 6 之间" in page
    assert not SpotCheck.objects.exists()


def test_an_area_outside_scope_on_the_page_is_refused(client, world, zhejiang_admin, tree):
    client.force_login(zhejiang_admin.user)

    response = _post_draw(client, world, tree["js"])

    assert "不在您的管辖范围内" in response.content.decode()
    assert not SpotCheck.objects.exists()


def test_a_base_may_not_open_the_draw_page(client, world, base_admin):
    client.force_login(base_admin.user)

    assert client.get(DRAW).status_code == 403


def test_a_trainee_has_no_supervision_list(client, world, trainee):
    client.force_login(trainee.user)

    assert client.get(INDEX).status_code == 403


def test_another_provinces_draw_is_404(client, world, zhejiang_admin, jiangsu_admin):
    spot_check = draw(zhejiang_admin, world)
    client.force_login(jiangsu_admin.user)

    assert client.get(spot_check.get_absolute_url()).status_code == 404
    assert client.get(reverse("supervision:export", args=[spot_check.pk])).status_code == 404
    inspection = spot_check.inspections.first()
    assert client.get(inspection.get_absolute_url()).status_code == 404


def test_reproduce_says_the_sample_matches(client, world, zhejiang_admin):
    spot_check = draw(zhejiang_admin, world, stratify="region")
    client.force_login(zhejiang_admin.user)

    response = client.get(
        reverse("supervision:reproduce", args=[spot_check.pk]), HTTP_HX_REQUEST="true"
    )

    assert "一致：按记录的随机种子 20260601" in response.content.decode()


def test_the_list_filters_by_state_and_region(client, world, national_admin):
    spot_check = draw(national_admin, world, size_kind="percent", size_value=100)
    Inspection.objects.filter(spot_check=spot_check, base=world.bases["nj"]).update(
        status="assigned"
    )
    client.force_login(national_admin.user)

    assigned = client.get(INDEX, {"status": "assigned"}).content.decode()
    zhejiang = client.get(INDEX, {"region": "330000"}).content.decode()

    assert "南京项目0" in assigned and "杭州项目0" not in assigned
    assert "杭州项目0" in zhejiang and "南京项目0" not in zhejiang


def test_the_base_sees_its_inspection_only_once_inspected(
    client, world, zhejiang_admin, city_admin, base_admin
):
    inspection = hz_inspection(draw(zhejiang_admin, world, size_kind="percent", size_value=100))
    client.force_login(base_admin.user)
    assert client.get(inspection.get_absolute_url()).status_code == 404
    assert str(inspection) not in client.get(INDEX).content.decode()

    through(inspection, zhejiang_admin, city_admin, base_admin, "inspected")

    page = client.get(inspection.get_absolute_url()).content.decode()
    assert "实训设备不足" in page and "回复检查发现" in page


def test_the_steps_on_the_inspection_page(client, world, zhejiang_admin, city_admin, base_admin):
    inspection = hz_inspection(draw(zhejiang_admin, world, size_kind="percent", size_value=100))
    url = inspection.get_absolute_url()

    client.force_login(zhejiang_admin.user)
    client.post(url, {"step": "assign", "assign-inspector": city_admin.user.pk})
    client.force_login(city_admin.user)
    refused = client.post(
        url, {"step": "record", "record-findings": "教学有序", "record-rating": "很好"}
    )
    assert "评价等级只能是优秀、良好、合格或不合格" in refused.content.decode()
    assert "教学有序" in refused.content.decode()  # what was typed stays
    client.post(
        url,
        {
            "step": "record",
            "record-findings": "教学有序",
            "record-rating": "excellent",
            "record-files": [photo()],
        },
    )
    client.force_login(base_admin.user)
    client.post(url, {"step": "respond", "respond-response": "继续保持"})
    client.force_login(zhejiang_admin.user)
    client.post(url, {"step": "close", "close-note": "结案"})

    inspection.refresh_from_db()
    assert inspection.status == "closed" and inspection.rating == "excellent"
    kept = inspection.files.get()
    shown = client.get(reverse("supervision:file", args=[inspection.pk, kept.pk]))
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"


def test_a_step_the_user_may_not_take_is_403(client, world, zhejiang_admin, city_admin, base_admin):
    inspection = hz_inspection(draw(zhejiang_admin, world, size_kind="percent", size_value=100))
    through(inspection, zhejiang_admin, city_admin, base_admin, "inspected")
    client.force_login(base_admin.user)

    response = client.post(inspection.get_absolute_url(), {"step": "close"})

    assert response.status_code == 403


def test_the_export_holds_the_findings_and_the_draws_record(
    client, world, zhejiang_admin, city_admin, base_admin
):
    spot_check = draw(zhejiang_admin, world, size_kind="percent", size_value=100)
    through(hz_inspection(spot_check), zhejiang_admin, city_admin, base_admin, "closed")
    client.force_login(zhejiang_admin.user)

    response = client.get(reverse("supervision:export", args=[spot_check.pk]))

    book = load_workbook(io.BytesIO(response.content))
    results = [[c.value for c in row] for row in book["抽检结果"].iter_rows()]
    assert len(results) == 1 + 6
    done = next(r for r in results if r[5] == "已结案")
    assert done[8] == "课程表与方案一致，实训设备不足。" and done[9] == "良好" and done[10] == 85
    record = {row[0].value: row[1].value for row in book["抽样记录"].iter_rows() if row[0].value}
    assert record["随机种子"] == "20260601"


def test_the_menu_offers_supervision_to_admins_and_bases_not_to_trainees(
    client, world, zhejiang_admin, trainee
):
    client.force_login(zhejiang_admin.user)
    assert INDEX in client.get(reverse("dashboard")).content.decode()
    client.force_login(trainee.user)
    assert INDEX not in client.get(reverse("dashboard")).content.decode()


def test_a_page_left_open_says_the_check_has_moved_on(
    client, world, zhejiang_admin, city_admin, base_admin
):
    inspection = hz_inspection(draw(zhejiang_admin, world, size_kind="percent", size_value=100))
    through(inspection, zhejiang_admin, city_admin, base_admin, "inspected")
    client.force_login(city_admin.user)

    response = client.post(
        inspection.get_absolute_url(),
        {"step": "record", "record-findings": "再记一次", "record-rating": "fail"},
        follow=True,
    )

    assert "当前状态为“已检查，待基地回复”，不能执行此操作。" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.rating == "good"
