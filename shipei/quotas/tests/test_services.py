"""Quota splitting, the most-specific rule and the seat counters (STYLE.md §2)."""

from typing import Any

import pytest

from shipei.audit.models import AuditEntry
from shipei.core.errors import NotPermitted
from shipei.orgs.models import Region
from shipei.orgs.tests.factories import SchoolFactory
from shipei.programmes.models import Programme
from shipei.quotas import seats, selectors, services
from shipei.quotas.errors import (
    QuotaBelowUsed,
    QuotaExceedsParent,
    QuotaExhausted,
    QuotaInUse,
    QuotaOutsideArea,
    QuotaUnknownItem,
)
from shipei.quotas.models import Quota

POLICY = {
    "items": [{"code": "p1", "label": "第1期", "kind": "phase"}],
    "enrollment": {"channels": ["nomination"]},
    "quota": {"scope": "province"},
}
# A province's own programme, its seats given to its cities.
CITY_POLICY = {**POLICY, "quota": {"scope": "city"}}


@pytest.fixture
def programme(tree: dict[str, Any]) -> Programme:
    return Programme.objects.create(code="t", title="测试计划", year=2026, policy=POLICY)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def counters(quota: Quota) -> tuple[int, int, int]:
    quota.refresh_from_db()
    return quota.seats, quota.seats_split, quota.seats_held


def hold_seat(programme: Programme, org: Any) -> None:
    """What a submission does to the quotas: one seat of the most specific quota covering a
    teacher of `org` (none where the programme gives none); QuotaExhausted when it is full."""
    quota = selectors.quota_covering(programme=programme, item="p1", org=org)
    if quota is not None and not seats.seat_take(quota):
        raise QuotaExhausted(receiver=quota.receiver_name)


def test_split_down_province_city_school(
    programme, tree, national_admin, zhejiang_admin, city_admin
):
    zj = services.quota_set(
        actor=national_admin.user,
        programme=programme,
        item="p1",
        seats=100,
        region=region("330000"),
    )
    hz = services.quota_set(
        actor=zhejiang_admin.user, programme=programme, item="p1", seats=30, region=region("330100")
    )
    school = services.quota_set(
        actor=city_admin.user, programme=programme, item="p1", seats=10, org=tree["hz_school"]
    )
    assert hz.parent == zj and school.parent == hz
    assert counters(zj) == (100, 30, 0)
    assert counters(hz) == (30, 10, 0)
    # The school uses its own quota; another Hangzhou school uses the city's remainder; a school
    # elsewhere in the province uses the province's.
    other_hz = SchoolFactory(parent=tree["hz"], region=region("330100"))
    ningbo = SchoolFactory(parent=tree["zj"], region=region("330200"))
    cover = lambda org: selectors.quota_covering(programme=programme, item="p1", org=org)  # noqa: E731
    assert cover(tree["hz_school"]) == school
    assert cover(other_hz) == hz
    assert cover(ningbo) == zj
    assert cover(tree["nj_school"]) is None


def test_split_exceeding_parent_is_refused_and_changes_nothing(
    programme, national_admin, zhejiang_admin
):
    zj = services.quota_set(
        actor=national_admin.user, programme=programme, item="p1", seats=20, region=region("330000")
    )
    services.quota_set(
        actor=zhejiang_admin.user, programme=programme, item="p1", seats=15, region=region("330100")
    )
    with pytest.raises(QuotaExceedsParent) as exc:
        services.quota_set(
            actor=zhejiang_admin.user,
            programme=programme,
            item="p1",
            seats=6,
            region=region("330200"),
        )
    assert "浙江省尚可分配 5 个名额" in exc.value.message
    assert counters(zj) == (20, 15, 0)
    assert not Quota.objects.filter(region_id="330200").exists()


