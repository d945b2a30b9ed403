"""A new programme's first quotas: the matrix offers the receivers its quota scope names,
item by item, and keeps the seats typed."""

import io
import re

import pytest
from openpyxl import load_workbook

from shipei.orgs.models import Designation, Region
from shipei.orgs.tests.factories import SchoolFactory
from shipei.quotas import exports, imports, services
from shipei.quotas.models import Quota, QuotaChange
from shipei.quotas.receivers import scope_receivers

from .conftest import new_programme

pytestmark = pytest.mark.django_db

ZJ_CITIES = [f"33{n:02d}00" for n in range(1, 12)]


def inputs(page: str) -> set[str]:
    return set(re.findall(r'<input type="text" name="(c:[^"]+)"', page))


def test_a_new_city_scope_programme_gets_its_first_quotas_for_the_eleven_cities(
    client, zhejiang_admin, tree
):
    programme = new_programme(zhejiang_admin.user, tree["zj"])
    target = f"/programmes/{programme.pk}/quotas/"
    client.force_login(zhejiang_admin.user)

    page = client.get(target).content.decode()
    assert "专业骨干教师培训" in page and "班主任能力提升" in page  # rows before any quota
    page = client.get(f"{target}?edit=1").content.decode()
    assert "添加全部 11 个设区市" in page
    assert "江苏" not in page and "北京市" not in page  # only the owner's province

    page = client.get(f"{target}?at=&edit=1&all=1").content.decode()
    assert inputs(page) == {f"c:{i}:r{c}" for i in ("p1", "p2") for c in ZJ_CITIES}
    assert "添加全部" not in page

    seats = {f"c:p1:r{c}": str(10 + n) for n, c in enumerate(ZJ_CITIES)}
    seats["c:p2:r330100"] = "５"  # full-width, as a phone keyboard may type it
    response = client.post(
        f"{target}?at=",
        {**seats, "add": [f"r{c}" for c in ZJ_CITIES], "reason": "首次分配", "action": "save"},
    )
    assert response.status_code == 302
    kept = {(q.item, q.region_id): q.seats for q in Quota.objects.filter(programme=programme)}
    assert kept == {
        **{("p1", c): 10 + n for n, c in enumerate(ZJ_CITIES)},
        ("p2", "330100"): 5,
    }
    assert QuotaChange.objects.filter(quota__programme=programme, reason="首次分配").count() == 12
    page = client.get(target).content.decode()
    assert "丽水市" in page and f"{sum(range(10, 21)) + 5:,}" in page  # the grand total


def test_each_item_gets_cells_only_for_the_receivers_its_own_scope_names(
    client, zhejiang_admin, tree
):
    programme = new_programme(
        zhejiang_admin.user,
        tree["zj"],
        items=[
            {"code": "p1", "label": "专业骨干教师培训", "kind": "phase"},
            {"code": "p2", "label": "校长任职资格", "kind": "phase", "quota_scope": "school"},
            {"code": "p3", "label": "线上自学", "kind": "phase", "quota_scope": "none"},
        ],
    )
    school = tree["hz_school"]
    target = f"/programmes/{programme.pk}/quotas/"
    client.force_login(zhejiang_admin.user)
    page = client.get(f"{target}?at=&edit=1&receiver=r330100&receiver=o{school.pk}").content
    names = inputs(page.decode())
    assert names == {"c:p1:r330100", f"c:p2:o{school.pk}"}
    table = page.decode().split("sp-matrix", 1)[1].split("</table>", 1)[0]
    assert "校长任职资格" in table and "线上自学" not in table  # no quotas, no row
    # A forged cell for a receiver outside the item's scope is no cell: nothing is saved.
    client.post(
        f"{target}?at=",
        {
            "add": ["r330100", f"o{school.pk}"],
            "c:p1:r330100": "8",
            f"c:p1:o{school.pk}": "3",
            f"c:p2:o{school.pk}": "2",
            "action": "save",
        },
    )
    kept = {(q.item, q.receiver_name): q.seats for q in Quota.objects.filter(programme=programme)}
    assert kept == {("p1", "杭州市"): 8, ("p2", school.name): 2}


def test_a_province_scope_national_programme_offers_the_provinces(client, national_admin, tree):
    programme = new_programme(
        national_admin.user, tree["moe"], code="moe-2027-new", title="2027年国培", scope="province"
    )
    client.force_login(national_admin.user)
    page = client.get(f"/programmes/{programme.pk}/quotas/?at=&edit=1").content.decode()
    provinces = Region.objects.filter(level=Region.Level.PROVINCE).count()
    assert f"添加全部 {provinces} 个省份" in page
    assert 'value="r330000"' in page and 'value="r330100"' not in page


