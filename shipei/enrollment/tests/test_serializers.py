"""The API's answers: built directly for speed, exactly what the declared fields give."""

from types import SimpleNamespace

from rest_framework import serializers

from shipei.core.tests.api_helpers import api_as
from shipei.enrollment import services
from shipei.enrollment.models import Enrollment
from shipei.enrollment.serializers import EnrollmentDetail, EventOutput

from .test_api import URL, enrolled, programme, quota, teacher  # noqa: F401 — fixtures


def test_answers_are_exactly_what_the_declared_fields_give(
    programme,  # noqa: F811
    quota,  # noqa: F811
    tree,
    school_coordinator,
    city_admin,
):
    """The answers are built directly for speed; the schema is made from the declared fields.
    DRF's own walk over those fields must give the same, for enrollments in every state."""
    api = api_as(school_coordinator)
    waiting, approved, rejected = (
        enrolled(api, programme, teacher(tree["hz_school"])) for _ in range(3)
    )
    for body, decision in ((approved, "approve"), (rejected, "reject")):
        services.enrollment_decide(
            actor=city_admin.user,
            enrollment=Enrollment.objects.get(pk=body["id"]),
            decision=decision,
            reason="材料齐全" if decision == "approve" else "教龄不足",
        )
    for actor in (school_coordinator, city_admin):
        context = {"request": SimpleNamespace(user=actor.user)}
        for e in Enrollment.objects.order_by("pk"):
            detail = EnrollmentDetail(e, context=context)
            assert detail.data == serializers.Serializer.to_representation(detail, e)
            for event in e.events.all():
                output = EventOutput()
                assert output.to_representation(event) == (
                    serializers.Serializer.to_representation(output, event)
                )
    admin = api_as(city_admin)
    assert admin.get(f"{URL}{waiting['id']}/").json()["may_decide"] is True
    shown = {e["id"]: e for e in admin.get(URL).json()["results"]}
    assert shown[rejected["id"]]["reason"] == "教龄不足" and shown[rejected["id"]]["decided_at"]
    assert shown[approved["id"]]["step_label"] == "省教育厅确认"
