"""Last year's quotas in this year's copy: carried by the clone (as they were or scaled), or
last year's exported table imported into the copy."""

import io
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from shipei.orgs.models import Region
from shipei.programmes.models import Programme
from shipei.programmes.services import programme_clone
from shipei.quotas import exports, imports, services
from shipei.quotas.carry import QuotaCopyRefused, quota_copy
from shipei.quotas.models import Quota, QuotaChange

from .conftest import new_programme

pytestmark = pytest.mark.django_db

CITIES = {"330100": 10, "330200": 11, "330300": 12}


def tree_of(programme: Programme) -> set[tuple]:
    """Every quota as (item, receiver, seats, on demand, its parent's receiver)."""
    return {
        (
            q.item,
            q.receiver_name,
            q.seats,
            q.on_demand,
            q.parent.receiver_name if q.parent_id else None,
        )
        for q in Quota.objects.filter(programme=programme).select_related("parent")
    }


@pytest.fixture
def last_year(zhejiang_admin, tree):
    """A programme of 2026 with city quotas for p1, 杭州's split to a school, and p2's seats
    kept at the province on demand."""
    programme = new_programme(
        zhejiang_admin.user, tree["zj"], code="zj-2026", title="2026年浙江省骨干教师培训"
    )
    actor = zhejiang_admin.user
    for code, seats in CITIES.items():
        services.quota_set(
            actor=actor,
            programme=programme,
            item="p1",
            seats=seats,
            region=Region.objects.get(code=code),
        )
    services.quota_set(actor=actor, programme=programme, item="p1", seats=7, org=tree["hz_school"])
    services.quota_set(
        actor=actor,
        programme=programme,
        item="p2",
        seats=9,
        region=Region.objects.get(code="330500"),
    )
    return programme


def clone(actor, programme, **kwargs) -> Programme:
    return programme_clone(actor=actor, programme=programme, year=2027, code="zj-2027", **kwargs)


def test_a_clone_carries_last_years_quotas_as_they_were(zhejiang_admin, last_year):
    copy = clone(zhejiang_admin.user, last_year, copy_quotas=100)
    assert tree_of(copy) == tree_of(last_year)
    assert copy.copied_from == last_year
    changes = QuotaChange.objects.filter(quota__programme=copy)
    assert {c.reason for c in changes} == {"复制自2026年浙江省骨干教师培训"}


def test_a_clone_scales_each_items_total_and_keeps_every_split_within_its_parent(
    zhejiang_admin, tree, last_year
):
    copy = clone(zhejiang_admin.user, last_year, copy_quotas=120)
    seats = {(q.item, q.receiver_name): q.seats for q in Quota.objects.filter(programme=copy)}
    # p1: 33 × 120 % = 39.6 → 40, shared 10 : 11 : 12 by largest remainder.
    assert [seats[("p1", n)] for n in ("杭州市", "宁波市", "温州市")] == [12, 13, 15]
    assert seats[("p1", tree["hz_school"].name)] == 8  # 7 × 120 % = 8.4, within 杭州's 12
    assert seats[("p2", "湖州市")] == 11  # 9 × 120 % = 10.8
    hangzhou = Quota.objects.get(programme=copy, item="p1", region_id="330100")
    assert hangzhou.seats_split == 8


def test_a_clone_without_the_option_carries_no_quotas(zhejiang_admin, last_year):
    assert not Quota.objects.filter(programme=clone(zhejiang_admin.user, last_year)).exists()


def test_the_clone_page_and_api_offer_to_copy_the_quotas(client, zhejiang_admin, last_year):
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/programmes/{last_year.pk}/clone/").content.decode()
    assert "同时复制名额" in page and "名额比例（%）" in page
    response = client.post(
        f"/programmes/{last_year.pk}/clone/",
        {"year": "2027", "code": "zj-2027", "copy_quotas": "on", "quota_percent": "100"},
        follow=True,
    )
    assert "已复制 5 个名额（按原数的 100%），申报项目未复制" in response.content.decode()
    assert tree_of(Programme.objects.get(code="zj-2027")) == tree_of(last_year)
    response = client.post(
        f"/api/v1/programmes/{last_year.pk}/clone/",
        {"year": 2028, "code": "zj-2028", "copy_quotas": 50},
        content_type="application/json",
    )
    assert response.status_code == 201
    copy = Programme.objects.get(code="zj-2028")
    assert (
        sum(Quota.objects.filter(programme=copy, parent=None).values_list("seats", flat=True)) == 22
    )