def test_held_seats_cannot_be_taken_away(programme, tree, national_admin, zhejiang_admin):
    services.quota_set(
        actor=national_admin.user, programme=programme, item="p1", seats=10, region=region("330000")
    )
    hz = services.quota_set(
        actor=zhejiang_admin.user, programme=programme, item="p1", seats=3, region=region("330100")
    )
    for _ in range(2):
        hold_seat(programme, tree["hz_school"])
    with pytest.raises(QuotaBelowUsed) as exc:
        services.quota_set(
            actor=zhejiang_admin.user,
            programme=programme,
            item="p1",
            seats=1,
            region=region("330100"),
        )
    assert "已占用 2 个" in exc.value.message
    assert counters(hz) == (3, 0, 2)
    with pytest.raises(QuotaInUse):
        services.quota_delete(actor=zhejiang_admin.user, quota=hz)
    # Lowering to exactly what is held works and gives the seat back to the province.
    services.quota_set(
        actor=zhejiang_admin.user, programme=programme, item="p1", seats=2, region=region("330100")
    )
    assert counters(hz.parent) == (10, 2, 0)


def test_seats_kept_at_province_are_not_split_away(programme, tree, national_admin, zhejiang_admin):
    zj = services.quota_set(
        actor=national_admin.user, programme=programme, item="p1", seats=5, region=region("330000")
    )
    hold_seat(programme, tree["hz_school"])
    # One seat held on the province itself: only four can still go to cities.
    with pytest.raises(QuotaExceedsParent):
        services.quota_set(
            actor=zhejiang_admin.user,
            programme=programme,
            item="p1",
            seats=5,
            region=region("330200"),
        )
    services.quota_set(
        actor=zhejiang_admin.user, programme=programme, item="p1", seats=4, region=region("330200")
    )
    assert counters(zj) == (5, 4, 1)


def test_a_quota_inserted_between_takes_the_quotas_below_it(
    programme, tree, national_admin, zhejiang_admin
):
    zj = services.quota_set(
        actor=national_admin.user, programme=programme, item="p1", seats=50, region=region("330000")
    )
    school = services.quota_set(
        actor=zhejiang_admin.user, programme=programme, item="p1", seats=8, org=tree["hz_school"]
    )
    assert school.parent == zj
    with pytest.raises(QuotaBelowUsed):
        services.quota_set(
            actor=zhejiang_admin.user,
            programme=programme,
            item="p1",
            seats=5,
            region=region("330100"),
        )
    hz = services.quota_set(
        actor=zhejiang_admin.user, programme=programme, item="p1", seats=20, region=region("330100")
    )
    school.refresh_from_db()
    assert school.parent == hz
    assert counters(hz) == (20, 8, 0)
    assert counters(zj) == (50, 20, 0)


def test_receivers_may_not_set_their_own_or_others_quota(
    programme, tree, national_admin, zhejiang_admin, jiangsu_admin
):
    with pytest.raises(NotPermitted):  # top-level seats are the programme owner's to give
        services.quota_set(
            actor=zhejiang_admin.user,
            programme=programme,
            item="p1",
            seats=99,
            region=region("330000"),
        )
    services.quota_set(
        actor=national_admin.user, programme=programme, item="p1", seats=10, region=region("330000")
    )
    with pytest.raises(NotPermitted):
        services.quota_set(
            actor=zhejiang_admin.user,
            programme=programme,
            item="p1",
            seats=99,
            region=region("330000"),
        )
    with pytest.raises(NotPermitted):
        services.quota_set(
            actor=jiangsu_admin.user,
            programme=programme,
            item="p1",
            seats=1,
            region=region("330100"),
        )
    assert Quota.objects.count() == 1


def test_unknown_item_and_audit(programme, national_admin):
    with pytest.raises(QuotaUnknownItem):
        services.quota_set(
            actor=national_admin.user,
            programme=programme,
            item="zz",
            seats=1,
            region=region("330000"),
        )
    q = services.quota_set(
        actor=national_admin.user,
        programme=programme,
        item="p1",
        seats=7,
        region=region("330000"),
        reason="按教师数分配",
    )
    services.quota_set(
        actor=national_admin.user, programme=programme, item="p1", seats=9, region=region("330000")
    )
    entries = AuditEntry.objects.filter(target_id=str(q.pk), action__startswith="quota.")
    assert [e.action for e in entries.order_by("pk")] == ["quota.allocated", "quota.changed"]
    assert [(c.seats_before, c.seats_after) for c in q.changes.all()] == [(7, 9), (None, 7)]


