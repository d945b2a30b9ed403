"""The policy's quota settings in force in the quota services (matrix, apportionment, imports and
API all write through them): quota.scope names who receives the owner's seats, an item's
planned_seats caps what the owner hands out for it; the receivers' admins hear of changes."""

from typing import Any

import pytest

from shipei.notifications.models import Notification
from shipei.orgs.models import Designation, Region
from shipei.programmes.models import Programme
from shipei.quotas import services
from shipei.quotas.errors import (
    QuotaBatchRefused,
    QuotaOutsideScope,
    QuotaOverPlanned,
    QuotaScopeNone,
)
from shipei.quotas.models import Quota

pytestmark = pytest.mark.django_db


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def provincial(tree: Any, scope: str, **item: Any) -> Programme:
    """浙江's own programme, one phase (with `item`'s settings)."""
    policy = {
        "items": [{"code": "p1", "label": "第1期", "kind": "phase", **item}],
        "enrollment": {"channels": ["nomination"]},
        "quota": {"scope": scope},
    }
    return Programme.objects.create(
        code=f"zj-{scope}", title="浙江省计划", year=2026, policy=policy, owner=tree["zj"]
    )


def give(actor: Any, programme: Programme, seats: int, **receiver: Any) -> Quota:
    return services.quota_set(
        actor=actor.user, programme=programme, item="p1", seats=seats, **receiver
    )


# ---- quota.scope ------------------------------------------------------------------------------


def test_city_scope_gives_to_cities_only(tree, zhejiang_admin):
    programme = provincial(tree, "city")
    with pytest.raises(QuotaOutsideScope) as exc:
        give(zhejiang_admin, programme, 5, org=tree["hz_school"])
    assert exc.value.message == (
        "“第1期（p1）”按市分配：杭州市中策职业学校不能直接接收本计划的名额，"
        "应分配给设区市（地级）。"
    )
    with pytest.raises(QuotaOutsideScope, match="浙江省不能直接接收"):
        give(zhejiang_admin, programme, 5, region=region("330000"))
    give(zhejiang_admin, programme, 5, region=region("330100"))
    # Below the city's quota, the city's seats go to its schools.
    school = give(zhejiang_admin, programme, 2, org=tree["hz_school"])
    assert school.parent.region_id == "330100"
    assert list(
        Quota.objects.filter(programme=programme).order_by("pk").values_list("seats", flat=True)
    ) == [5, 2]


def test_below_the_scope_seats_are_split_freely(tree, national_admin, zhejiang_admin, city_admin):
    policy = {
        "items": [{"code": "p1", "label": "第1期", "kind": "phase"}],
        "enrollment": {"channels": ["nomination"]},
        "quota": {"scope": "province"},
    }
    programme = Programme.objects.create(code="n", title="国家计划", year=2026, policy=policy)
    give(national_admin, programme, 20, region=region("330000"))
    with pytest.raises(QuotaOutsideScope, match="按省分配：南京市不能直接接收"):
        give(national_admin, programme, 5, region=region("320100"))
    # 浙江 splits its own seats to a city, the city to a school.
    give(zhejiang_admin, programme, 8, region=region("330100"))
    school = give(city_admin, programme, 3, org=tree["hz_school"])
    assert school.parent.region_id == "330100"


def test_school_and_base_scopes(tree, zhejiang_admin):
    schools = provincial(tree, "school")
    give(zhejiang_admin, schools, 4, org=tree["hz_school"])
    with pytest.raises(QuotaOutsideScope, match="应分配给学校"):
        give(zhejiang_admin, schools, 4, region=region("330100"))

    bases = provincial(tree, "base")
    with pytest.raises(QuotaOutsideScope, match=r"杭州职业技术学院不能直接接收.*应分配给培训基地"):
        give(zhejiang_admin, bases, 4, org=tree["hz_base"])
    Designation.objects.create(
        organisation=tree["hz_base"], kind=Designation.Kind.PROVINCIAL_BASE, year_from=2026
    )
    give(zhejiang_admin, bases, 4, org=tree["hz_base"])


def test_no_quotas_at_all_where_the_scope_is_none(tree, zhejiang_admin):
    programme = provincial(tree, "none")
    with pytest.raises(QuotaScopeNone) as exc:
        give(zhejiang_admin, programme, 5, region=region("330100"))
    assert exc.value.message == (
        "“第1期（p1）”不分配名额（名额分配方式为“不分配名额”），不能为杭州市设置名额。"
    )
    assert not Quota.objects.filter(programme=programme).exists()


def test_an_item_sets_its_own_scope(tree, zhejiang_admin):
    programme = provincial(tree, "city", quota_scope="school")
    give(zhejiang_admin, programme, 4, org=tree["hz_school"])
    with pytest.raises(QuotaOutsideScope, match="按校分配"):
        give(zhejiang_admin, programme, 4, region=region("330100"))


def test_seats_kept_on_demand_stay_a_level_above_and_old_quotas_may_be_cut(tree, zhejiang_admin):
    programme = provincial(tree, "city")
    give(zhejiang_admin, programme, 6, region=region("330000"), on_demand=True)
    # Given before the scope was in force: it may be cut, not raised.
    school = Quota.objects.create(programme=programme, item="p1", org=tree["hz_school"], seats=5)
    give(zhejiang_admin, programme, 3, org=tree["hz_school"])
    with pytest.raises(QuotaOutsideScope):
        give(zhejiang_admin, programme, 4, org=tree["hz_school"])
    school.refresh_from_db()
    assert school.seats == 3


