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