def test_a_base_scope_programme_offers_the_training_bases_only(client, zhejiang_admin, tree):
    base = tree["hz_base"]
    Designation.objects.create(organisation=base, kind=Designation.Kind.PROVINCIAL_BASE)
    programme = new_programme(zhejiang_admin.user, tree["zj"], scope="base")
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/programmes/{programme.pk}/quotas/?at=&edit=1").content.decode()
    assert f'value="o{base.pk}"' in page
    assert f'value="o{tree["hz_school"].pk}"' not in page and 'value="r330100"' not in page
    assert "添加全部 1 个培训基地" in page


def test_school_scope_lists_only_schools_in_the_owners_area(client, zhejiang_admin, tree):
    other = SchoolFactory(parent=tree["nj"], region=Region.objects.get(code="320100"))
    programme = new_programme(zhejiang_admin.user, tree["zj"], scope="school")
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/programmes/{programme.pk}/quotas/?at=&edit=1").content.decode()
    assert f'value="o{tree["hz_school"].pk}"' in page
    assert f'value="o{other.pk}"' not in page


def test_a_new_programmes_export_lists_every_item_to_fill_and_reads_back(zhejiang_admin, tree):
    programme = new_programme(zhejiang_admin.user, tree["zj"])
    services.quota_set(
        actor=zhejiang_admin.user,
        programme=programme,
        item="p1",
        seats=12,
        region=Region.objects.get(code="330100"),
    )
    book = load_workbook(io.BytesIO(exports.quota_xlsx(programme)))
    sheet = book.active
    rows = {sheet.cell(r, 1).value: r for r in range(3, sheet.max_row + 1)}
    assert "班主任能力提升" in rows  # no quota yet, a row to fill all the same
    assert [c.value for c in sheet[2]] == ["培训项目", "杭州市", "合计"]
    sheet.cell(rows["班主任能力提升"], 2, 4)
    out = io.BytesIO()
    book.save(out)
    _sheet, upload, problems = imports.parse_quota_table(programme=programme, upload=out.getvalue())
    assert problems == []  # the stale totals row is only a warning
    imports.quota_table_import(actor=zhejiang_admin.user, programme=programme, upload=upload)
    seats = {(q.item, q.region_id): q.seats for q in Quota.objects.filter(programme=programme)}
    assert seats == {("p1", "330100"): 12, ("p2", "330100"): 4}


def test_the_receivers_offered_start_from_the_programme_owner(tree, zhejiang_admin, national_admin):
    zj = new_programme(zhejiang_admin.user, tree["zj"], scope="city")
    labels = [
        r.label for r in scope_receivers(user=zhejiang_admin.user, programme=zj, scopes={"city"})
    ]
    assert labels[:2] == ["杭州市", "宁波市"] and len(labels) == 11
    assert "江苏省" not in labels and "浙江省" not in labels and "南京市" not in labels
    schools = scope_receivers(user=zhejiang_admin.user, programme=zj, scopes={"school"})
    assert tree["hz_school"].name in {r.label for r in schools}
    assert tree["nj_school"].name not in {r.label for r in schools}
    national = new_programme(
        national_admin.user, tree["moe"], code="n", title="国家计划", scope="province"
    )
    provinces = scope_receivers(user=national_admin.user, programme=national, scopes={"province"})
    assert {"浙江省", "江苏省"} <= {r.label for r in provinces}
    assert scope_receivers(user=national_admin.user, programme=national, scopes=set()) == []


def test_an_item_with_its_own_scope_opens_the_quota_page_of_a_programme_without_quotas(
    client, zhejiang_admin, tree
):
    programme = new_programme(
        zhejiang_admin.user,
        tree["zj"],
        scope="none",
        items=[
            {"code": "p1", "label": "线上自学", "kind": "phase"},
            {"code": "p2", "label": "校长任职资格", "kind": "phase", "quota_scope": "school"},
        ],
    )
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert f'href="/programmes/{programme.pk}/quotas/"' in page
    page = client.get(f"/programmes/{programme.pk}/quotas/?edit=1").content.decode()
    assert "校长任职资格" in page and f'value="o{tree["hz_school"].pk}"' in page
