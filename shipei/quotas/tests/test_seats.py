"""A quota's seats: taken and freed by conditional UPDATEs that never go past the seats or below
zero, the UPDATE a one-statement submission embeds, the quota covering a teacher as the process
kept it for a few seconds, and the flags of quotas known to be full."""

import threading
from typing import Any

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import close_old_connections, connection, transaction

from shipei.core.tests.throwaway_redis import ThrowawayRedis
from shipei.orgs.models import Region
from shipei.programmes.models import Programme
from shipei.quotas import seats
from shipei.quotas.models import Quota

pytestmark = pytest.mark.django_db

POLICY = {
    "items": [{"code": "p1", "label": "第1期", "kind": "phase"}],
    "enrollment": {"channels": ["nomination"]},
    "quota": {"scope": "city"},
}


@pytest.fixture(autouse=True)
def _nothing_kept() -> None:
    """Receivers kept by an earlier test (SQLite gives its rolled-back keys out again)."""
    seats.forget_covering()


@pytest.fixture
def programme(tree: dict[str, Any]) -> Programme:
    return Programme.objects.create(code="t", title="测试计划", year=2026, policy=POLICY)


def quota(programme: Programme, seats: int, **receiver: Any) -> Quota:
    if "region" in receiver:
        receiver["region"] = Region.objects.get(code=receiver["region"])
    return Quota.objects.create(programme=programme, item="p1", seats=seats, **receiver)


def held(quota: Quota) -> int:
    quota.refresh_from_db()
    return quota.seats_held


def test_a_full_quota_gives_no_seat_and_keeps_its_count(programme, tree):
    school = quota(programme, 1, org=tree["hz_school"])

    assert seats.seat_take(school) is True
    assert seats.seat_take(school) is False
    assert held(school) == 1


def test_seats_given_further_down_are_not_taken_from_the_quota_above(programme, tree):
    city = quota(programme, 5, region="330100")
    Quota.objects.filter(pk=city.pk).update(seats_split=4)

    assert seats.seat_take(city) is True
    assert seats.seat_take(city) is False
    assert held(city) == 1


def test_a_freed_seat_can_be_taken_again_and_nothing_goes_below_zero(programme, tree):
    school = quota(programme, 1, org=tree["hz_school"])
    seats.seat_take(school)

    seats.seat_release(school)
    seats.seat_release(school)  # nothing held any more: stays at zero

    assert held(school) == 0
    assert seats.seat_take(school) is True
    assert held(school) == 1


def run_take_sql(kept: Quota, org: Any) -> list[tuple[int]]:
    sql, params = seats.seat_take_sql(kept, org)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_the_embedded_take_returns_the_quota_it_took_a_seat_of_and_whether_it_was_the_last(
    programme, tree
):
    city = quota(programme, 2, region="330100")

    assert run_take_sql(city, tree["hz_school"]) == [(city.pk, False)]
    assert run_take_sql(city, tree["hz_school"]) == [(city.pk, True)]
    assert run_take_sql(city, tree["hz_school"]) == []  # full now
    assert held(city) == 2


def test_the_embedded_take_refuses_a_quota_that_a_closer_one_has_replaced(programme, tree):
    """The city's quota was found a moment ago; meanwhile the school got one of its own: the
    teacher's seat comes from the school's now, so the city's is not touched."""
    city = quota(programme, 5, region="330100")
    (school,) = Quota.objects.bulk_create(
        [Quota(programme=programme, item="p1", seats=2, org=tree["hz_school"])]
    )

    assert run_take_sql(city, tree["hz_school"]) == []
    assert held(city) == 0
    # Another school of the city has no quota of its own: the city's still covers it.
    assert run_take_sql(city, tree["hz_base"]) == [(city.pk, False)]
    # And a quota further away (the province's) never stops a closer one being taken.
    province = quota(programme, 9, region="330000")
    assert run_take_sql(school, tree["hz_school"]) == [(school.pk, False)]
    assert held(province) == 0


def test_the_covering_quota_is_kept_and_read_once_for_many_submissions(
    programme, tree, django_assert_num_queries
):
    city = quota(programme, 5, region="330100")
    first = seats.quota_covering_recent(programme=programme, item="p1", org=tree["hz_school"])

    with django_assert_num_queries(0):
        again = seats.quota_covering_recent(programme=programme, item="p1", org=tree["hz_base"])

    assert first.pk == again.pk == city.pk
    assert (again.region_id, again.org_id, again.programme_id) == ("330100", None, programme.pk)


def test_a_quota_added_in_this_process_covers_at_once_after_its_commit(
    programme, tree, django_capture_on_commit_callbacks
):
    quota(programme, 5, region="330100")
    seats.quota_covering_recent(programme=programme, item="p1", org=tree["hz_school"])

    with django_capture_on_commit_callbacks(execute=True):
        school = quota(programme, 2, org=tree["hz_school"])

    found = seats.quota_covering_recent(programme=programme, item="p1", org=tree["hz_school"])
    assert found.pk == school.pk


