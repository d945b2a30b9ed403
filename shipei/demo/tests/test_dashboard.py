"""The demo's data as the dashboard shows it: the same numbers as a plain count."""

from django.urls import reverse
from django.utils import timezone

from shipei.accounts.models import Role, RoleAssignment
from shipei.certificates.models import Certificate
from shipei.enrollment.models import Enrollment
from shipei.statistics import figures


def test_demo_dashboard_shows_the_demos_enrollments_and_certificates(db, client, demo_printed):
    year = timezone.localdate().year
    national = RoleAssignment.objects.filter(role=Role.NATIONAL_ADMIN, user__is_demo=True).first()
    client.force_login(national.user)

    data = client.get(reverse("statistics:api_figures"), {"year": year}).json()

    kpis = {k["label"]: k["value"] for k in data["kpis"]}
    this_year = Enrollment.objects.filter(submitted_at__year=year)
    assert this_year.exists()
    assert kpis["报名人数"] == f"{this_year.count():,}"
    certs = Certificate.objects.filter(
        status=Certificate.Status.VALID, enrollment__in=this_year
    ).count()
    # The closed 004 class's three who passed its assessment (shipei/demo/scoring.py).
    assert certs == 3
    assert kpis["证书"] == f"{certs:,}"
    assert figures.from_summaries(year=year, area=None) == figures.from_raw(
        year=year, path=None, unit="area"
    )
    page = client.get(reverse("statistics:dashboard"), {"year": year})
    assert f"{this_year.count():,}" in page.content.decode()


def test_the_closed_classs_trainees_completed_or_not_as_the_dashboard_counts_them(
    db, client, demo_printed
):
    """The closed 004 class (shipei/demo/scoring.py): 华晓东, 金玲 and 陶然 passed and reached
    the hours, 结业; 魏涛 failed his process twice, 未结业. No other demo training has ended."""
    closed = Enrollment.objects.filter(training_class__status="closed")
    assert {e.person.name: e.status for e in closed} == {
        "华晓东": "passed",
        "金玲": "passed",
        "陶然": "passed",
        "魏涛": "failed",
    }
    assert Enrollment.objects.filter(status__in=("passed", "failed")).count() == 4
    year = closed.first().submitted_at.year
    national = RoleAssignment.objects.filter(role=Role.NATIONAL_ADMIN, user__is_demo=True).first()
    client.force_login(national.user)

    data = client.get(reverse("statistics:api_figures"), {"year": year}).json()

    kpis = {k["label"]: k["value"] for k in data["kpis"]}
    assert kpis["结业人数"] == "3"
    assert kpis["合格率"] == "75.0%"  # 3 of the 4 whose training ended
