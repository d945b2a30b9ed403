"""Rows written and read without the ORM's query building: the same rows as the ORM's."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import signals
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone
from psycopg.types.json import Jsonb

from shipei.accounts.models import Person
from shipei.accounts.selectors import person_submitting
from shipei.accounts.tests.factories import PersonFactory
from shipei.audit.models import AuditEntry
from shipei.core import rows
from shipei.enrollment.models import Enrollment, EnrollmentEvent
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme
from shipei.quotas.models import Quota
from shipei.quotas.services import quota_set

pytestmark = pytest.mark.django_db


def _saved_as(model, pk):
    return model.objects.filter(pk=pk).values().get()


def test_insert_writes_the_row_save_would_write(tree, national_admin):
    def entry() -> AuditEntry:
        return AuditEntry(
            actor=national_admin.user,
            action="x.done",
            target_type="orgs.organisation",
            target_id="7",
            org=tree["hz_school"],
            data={"n": 1, "名": "值"},
        )

    made, saved = entry(), entry()
    rows.insert(made)
    saved.save()
    assert made.pk and made.pk != saved.pk and not made._state.adding
    a, b = _saved_as(AuditEntry, made.pk), _saved_as(AuditEntry, saved.pk)
    # auto_now_add set, as save() sets it
    assert abs(a.pop("created_at") - b.pop("created_at")) < datetime.timedelta(seconds=5)
    a.pop("id"), b.pop("id")
    assert a == b
    assert made.created_at is not None


def test_the_first_insert_of_a_model_keeps_the_times_its_row_was_written_with(
    tree, national_admin, monkeypatch
):
    """Making a model's INSERT (the first time, then cached) must not move the object's
    auto_now times past its row's: an answer built from the object shows the stored row."""
    monkeypatch.setattr(rows, "_INSERTS", {})
    made = AuditEntry(actor=national_admin.user, action="x.done", org=tree["hz_school"])
    rows.insert(made)
    assert made.created_at == AuditEntry.objects.get(pk=made.pk).created_at


def test_insert_refused_by_a_constraint_raises_integrity_error_and_writes_nothing(tree):
    person = PersonFactory(org=tree["hz_school"])
    clone = Person(org=tree["hz_school"], name="重复", id_number_hash=person.id_number_hash)
    clone.id_number_cipher = person.id_number_cipher
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert(clone)
    assert Person.objects.filter(name="重复").count() == 0


def test_insert_of_a_model_with_receivers_runs_them(tree):
    heard = []

    def receiver(sender, instance, created, **kwargs):
        heard.append((instance.action, created))

    signals.post_save.connect(receiver, sender=AuditEntry)
    try:
        rows.insert(AuditEntry(action="heard.me"))
    finally:
        signals.post_save.disconnect(receiver, sender=AuditEntry)
    assert heard == [("heard.me", True)]


def test_insert_select_parts_are_typed_values_and_the_statement_s_own_sql(tree):
    entry = AuditEntry(action="x.done", target_type="orgs.organisation", data={"名": "值"})

    names, values, params = rows.insert_select_parts(
        entry, {"target_id": "CAST(e.id AS varchar)"}, connection
    )

    assert names.split(", ")[:3] == ['"actor_id"', '"action"', '"target_type"']
    assert "CAST(e.id AS varchar)" in values.split(", ")
    assert len(params) == len(names.split(", ")) - 1  # all but the statement's own value
    assert "x.done" in params


