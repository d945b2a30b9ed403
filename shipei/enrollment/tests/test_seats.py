"""A submission is written with its seat by seats.write_submission: on PostgreSQL, outside a
transaction and with nothing but the seat at stake, in one statement; otherwise through the ORM.

One table of cases runs through both ways: each ends with the same answers, rows and counters,
or the one statement declines it and the ORM writes it. The examples after the table look at
what the one statement leaves behind in detail."""

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import DataError, connection, transaction
from django.db.models import signals

from shipei.accounts.models import Person
from shipei.accounts.tests.factories import PersonFactory
from shipei.audit.models import AuditEntry
from shipei.classes.models import TrainingClass
from shipei.core.errors import DomainError
from shipei.enrollment import seats, services
from shipei.enrollment.errors import AlreadyEnrolled
from shipei.enrollment.models import Enrollment, EnrollmentEvent
from shipei.enrollment.tests.conftest import ONE_STEP_POLICY
from shipei.orgs.models import Region
from shipei.programmes.models import Programme
from shipei.projects.models import Project
from shipei.quotas import seats as quota_seats
from shipei.quotas.errors import QuotaExhausted
from shipei.quotas.models import Quota

ENROLLMENTS = Enrollment._meta.db_table


@pytest.fixture
def writes() -> Iterator[list[str]]:
    """How this test's submissions wrote (or tried to write) their enrollment rows, in order:
    "one statement", or "orm" for an INSERT of the row alone."""
    found: list[str] = []

    def watch(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith("WITH") and f"INSERT INTO {ENROLLMENTS} " in sql:
            found.append("one statement")
        elif sql.startswith(f'INSERT INTO "{ENROLLMENTS}"'):
            found.append("orm")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield found


# ---- one table of cases, through both ways -----------------------------------------------------


class World:
    """One run of a case: its own programme (under `code`), the shared organisation tree."""

    names = "甲乙丙丁戊"

    def __init__(self, code: str, policy: dict[str, Any], tree: dict[str, Any], actor: Any):
        self.programme = Programme.objects.create(
            code=code, title="名额测试", year=2026, policy=policy
        )
        self.tree, self.actor = tree, actor
        self.people: dict[str, Person] = {}
        self.answers: list[tuple[Any, ...]] = []
        self.made: list[Enrollment] = []
        self.training_class: TrainingClass | None = None

    def quota(self, seats: int, *, region: str = "", org: str = "", **kw: Any) -> Quota:
        receiver = {"region": Region.objects.get(code=region)} if region else {}
        if org:
            receiver["org"] = self.tree[org]
        return Quota.objects.create(
            programme=self.programme, item="k1", seats=seats, **receiver, **kw
        )

    def quota_from_elsewhere(self, seats: int, *, org: str) -> None:
        """A quota another server gives: this process hears nothing of it (no signal)."""
        Quota.objects.bulk_create(
            [Quota(programme=self.programme, item="k1", seats=seats, org=self.tree[org])]
        )

    def keep_covering(self, org: str = "hz_school") -> None:
        """The process keeps the quota covering the school, as a busy server does."""
        quota_seats.quota_covering_recent(programme=self.programme, item="k1", org=self.tree[org])

    def open_class(self, capacity: int) -> None:
        project = Project.objects.create(
            programme=self.programme,
            item="k1",
            base=self.tree["hz_base"],
            title="骨干教师培训班",
            status=Project.Status.PUBLISHED,
        )
        self.training_class = TrainingClass.objects.create(
            project=project, seq=1, starts_on="2026-07-01", ends_on="2026-07-05", capacity=capacity
        )

    def submit(
        self, who: str, *, key: str | None = None, in_class: bool = False, item: str = "k1"
    ) -> None:
        """Submit teacher `who` (甲, 乙...: the same name in both runs) of 杭州市中策职业学校."""
        if who not in self.people:
            self.people[who] = PersonFactory(org=self.tree["hz_school"], name=who)
        try:
            made = services.enrollment_submit(
                actor=self.actor.user,
                programme=self.programme,
                item=item,
                person=self.people[who],
                channel="nomination",
                training_class=self.training_class if in_class else None,
                key=key and f"{self.programme.code}-{key}",
            )
        except DomainError as exc:
            self.answers.append((type(exc).__name__, exc.message))
            return
        earlier = [e.pk for e in self.made].index(made.pk) if made.replayed else None
        self.answers.append(("replayed" if made.replayed else made.status, earlier))
        self.made.append(made)

    def outcome(self) -> dict[str, Any]:
        quotas = Quota.objects.filter(programme=self.programme).order_by("pk")
        taken = None
        if self.training_class is not None:
            self.training_class.refresh_from_db()
            taken = self.training_class.seats_taken
        return {
            "answers": self.answers,
            "rows": [stored(e) for e in self.made],
            "quotas": [(q.receiver_name, q.seats, q.seats_held) for q in quotas],
            "class seats taken": taken,
            "seats_consistent": seats.seats_consistent(self.programme),
        }


def stored(enrollment: Enrollment) -> tuple[dict, list[dict], list[dict]]:
    """The enrollment's stored rows, without what differs between two runs (keys, times, the
    programme's key), its quota by receiver."""
    row, events, entries = written(enrollment)
    row.pop("programme_id")
    quota = Quota.objects.filter(pk=row.pop("quota_id")).first()
    row["quota"] = quota.receiver_name if quota else None
    row["in a class"] = row.pop("training_class_id") is not None
    row.pop("project_id")
    row["decided"] = row.pop("decided_at") is not None
    for entry in entries:
        entry["data"].pop("programme")
    return row, events, entries


@dataclass(frozen=True)
class Case:
    name: str
    run: Callable[[World], None]
    answers: list[str]  # what each submission is told: a status, "replayed" or an error
    declined: bool = False  # the one statement leaves it to the ORM (in both runs)
    policy: dict[str, Any] = field(default_factory=dict)  # changes to the policy's enrollment
    quota: dict[str, Any] = field(default_factory=dict)  # changes to the policy's quota
    items: list[dict[str, Any]] = field(default_factory=list)  # items besides k1

    def programme_policy(self) -> dict[str, Any]:
        base = ONE_STEP_POLICY
        return {
            **base,
            "items": [*base["items"], *self.items],
            "enrollment": {**base["enrollment"], **self.policy},
            "quota": {**base["quota"], **self.quota},
        }


def _seat_free(w: World) -> None:
    w.quota(2, region="330100")
    w.submit("甲")


def _quota_full(w: World) -> None:
    w.quota(1, region="330100")
    w.submit("甲")
    w.submit("乙")


def _seats_given_down(w: World) -> None:
    city = w.quota(3, region="330100", seats_split=3)
    w.quota(3, org="hz_base", parent=city)
    w.submit("甲")


def _closer_quota_added(w: World) -> None:
    w.quota(2, region="330100")
    w.keep_covering()
    w.quota_from_elsewhere(3, org="hz_school")
    w.submit("甲")


def _closer_quota_added_kept_one_full(w: World) -> None:
    w.quota(1, region="330100")
    w.submit("甲")
    w.keep_covering()
    w.quota_from_elsewhere(3, org="hz_school")
    w.submit("乙")


def _no_quota_for_the_item(w: World) -> None:
    w.submit("甲")


def _no_quota_covers_the_teacher(w: World) -> None:
    w.quota(5, region="320100")
    w.submit("甲")


def _same_form_twice(w: World) -> None:
    w.quota(2, region="330100")
    w.submit("甲", key="form-1")
    w.submit("甲", key="form-1")


def _same_teacher_again(w: World) -> None:
    w.quota(2, region="330100")
    w.submit("甲", key="form-1")
    w.submit("甲", key="form-2")


def _same_teacher_again_quota_full(w: World) -> None:
    w.quota(1, region="330100")
    w.submit("甲", key="form-1")
    w.submit("甲", key="form-2")


def _class_seats(w: World) -> None:
    w.quota(5, region="330100")
    w.open_class(capacity=1)
    w.submit("甲", in_class=True)
    w.submit("乙", in_class=True)


def _class_with_quota_full(w: World) -> None:
    w.quota(1, region="330100")
    w.open_class(capacity=5)
    w.submit("甲", in_class=True)
    w.submit("乙", in_class=True)


def _waitlist(w: World) -> None:
    w.quota(1, region="330100")
    w.submit("甲")
    w.submit("乙")


def _listened_to(w: World) -> None:
    w.quota(2, region="330100")
    signals.post_save.connect(_listener, sender=AuditEntry)
    try:
        w.submit("甲")
    finally:
        signals.post_save.disconnect(_listener, sender=AuditEntry)


def _listener(sender: type, **kwargs: Any) -> None:
    """Someone listening to audit entries' saves, which one statement would pass by."""


def _two_items(w: World) -> None:
    w.quota(2, region="330100")
    w.submit("甲", key="form-1")
    w.submit("甲", key="form-2", item="k2")


def _quota_full_then_same_teacher(w: World) -> None:
    w.quota(1, region="330100")
    w.submit("甲", key="form-1")
    w.submit("乙", key="form-2")
    w.submit("甲", key="form-3")


K2 = [{"code": "k2", "label": "专业带头人研修", "kind": "training_kind"}]
AT_APPROVAL = {"held_from": "approval"}

CASES = [
    Case("a seat is free", _seat_free, ["submitted"]),
    Case("the quota is full", _quota_full, ["submitted", "QuotaExhausted"]),
    Case("the seats were given further down", _seats_given_down, ["QuotaExhausted"]),
    Case("a closer receiver's quota came after", _closer_quota_added, ["submitted"]),
    Case(
        "a closer receiver's quota came after, the kept one full",
        _closer_quota_added_kept_one_full,
        ["submitted", "submitted"],
    ),
    Case("no quota for the item at all", _no_quota_for_the_item, ["submitted"]),
    Case("no quota covers the teacher", _no_quota_covers_the_teacher, ["NoQuotaHere"]),
    Case("the same form twice", _same_form_twice, ["submitted", "replayed"]),
    Case("the same teacher again", _same_teacher_again, ["submitted", "AlreadyEnrolled"]),
    Case(
        "the same teacher again, the quota full",
        _same_teacher_again_quota_full,
        ["submitted", "AlreadyEnrolled"],
    ),
    Case("class seats", _class_seats, ["submitted", "ClassFull"], declined=True),
    Case(
        "a class, its quota full",
        _class_with_quota_full,
        ["submitted", "QuotaExhausted"],
        declined=True,
    ),
    Case(
        "a waitlist",
        _waitlist,
        ["submitted", "waitlisted"],
        declined=True,
        policy={"waitlist": True},
    ),
    Case(
        "no approval chain",
        _seat_free,
        ["admitted"],
        declined=True,
        policy={"approval_chain": []},
    ),
    Case("someone listens to the rows' saves", _listened_to, ["submitted"], declined=True),
    # quota.held_from = "approval": nothing is taken at submission (the last step takes it).
    Case("held from approval: a seat is free", _seat_free, ["submitted"], quota=AT_APPROVAL),
    Case(
        "held from approval: the quota full",
        _quota_full,
        ["submitted", "submitted"],
        quota=AT_APPROVAL,
    ),
    Case(
        "held from approval: no quota covers the teacher",
        _no_quota_covers_the_teacher,
        ["NoQuotaHere"],
        quota=AT_APPROVAL,
    ),
    Case(
        "held from approval: the same teacher again",
        _quota_full_then_same_teacher,
        ["submitted", "submitted", "AlreadyEnrolled"],
        quota=AT_APPROVAL,
    ),
    Case(
        "held from approval: a class",
        _class_with_quota_full,
        ["submitted", "submitted"],
        declined=True,
        quota=AT_APPROVAL,
    ),
    Case(
        "held from approval, no approval chain: taken at once",
        _quota_full,
        ["admitted", "QuotaExhausted"],
        declined=True,
        policy={"approval_chain": []},
        quota=AT_APPROVAL,
    ),
    # enrollment.one_active_per
    Case("one per item: another item", _two_items, ["submitted", "submitted"], items=K2),
    Case(
        "one per programme: another item",
        _two_items,
        ["submitted", "OnePerProgramme"],
        policy={"one_active_per": "programme"},
        items=K2,
    ),
    Case(
        "no limit: the same teacher again",
        _same_teacher_again,
        ["submitted", "submitted"],
        policy={"one_active_per": "none"},
    ),
    Case(
        "no limit: the same teacher again, the quota full",
        _same_teacher_again_quota_full,
        ["submitted", "QuotaExhausted"],
        policy={"one_active_per": "none"},
    ),
]
_codes = itertools.count()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.django_db
def test_each_case_gets_its_answers_through_the_orm_on_any_database(
    case, tree, school_coordinator, writes
):
    world = World("orm", case.programme_policy(), tree, school_coordinator)

    case.run(world)

    assert [answer[0] for answer in world.answers] == case.answers
    assert seats.seats_consistent(world.programme) == []
    assert set(writes) <= {"orm"}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_each_case_ends_alike_in_one_statement_and_through_the_orm(
    case, tree, school_coordinator, writes
):
    policy = case.programme_policy()

    at_once = World(f"a{next(_codes)}", policy, tree, school_coordinator)
    case.run(at_once)
    written_at_once = list(writes)
    writes.clear()
    through_orm = World(f"o{next(_codes)}", policy, tree, school_coordinator)
    with transaction.atomic():  # in a transaction: the ORM's way, savepoint and all
        case.run(through_orm)
    written_through_orm = list(writes)

    assert [answer[0] for answer in at_once.answers] == case.answers
    assert at_once.outcome() == through_orm.outcome()
    assert at_once.outcome()["seats_consistent"] == []
    assert set(written_through_orm) <= {"orm"}
    if case.declined:
        assert written_at_once == written_through_orm
    else:
        assert "orm" not in written_at_once
        assert written_at_once.count("one statement") >= len(at_once.made)


# ---- one_active_per in the table itself ---------------------------------------------------------

# (policy, the second item, refused by the database): checks passed by (an import's rows, a
# race), the table's constraint still counts live enrollments as the policy says.
PER = [
    ("item", "k1", True),
    ("item", "k2", False),
    ("programme", "k2", True),
    ("none", "k1", False),
]


def _second_enrollment(per: str, item: str, refused: bool, tree: Any, actor: Any) -> None:
    policy = {
        **ONE_STEP_POLICY,
        "items": [*ONE_STEP_POLICY["items"], *K2],
        "enrollment": {**ONE_STEP_POLICY["enrollment"], "one_active_per": per},
    }
    programme = Programme.objects.create(code=f"per{next(_codes)}", title="每人", policy=policy)
    person = PersonFactory(org=tree["hz_school"])

    def write(code: str) -> None:
        enrollment = Enrollment(
            programme=programme, item=code, person=person, org=person.org, channel="nomination"
        )
        seats.write_submission(enrollment, actor.user)

    write("k1")
    if refused:
        with pytest.raises(AlreadyEnrolled):
            write(item)
    else:
        write(item)
    live = Enrollment.objects.filter(programme=programme, person=person, live=True)
    assert live.count() == (1 if refused else 2)


@pytest.mark.parametrize(("per", "item", "refused"), PER)
@pytest.mark.django_db
def test_the_table_counts_live_enrollments_as_the_policy_says(
    per, item, refused, tree, school_coordinator, writes
):
    _second_enrollment(per, item, refused, tree, school_coordinator)
    assert set(writes) == {"orm"}


@pytest.mark.parametrize(("per", "item", "refused"), PER)
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_table_counts_live_enrollments_as_the_policy_says_in_one_statement(
    per, item, refused, tree, school_coordinator, writes
):
    _second_enrollment(per, item, refused, tree, school_coordinator)
    assert set(writes) == {"one statement"}


# ---- the one statement in detail -----------------------------------------------------------------


@pytest.fixture
def programme(tree: dict[str, Any]) -> Programme:
    return Programme.objects.create(code="one", title="一次写入", year=2026, policy=ONE_STEP_POLICY)


@pytest.fixture
def quota(programme: Programme) -> Quota:
    return Quota.objects.create(
        programme=programme, item="k1", seats=2, region=Region.objects.get(code="330100")
    )


def submit(actor: Any, programme: Programme, person: Any, **kw: Any) -> Enrollment:
    return services.enrollment_submit(
        actor=actor.user, programme=programme, item="k1", person=person, channel="nomination", **kw
    )


def written(enrollment: Enrollment) -> tuple[dict, list[dict], list[dict]]:
    """The stored rows of an enrollment, without what differs between two of them."""
    row = Enrollment.objects.filter(pk=enrollment.pk).values().get()
    for name in ("id", "person_id", "submission_key", "submitted_at", "updated_at"):
        row.pop(name)
    events = list(EnrollmentEvent.objects.filter(enrollment=enrollment).values())
    for event in events:
        for name in ("id", "enrollment_id", "at"):
            event.pop(name)
        assert event.pop("notified_at") is not None  # its notices went out (the task runs here)
    entries = list(
        AuditEntry.objects.filter(
            target_type="enrollment.enrollment", target_id=str(enrollment.pk)
        ).values()
    )
    for entry in entries:
        assert entry.pop("target_repr") == str(enrollment)
        for name in ("id", "target_id", "created_at"):
            entry.pop(name)
    return row, events, entries


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_statement_writes_what_the_orm_path_writes(
    programme, quota, tree, school_coordinator, writes
):
    first, second = PersonFactory(org=tree["hz_school"]), PersonFactory(org=tree["hz_school"])

    at_once = submit(school_coordinator, programme, first, key="form-1")
    with transaction.atomic():  # in a transaction: the ORM's path, with its savepoint
        through_orm = submit(school_coordinator, programme, second, key="form-2")

    assert writes == ["one statement", "orm"]
    assert written(at_once) == written(through_orm)
    row, events, entries = written(at_once)
    assert (row["status"], row["quota_id"], row["holds_seat"], row["live"]) == (
        "submitted",
        quota.pk,
        True,
        True,
    )
    assert [e["action"] for e in events] == ["submitted"]
    assert [e["action"] for e in entries] == ["enrollment.submitted"]
    quota.refresh_from_db()
    assert quota.seats_held == 2
    # What the service hands back is the stored row, its history in place.
    assert at_once.pk and not at_once._state.adding
    assert [e.action for e in at_once.history] == ["submitted"]
    assert Enrollment.objects.get(submission_key="form-1") == at_once
    assert seats.seats_consistent(programme) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_full_quota_writes_nothing(programme, quota, tree, school_coordinator, writes):
    for _ in range(2):
        submit(school_coordinator, programme, PersonFactory(org=tree["hz_school"]))
    late = PersonFactory(org=tree["hz_school"])
    counts = (
        Enrollment.objects.count(),
        EnrollmentEvent.objects.count(),
        AuditEntry.objects.count(),
    )

    with pytest.raises(QuotaExhausted):
        submit(school_coordinator, programme, late, key="late-1")

    assert not Enrollment.objects.filter(person=late).exists()
    assert counts == (
        Enrollment.objects.count(),
        EnrollmentEvent.objects.count(),
        AuditEntry.objects.count(),
    )
    quota.refresh_from_db()
    assert quota.seats_held == 2
    assert seats.seats_consistent(programme) == []
    assert "orm" not in writes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_enrollment_writes_nothing_and_frees_no_seat(
    programme, quota, tree, school_coordinator, writes
):
    person = PersonFactory(org=tree["hz_school"])
    first = submit(school_coordinator, programme, person, key="a")

    with pytest.raises(AlreadyEnrolled):
        submit(school_coordinator, programme, person, key="b")
    # The same form again: its first answer, not a refusal.
    again = submit(school_coordinator, programme, person, key="a")

    assert again.pk == first.pk and again.replayed
    assert Enrollment.objects.filter(person=person).count() == 1
    assert EnrollmentEvent.objects.filter(enrollment=first).count() == 1
    quota.refresh_from_db()
    assert quota.seats_held == 1
    assert "orm" not in writes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rows_with_a_value_the_database_gives_are_written_through_the_orm(
    programme, quota, tree, school_coordinator, writes, monkeypatch
):
    """One statement writes only values it is given; a column left to its database default
    (as a server running older code might leave one) sends the submission the ORM's way."""
    made = seats.event_rows

    def event_leaving_a_default(*args: Any) -> tuple[EnrollmentEvent, AuditEntry]:
        event, entry = made(*args)
        event.status = EnrollmentEvent(action="submitted").status  # the database's default
        return event, entry

    monkeypatch.setattr(seats, "event_rows", event_leaving_a_default)

    enrollment = submit(school_coordinator, programme, PersonFactory(org=tree["hz_school"]))

    assert writes == ["orm"]
    assert (enrollment.status, enrollment.quota_id, enrollment.holds_seat) == (
        "submitted",
        quota.pk,
        True,
    )
    assert seats.seats_consistent(programme) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_value_too_long_is_refused_not_cut(programme, quota, tree, school_coordinator):
    person = PersonFactory(org=tree["hz_school"])

    with pytest.raises(DataError):
        submit(school_coordinator, programme, person, key="k" * 65)

    assert not Enrollment.objects.filter(person=person).exists()
    quota.refresh_from_db()
    assert quota.seats_held == 0


@pytest.mark.parametrize("city_full", [True, False], ids=["city-full", "city-has-seats"])
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_school_quota_added_elsewhere_is_taken_though_the_city_one_is_kept(
    city_full, programme, quota, tree, school_coordinator, writes
):
    submit(school_coordinator, programme, PersonFactory(org=tree["hz_school"]))
    # Another server gives the school a quota of its own (and may fill the city's): this
    # process still keeps the city's as covering the school.
    if city_full:
        Quota.objects.filter(pk=quota.pk).update(seats=1)
    (school_quota,) = Quota.objects.bulk_create(
        [Quota(programme=programme, item="k1", seats=3, org=tree["hz_school"])]
    )
    kept = quota_seats.quota_covering_recent(programme=programme, item="k1", org=tree["hz_school"])
    assert kept.pk == quota.pk

    late = submit(school_coordinator, programme, PersonFactory(org=tree["hz_school"]))

    assert late.quota_id == school_quota.pk
    quota.refresh_from_db()
    school_quota.refresh_from_db()
    assert (quota.seats_held, school_quota.seats_held) == (1, 1)
    assert "orm" not in writes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_enrolled_teacher_resubmitting_to_a_full_quota_is_told_so_on_both_paths(
    programme, quota, tree, school_coordinator
):
    person = PersonFactory(org=tree["hz_school"])
    submit(school_coordinator, programme, person, key="a")
    submit(school_coordinator, programme, PersonFactory(org=tree["hz_school"]))  # full now

    with pytest.raises(AlreadyEnrolled):
        submit(school_coordinator, programme, person, key="b")
    with pytest.raises(AlreadyEnrolled), transaction.atomic():
        submit(school_coordinator, programme, person, key="c")
