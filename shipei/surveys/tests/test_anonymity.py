"""Anonymous means unlinkable: nothing stored, ordered or logged ties an answer to a trainee."""

import json
import logging

import pytest
from auditlog.models import LogEntry
from django.db import connection, models

from shipei.attendance.tests.conftest import enroll
from shipei.audit.models import AuditEntry
from shipei.surveys import services
from shipei.surveys.models import Answered, Response

from .conftest import answers


def _columns(model: type[models.Model]) -> dict[str, models.Field]:
    return {f.column: f for f in model._meta.concrete_fields}


def test_no_stored_column_or_order_links_an_answer_to_the_trainee(survey, trainees, tree):
    for i, t in enumerate(trainees):
        services.response_submit(
            user=t.user, survey=survey, answers=answers(survey, q11=f"第{i}位")
        )
    submitted = [f"第{i}位" for i in range(len(trainees))]
    response_cols, answered_cols = _columns(Response), _columns(Answered)
    # The answer holds the survey and the answers: no person, user, enrollment or time.
    assert set(response_cols) == {"id", "survey_id", "answers"}
    assert set(answered_cols) == {"id", "survey_id", "enrollment_id"}
    # The only column they share is the survey, the same for the whole class.
    assert set(response_cols) & set(answered_cols) == {"id", "survey_id"}
    assert not {r.pk for r in Response.objects.all()} & {a.pk for a in Answered.objects.all()}
    # No time at all, so none finer than the day; no serial key, so no insertion order.
    for field in [*response_cols.values(), *answered_cols.values()]:
        assert not isinstance(field, (models.DateField, models.DateTimeField, models.AutoField))
    assert isinstance(response_cols["id"], models.UUIDField)
    assert isinstance(answered_cols["id"], models.UUIDField)
    # Ordered by key, neither table follows the order of submission.
    by_pk = [r.answers["q11"] for r in Response.objects.order_by("pk")]
    assert sorted(by_pk) == sorted(submitted) and by_pk != submitted
    order = [t.enrollment.pk for t in trainees]
    assert [a.enrollment_id for a in Answered.objects.order_by("pk")] != order
    # Each submission rewrites the answers with new keys in a shuffled order, so that even the
    # table's physical order does not follow the order of submission.
    assert [a["q11"] for a in _physical_order()] != submitted
    before = {r.pk for r in Response.objects.all()}
    late = enroll(survey.training_class, tree["hz_school"], "迟交者")
    services.response_submit(user=late.user, survey=survey, answers=answers(survey))
    assert not before & {r.pk for r in Response.objects.all()}


def _physical_order() -> list[dict]:
    physical = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT answers FROM surveys_response ORDER BY {physical}")
        return [json.loads(v) if isinstance(v, str) else v for (v,) in cursor]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_row_transaction_id_pairs_an_answer_with_its_has_answered_row(survey, trainees):
    """PostgreSQL stamps each row with the transaction that wrote it (xmin): an answer written
    alone would share it with its trainee's has-answered row."""
    for t in trainees:
        services.response_submit(user=t.user, survey=survey, answers=answers(survey))
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT xmin::text FROM surveys_response")
        stamps = {row[0] for row in cursor}
        cursor.execute("SELECT xmin::text FROM surveys_answered")
        answered = [row[0] for row in cursor]
    # Every answer carries the last submission's stamp: it names nobody but the last one, and
    # the last one is whoever answered last, which the has-answered rows already say.
    assert len(stamps) == 1 and len(set(answered)) == len(trainees)


def test_the_submitting_request_leaves_nothing_that_names_the_answer(
    client, survey, trainees, caplog
):
    trainee = trainees[0]
    client.force_login(trainee.user)
    entries = AuditEntry.objects.count()
    with caplog.at_level(logging.DEBUG):
        response = client.post(f"/surveys/{survey.pk}/", answers(survey, q11="收获很大"))
    stored = Response.objects.get()
    assert response.status_code == 302 and response["Location"] == "/surveys/"
    # No audit entry, no log line, no message that carries the answer's key.
    assert AuditEntry.objects.count() == entries
    assert str(stored.pk) not in caplog.text and stored.pk.hex not in caplog.text
    page = client.get("/surveys/").content.decode()
    assert "已提交，感谢您的评价。" in page and str(stored.pk) not in page
    assert not LogEntry.objects.filter(object_pk=str(stored.pk)).exists()