def test_insert_select_parameters_are_what_each_field_would_prepare(tree, monkeypatch):
    """The values passed as they are (a str to a CharField, an int key) and those prepared by
    their field (a time, JSON, a bool given for a number) are what the field itself gives."""
    now = datetime.datetime(2026, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    school = tree["hz_school"]
    entries = [
        AuditEntry(action="x.done", target_type="t", target_id="7", org=school, data={"名": 1}),
        AuditEntry(action="x.done", target_id=True, org_id=None, data=None),  # not a str
        AuditEntry(actor_id=None, action=None, target_type="", data=[]),  # None in a CharField
    ]

    def plain(value):
        return value.obj if isinstance(value, Jsonb) else value

    programme = Programme.objects.create(
        code="rows",
        title="行",
        policy={
            "items": [{"code": "p1", "label": "第1期", "kind": "phase"}],
            "enrollment": {"channels": ["nomination"]},
            "quota": {"scope": "school"},
        },
    )
    person = PersonFactory(org=school)
    enrollment = Enrollment(
        programme=programme, item="p1", person=person, org=school, step=2, policy_revision=3
    )
    enrollment.pk = 1
    events = [
        EnrollmentEvent(enrollment=enrollment, action="submitted", step=1, status="submitted"),
        EnrollmentEvent(enrollment=enrollment, action="x", step=None, arrives_at=True, status=""),
    ]
    for row in [*entries, enrollment, *events]:
        _names, _values, params = rows.insert_select_parts(row, {}, connection)
        fields = rows._insert_fields(type(row))
        expected = [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]
        assert [plain(p) for p in params] == [plain(v) for v in expected]
        assert [type(p) for p in params] == [type(v) for v in expected]


def test_no_insert_select_parts_for_a_value_the_database_gives_or_a_listened_model(tree):
    event = EnrollmentEvent(action="submitted")  # its status left to the database's default
    assert isinstance(event.status, DatabaseDefault)
    assert rows.insert_select_parts(event, {}, connection) is None

    def receiver(sender, **kwargs):
        pass

    signals.pre_save.connect(receiver, sender=AuditEntry)
    try:
        assert rows.has_save_receivers(AuditEntry)
        assert rows.insert_select_parts(AuditEntry(action="heard.me"), {}, connection) is None
    finally:
        signals.pre_save.disconnect(receiver, sender=AuditEntry)
    assert not rows.has_save_receivers(AuditEntry)


def test_fetch_gives_the_instances_the_orm_gives(tree, national_admin):
    programme = Programme.objects.create(
        code="t",
        title="测试计划",
        year=2026,
        policy={
            "items": [{"code": "p1", "label": "第1期", "kind": "phase"}],
            "enrollment": {"channels": ["nomination"]},
            "quota": {"scope": "school"},
        },
    )
    quota = quota_set(
        actor=national_admin.user, programme=programme, item="p1", seats=3, org=tree["hz_school"]
    )
    (fetched,) = rows.fetch(
        Quota, f"SELECT {rows.columns(Quota)} FROM quotas_quota WHERE id = %s", [quota.pk]
    )
    assert isinstance(fetched.created_at, datetime.datetime)  # converted on SQLite too
    assert fetched.created_at.tzinfo is not None
    orm = Quota.objects.get(pk=quota.pk)
    names = [f.attname for f in Quota._meta.concrete_fields]
    assert [getattr(fetched, n) for n in names] == [getattr(orm, n) for n in names]
    assert not fetched._state.adding


def test_person_submitting_reads_the_person_school_and_profile(tree, django_assert_num_queries):
    person = PersonFactory(
        org=tree["hz_school"],
        teacher={"title": "senior", "years_teaching": 12, "teaching_major": "数控技术"},
    )
    with django_assert_num_queries(1):
        found = person_submitting(person.pk)
        assert found.teacher_profile.title == "senior"
    assert (found.pk, found.name, found.org_id) == (person.pk, person.name, tree["hz_school"].pk)
    assert found.id_number_masked == person.id_number_masked
    profile = found.teacher_profile  # in place, as select_related puts it
    assert (profile.title, profile.years_teaching, profile.teaching_major) == (
        "senior",
        12,
        "数控技术",
    )
    assert profile.person is found
    assert found.org.school_kind == tree["hz_school"].school_kind
    assert found.org.is_active is True
    # The columns it did not read load on first use.
    assert found.gender == Person.objects.get(pk=person.pk).gender


def test_person_submitting_without_a_profile_or_record(tree, django_assert_num_queries):
    person = PersonFactory(org=tree["hz_school"])
    with django_assert_num_queries(1):
        found = person_submitting(person.pk)
        # Known to have none: no query to find out.
        assert getattr(found, "teacher_profile", None) is None
        assert found.org.name == tree["hz_school"].name
    assert isinstance(found.org, Organisation)
    assert person_submitting(person.pk + 10_000) is None