# ---- items[].planned_seats ----------------------------------------------------------------------


def test_planned_seats_cap_what_the_owner_hands_out(tree, zhejiang_admin):
    programme = provincial(tree, "city", planned_seats=10)
    give(zhejiang_admin, programme, 6, region=region("330100"))
    give(zhejiang_admin, programme, 4, region=region("330200"))

    with pytest.raises(QuotaOverPlanned) as exc:
        give(zhejiang_admin, programme, 5, region=region("330200"))
    assert (
        exc.value.message == "“第1期（p1）”计划培训 10 人，按此分配合计将为 11 人，超出计划人数。"
    )
    assert sorted(Quota.objects.filter(programme=programme).values_list("seats", flat=True)) == [
        4,
        6,
    ]
    # Moving seats between cities within the plan: cut first, then give.
    give(zhejiang_admin, programme, 5, region=region("330100"))
    give(zhejiang_admin, programme, 5, region=region("330200"))


def test_a_parent_items_planned_seats_cap_its_childrens_quotas(tree, zhejiang_admin):
    """001: the 1+X courses share the 750 planned for 1+X."""
    policy = {
        "items": [
            {"code": "1x", "label": "1+X证书制度试点师资培训", "kind": "phase", "planned_seats": 7},
            {"code": "1x-01", "label": "BIM", "kind": "course", "parent": "1x"},
            {"code": "1x-02", "label": "数字创意建模", "kind": "course", "parent": "1x"},
        ],
        "enrollment": {"channels": ["nomination"]},
        "quota": {"scope": "city"},
    }
    programme = Programme.objects.create(
        code="zj1x", title="1+X", year=2026, policy=policy, owner=tree["zj"]
    )
    hz = region("330100")
    services.quota_set(
        actor=zhejiang_admin.user, programme=programme, item="1x-01", seats=4, region=hz
    )
    with pytest.raises(
        QuotaOverPlanned, match=r"1\+X证书制度试点师资培训（1x）”计划培训 7 人.*8 人"
    ):
        services.quota_set(
            actor=zhejiang_admin.user, programme=programme, item="1x-02", seats=4, region=hz
        )


def test_apportionment_past_the_plan_is_refused_whole_naming_the_item(tree, zhejiang_admin):
    programme = provincial(tree, "city", planned_seats=10)
    changes = [
        ("p1", region("330100"), None, 6, "hz"),
        ("p1", region("330200"), None, 5, "nb"),
    ]
    with pytest.raises(QuotaBatchRefused) as exc:
        services.quota_set_many(actor=zhejiang_admin.user, programme=programme, changes=changes)
    assert exc.value.problems == {
        "hz": "“第1期（p1）”计划培训 10 人，按此分配合计将为 11 人，超出计划人数。"
    }
    assert not Quota.objects.filter(programme=programme).exists()


def test_splitting_down_does_not_count_twice(tree, national_admin, zhejiang_admin):
    policy = {
        "items": [{"code": "p1", "label": "第1期", "kind": "phase", "planned_seats": 10}],
        "enrollment": {"channels": ["nomination"]},
        "quota": {"scope": "province"},
    }
    programme = Programme.objects.create(code="n10", title="国家计划", year=2026, policy=policy)
    give(national_admin, programme, 10, region=region("330000"))
    give(zhejiang_admin, programme, 10, region=region("330100"))  # all of 浙江's, to 杭州


# ---- the receivers hear ---------------------------------------------------------------------------


def test_the_receiving_organisations_admins_hear_of_their_quota(
    tree, zhejiang_admin, city_admin, jiangsu_admin
):
    programme = provincial(tree, "city")
    quota = give(zhejiang_admin, programme, 5, region=region("330100"))
    give(zhejiang_admin, programme, 8, region=region("330100"))
    services.quota_delete(actor=zhejiang_admin.user, quota=Quota.objects.get(pk=quota.pk))

    heard = list(
        Notification.objects.filter(user=city_admin.user)
        .order_by("pk")
        .values_list("title", "body")
    )
    assert heard == [
        ("浙江省计划“第1期”分配了名额", "杭州市获得 5 个名额。"),
        ("浙江省计划“第1期”的名额已调整", "杭州市的名额由 5 个调整为 8 个。"),
        ("浙江省计划“第1期”的名额已收回", "杭州市原有 8 个名额，已全部收回。"),
    ]
    assert not Notification.objects.filter(user=zhejiang_admin.user).exists()  # who acted
    assert not Notification.objects.filter(user=jiangsu_admin.user).exists()


def test_a_school_coordinator_hears_of_the_schools_quota(tree, zhejiang_admin, school_coordinator):
    programme = provincial(tree, "school")
    give(zhejiang_admin, programme, 2, org=tree["hz_school"])
    note = Notification.objects.get(user=school_coordinator.user)
    assert (note.title, note.body) == (
        "浙江省计划“第1期”分配了名额",
        "杭州市中策职业学校获得 2 个名额。",
    )
    assert note.url == f"/programmes/{programme.pk}/quotas/"


def test_a_refused_change_tells_nobody(tree, zhejiang_admin, city_admin):
    programme = provincial(tree, "city", planned_seats=3)
    with pytest.raises(QuotaOverPlanned):
        give(zhejiang_admin, programme, 5, region=region("330100"))
    assert not Notification.objects.exists()