def test_a_refused_seat_names_its_cell_and_copies_nothing(zhejiang_admin, tree, last_year):
    other = new_programme(
        zhejiang_admin.user,
        tree["zj"],
        code="zj-2027-other",
        items=[{"code": "p2", "label": "班主任能力提升", "kind": "phase"}],
    )
    with pytest.raises(QuotaCopyRefused, match=r"复制名额未完成（p1 / 杭州市）：") as caught:
        quota_copy(actor=zhejiang_admin.user, source=last_year, target=other)
    assert "p1" in caught.value.message
    assert not Quota.objects.filter(programme=other).exists()


def test_last_years_export_imports_into_this_years_copy(client, zhejiang_admin, last_year):
    copy = clone(zhejiang_admin.user, last_year)
    book = load_workbook(io.BytesIO(exports.quota_xlsx(last_year)))
    sheet = book.active
    assert sheet.cell(1, 1).value == "2026年浙江省骨干教师培训名额分配表"
    # This year 宁波 gets 20 of 专业骨干教师培训: one cell changed in last year's file.
    header = [c.value for c in sheet[2]]
    row = next(
        r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 1).value == "专业骨干教师培训"
    )
    sheet.cell(row, header.index("宁波市") + 1, 20)
    out = io.BytesIO()
    book.save(out)

    _sheet, upload, problems = imports.parse_quota_table(programme=copy, upload=out.getvalue())
    assert problems == []
    assert upload.warnings[0] == "已按复制来源“2026年浙江省骨干教师培训”的名额表版式读取。"
    client.force_login(zhejiang_admin.user)
    response = client.post(
        f"/programmes/{copy.pk}/quotas/import/",
        {"file": SimpleUploadedFile("名额表-zj-2026.xlsx", out.getvalue())},
        follow=True,
    )
    assert "导入完成" in response.content.decode()
    seats = {
        (q.item, q.region_id): q.seats for q in Quota.objects.filter(programme=copy, parent=None)
    }
    assert seats == {
        **{("p1", c): n for c, n in CITIES.items()},
        ("p1", "330200"): 20,
        ("p2", "330500"): 9,
    }


def test_a_table_of_another_programme_is_still_refused_by_its_title(
    zhejiang_admin, tree, last_year
):
    stranger = new_programme(zhejiang_admin.user, tree["zj"], code="zj-other", title="另一个计划")
    services.quota_set(
        actor=zhejiang_admin.user,
        programme=stranger,
        item="p1",
        seats=3,
        region=Region.objects.get(code="330100"),
    )
    copy = clone(zhejiang_admin.user, last_year)
    _sheet, _upload, problems = imports.parse_quota_table(
        programme=copy, upload=exports.quota_xlsx(stranger)
    )
    assert any("与本培训计划的名额表" in str(p) for p in problems)
    assert not Quota.objects.filter(programme=copy).exists()


def test_a_notice_tables_export_imports_into_its_copy_with_its_on_demand_rows(zhejiang_admin):
    call_command("load_preset", "zj-2020-vocational-teacher", stdout=StringIO())
    source = Programme.objects.get(code="zj-2020-vocational-teacher")
    copy = programme_clone(
        actor=zhejiang_admin.user, programme=source, year=2021, code="zj-2021-vocational-teacher"
    )
    _sheet, upload, problems = imports.parse_quota_table(
        programme=copy, upload=exports.quota_xlsx(source)
    )
    assert problems == []
    assert upload.warnings[0].startswith("已按复制来源")  # the notice's layout, not the copy's
    imports.quota_table_import(actor=zhejiang_admin.user, programme=copy, upload=upload)
    assert tree_of(copy) == tree_of(source)
    assert Quota.objects.filter(programme=copy, on_demand=True).exists()


def test_an_item_renamed_in_the_copy_is_found_by_its_label(zhejiang_admin, last_year):
    copy = clone(zhejiang_admin.user, last_year)
    copy.policy["items"][0]["code"] = "k1"  # 专业骨干教师培训 has a new code this year
    copy.save(update_fields=["policy"])
    copy = Programme.objects.get(pk=copy.pk)
    _sheet, upload, problems = imports.parse_quota_table(
        programme=copy, upload=exports.quota_xlsx(last_year)
    )
    assert problems == []
    imports.quota_table_import(actor=zhejiang_admin.user, programme=copy, upload=upload)
    seats = {(q.item, q.region_id): q.seats for q in Quota.objects.filter(programme=copy)}
    assert seats == {**{("k1", c): n for c, n in CITIES.items()}, ("p2", "330500"): 9}