def test_scope_lists_only_reachable_quotas(
    programme, tree, national_admin, zhejiang_admin, jiangsu_admin, city_admin
):
    for code in ("330000", "320000"):
        services.quota_set(
            actor=national_admin.user, programme=programme, item="p1", seats=10, region=region(code)
        )
    services.quota_set(
        actor=zhejiang_admin.user, programme=programme, item="p1", seats=4, region=region("330100")
    )

    def names(a):
        return sorted(
            q.receiver_name for q in selectors.quota_list(user=a.user, programme=programme)
        )

    assert names(national_admin) == ["杭州市", "江苏省", "浙江省"]
    assert names(zhejiang_admin) == ["杭州市", "浙江省"]
    assert names(jiangsu_admin) == ["江苏省"]
    assert names(city_admin) == ["杭州市"]


def test_random_splits_keep_every_counter_consistent(programme, tree, national_admin):
    """300 random allocations, cuts, holds and releases over a three-level tree: whatever is
    refused changes nothing, and afterwards every quota's split equals its children's seats and
    no quota gives out more than it has."""
    import random

    from shipei.core.errors import DomainError

    rnd = random.Random(20261123)
    receivers = [
        {"region": region("330000")},
        {"region": region("330100")},
        {"region": region("330200")},
        {"org": tree["hz_school"]},
        {"org": tree["hz_base"]},
        {"region": region("320000")},
        {"org": tree["nj_school"]},
    ]
    refused = 0
    for _ in range(300):
        op = rnd.random()
        try:
            if op < 0.6:
                services.quota_set(
                    actor=national_admin.user,
                    programme=programme,
                    item="p1",
                    seats=rnd.randint(0, 40),
                    **rnd.choice(receivers),
                )
            elif op < 0.85:
                hold_seat(programme, rnd.choice(list(tree.values())))
            else:
                held = [q for q in Quota.objects.filter(seats_held__gt=0)]
                if held:
                    seats.seat_release(rnd.choice(held))
        except DomainError:
            refused += 1
        for q in Quota.objects.all():
            children = sum(c.seats for c in q.children.all())
            assert q.seats_split == children, q
            assert q.seats >= q.seats_split + q.seats_held, q
    assert 0 < refused < 300  # both outcomes were exercised


def test_an_absurd_number_of_seats_is_refused_not_a_database_error(programme, national_admin):
    from shipei.quotas.errors import QuotaTooLarge

    with pytest.raises(QuotaTooLarge, match="名额不能超过 1,000,000 个"):
        services.quota_set(
            actor=national_admin.user,
            programme=programme,
            item="p1",
            seats=3_000_000_000,
            region=region("330000"),
        )
    assert not Quota.objects.exists()


def test_a_provincial_programme_gives_seats_only_inside_its_province(tree, zhejiang_admin):
    """浙江's own programme: its cities and schools may get seats, 江苏 and its schools may not,
    whoever asks (the service refuses, not only the page)."""
    zj_programme = Programme.objects.create(
        code="zj", title="浙江省计划", year=2026, policy=CITY_POLICY, owner=tree["zj"]
    )
    hz = services.quota_set(
        actor=zhejiang_admin.user,
        programme=zj_programme,
        item="p1",
        seats=20,
        region=region("330100"),
    )
    assert hz.parent is None
    for receiver in ({"region": region("320000")}, {"org": tree["nj_school"]}):
        with pytest.raises(QuotaOutsideArea, match="不在浙江省教育厅的管辖范围内"):
            services.quota_set(
                actor=zhejiang_admin.user, programme=zj_programme, item="p1", seats=5, **receiver
            )
    assert list(Quota.objects.filter(programme=zj_programme).values_list("region_id", "seats")) == [
        ("330100", 20)
    ]
    assert not AuditEntry.objects.filter(action="quota.allocated", data__receiver="江苏省").exists()


def test_seats_given_outside_the_area_before_the_rule_can_be_taken_back(tree, zhejiang_admin):
    zj_programme = Programme.objects.create(
        code="zj", title="浙江省计划", year=2026, policy=POLICY, owner=tree["zj"]
    )
    stray = Quota.objects.create(
        programme=zj_programme, item="p1", seats=5, region=region("320000")
    )
    with pytest.raises(QuotaOutsideArea):
        services.quota_set(
            actor=zhejiang_admin.user,
            programme=zj_programme,
            item="p1",
            seats=6,
            region=region("320000"),
        )
    services.quota_set(
        actor=zhejiang_admin.user,
        programme=zj_programme,
        item="p1",
        seats=0,
        region=region("320000"),
    )
    assert counters(stray) == (0, 0, 0)