def test_a_teacher_no_kept_quota_covers_is_looked_up_afresh(programme, tree):
    """Only Jiangsu had a quota when the receivers were kept; one given to Zhejiang since (by
    another process, which this one has not heard of) is found all the same."""
    quota(programme, 5, region="320000")
    seats.quota_covering_recent(programme=programme, item="p1", org=tree["nj_school"])
    (zhejiang,) = Quota.objects.bulk_create(
        [Quota(programme=programme, item="p1", seats=3, region=Region.objects.get(code="330000"))]
    )

    found = seats.quota_covering_recent(programme=programme, item="p1", org=tree["hz_school"])

    assert found.pk == zhejiang.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_seat_holds_never_oversubscribe(tree: dict[str, Any]) -> None:
    programme = Programme.objects.create(code="c", title="并发", year=2026, policy=POLICY)
    school = Quota.objects.create(programme=programme, item="p1", org=tree["hz_school"], seats=5)
    results: list[bool] = []
    barrier = threading.Barrier(12)

    def worker() -> None:
        barrier.wait()
        try:
            results.append(seats.seat_take(school))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 5
    assert held(school) == 5


# ---- quotas known to be full -----------------------------------------------------------------


@pytest.fixture
def shared(monkeypatch) -> LocMemCache:
    """The test's own memory as the shared cache (Redis in production). Local memory caches of
    one name share their store in a process: empty it, or a flag of the last test's quota (whose
    id the next test's quota may get again) would still be there."""
    cache = LocMemCache("flags", {})
    cache.clear()
    monkeypatch.setattr(seats, "shared_cache", lambda: cache)
    return cache


def test_a_quota_whose_last_seat_went_is_known_full_until_a_seat_is_freed(
    programme, tree, shared, django_capture_on_commit_callbacks
):
    school = quota(programme, 1, org=tree["hz_school"])
    assert not seats.full_flag(school.pk).known

    with django_capture_on_commit_callbacks(execute=True):
        seats.seat_take(school, seats.full_flag(school.pk))  # the last seat
    assert seats.full_flag(school.pk).known

    seats.seat_release(school)
    assert not seats.full_flag(school.pk).known


def test_a_quota_found_full_is_known_full_and_one_with_seats_is_not(
    programme, tree, shared, django_capture_on_commit_callbacks
):
    school = quota(programme, 2, org=tree["hz_school"])
    with django_capture_on_commit_callbacks(execute=True):
        seats.seat_take(school, seats.full_flag(school.pk))
    assert not seats.full_flag(school.pk).known  # one seat left

    Quota.objects.filter(pk=school.pk).update(seats_held=2)  # taken elsewhere
    with django_capture_on_commit_callbacks(execute=True):
        assert seats.seat_take(school, seats.full_flag(school.pk)) is False
    assert seats.full_flag(school.pk).known


def test_a_finding_made_before_a_seat_was_freed_never_says_full(programme, tree, shared):
    """A statement found the quota full; before its finding was recorded, a withdrawal freed a
    seat. The finding carries the mark it read first, which the freeing replaced."""
    school = quota(programme, 1, org=tree["hz_school"])
    before = seats.full_flag(school.pk)
    seats.seats_freed(school.pk)

    seats.seen_full(before)

    assert not seats.full_flag(school.pk).known


def test_a_last_seat_rolled_back_is_not_recorded(programme, tree, shared):
    school = quota(programme, 1, org=tree["hz_school"])
    with pytest.raises(RuntimeError), transaction.atomic():
        seats.seat_take(school, seats.full_flag(school.pk))
        raise RuntimeError("the enrollment's transaction fails after its seat")

    assert held(school) == 0
    assert not seats.full_flag(school.pk).known


def test_a_cache_of_each_process_own_keeps_no_flags(programme, tree):
    """Local memory (the demo's): another process would not hear of the seats this one frees."""
    school = quota(programme, 1, org=tree["hz_school"])
    flag = seats.full_flag(school.pk)
    seats.seen_full(flag)

    assert seats.shared_cache() is None
    assert (flag.known, flag.mark) == (False, None)
    assert not seats.full_flag(school.pk).known


class _Down:
    def get_many(self, keys: list[str]) -> None:
        raise ConnectionError("Redis is down")

    set = set_many = get_many


def test_a_cache_that_is_down_leaves_the_seats_to_the_rows(programme, tree, monkeypatch):
    monkeypatch.setattr(seats, "shared_cache", _Down)
    school = quota(programme, 1, org=tree["hz_school"])

    flag = seats.full_flag(school.pk)
    assert seats.seat_take(school, flag) is True
    seats.seat_release(school)

    assert (flag.known, flag.mark) == (False, None)
    assert held(school) == 0


def test_with_redis_stopped_a_quota_known_full_is_asked_of_its_row_again(
    programme, tree, settings, django_capture_on_commit_callbacks
):
    """A real Redis (the test's own) that goes away: the flag it held is not read, the seat
    freed meanwhile is found by its row, and nothing fails for want of the flags."""
    redis = ThrowawayRedis()
    redis.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis.url,
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        }
    }
    try:
        school = quota(programme, 1, org=tree["hz_school"])
        with django_capture_on_commit_callbacks(execute=True):
            seats.seat_take(school, seats.full_flag(school.pk))  # the last seat
        assert seats.full_flag(school.pk).known

        redis.stop()
        seats.seat_release(school)  # its "freed" mark cannot be written
        flag = seats.full_flag(school.pk)
        with django_capture_on_commit_callbacks(execute=True):
            taken = seats.seat_take(school, flag)
    finally:
        redis.stop()

    assert (flag.known, flag.mark) == (False, None)
    assert taken is True
    assert held(school) == 1
