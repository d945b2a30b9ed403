"""The ledger: certificates credit it as they are issued and stop when revoked; a teacher sees
theirs across programmes and years; admins see their teachers' totals and drill to one."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from shipei.certificates import services as certificates
from shipei.certificates.models import Certificate
from shipei.certificates.tests.conftest import make_class
from shipei.credits import services
from shipei.credits.models import Claim, Entry
from shipei.credits.tests.conftest import (
    HOURS,
    claim_fields,
    counting,
    issue,
    teacher_of,
    xlsx_rows,
)
from shipei.enrollment.models import Enrollment

pytestmark = pytest.mark.django_db


def test_a_certificate_credits_the_ledger_only_where_the_policy_counts_it(tree, c004, issuer):
    other = counting(make_class(tree, n=1, code="c004b"), counts=False)
    counted = issue(issuer, c004.enrollments[0])
    issue(issuer, other.enrollments[0])

    entry = Entry.objects.get()
    assert entry.certificate == counted and entry.person == counted.person
    assert (entry.hours, entry.number, entry.source) == (HOURS, counted.number, "certificate")
    assert entry.year == c004.klass.ends_on.year and entry.organiser == "杭州职业技术学院"


def test_revoking_takes_the_hours_off_and_a_reissue_credits_the_new_number(c004, issuer):
    first = issue(issuer, c004.enrollments[0])
    certificates.certificate_revoke(
        actor=issuer.user, certificate=first, reason=Certificate.Reason.ERROR
    )
    assert not Entry.objects.exists()

    again = certificates.certificate_reissue(
        actor=issuer.user, certificate=Certificate.objects.get(pk=first.pk)
    )
    assert list(Entry.objects.values_list("number", "hours")) == [(again.number, HOURS)]


def _external(person, year: int, hours: str) -> Entry:
    claim = Claim.objects.create(
        person=person,
        org=person.org,
        title=f"{year} 年校外研修",
        organiser="省职教所",
        starts_on=datetime.date(year, 5, 1),
        ends_on=datetime.date(year, 5, 3),
        hours=Decimal(hours),
        proof_name="p.pdf",
        status=Claim.Status.APPROVED,
    )
    return Entry.objects.create(
        person=person,
        source=Entry.Source.EXTERNAL,
        claim=claim,
        year=year,
        title=claim.title,
        organiser=claim.organiser,
        hours=claim.hours,
    )


def test_a_teacher_sees_the_ledger_by_year_with_external_hours_marked(client, c004, issuer):
    teacher = teacher_of(c004.enrollments[0].person.org)
    Enrollment.objects.filter(pk=c004.enrollments[0].pk).update(person=teacher.person)
    issued = issue(issuer, Enrollment.objects.get(pk=c004.enrollments[0].pk))
    _external(teacher.person, 2023, "12.5")
    client.force_login(teacher.user)

    page = client.get(reverse("credits:mine")).content.decode()

    year = c004.klass.ends_on.year
    assert "68.5" in page  # 56 + 12.5, across both years
    assert page.index(f"{year} 年度") < page.index("2023 年度")
    assert issued.number in page and "校外培训" in page and "12.5" in page
    assert "我的学时" in page  # in the menu


def test_admins_see_their_teachers_totals_and_drill_to_one_but_not_beyond_their_area(
    client, c004, issuer, city_admin, jiangsu_admin
):
    issue(issuer, c004.enrollments[0])
    person = c004.enrollments[0].person
    _external(person, 2024, "6")

    client.force_login(city_admin.user)
    page = client.get(reverse("credits:people")).content.decode()
    assert person.name in page and "62" in page and "6" in page
    detail = client.get(reverse("credits:person", args=[person.pk]))
    assert detail.status_code == 200 and person.id_number_masked in detail.content.decode()
    only_2024 = client.get(reverse("credits:people"), {"year": 2024}).context["people"]
    assert [(p.pk, p.total) for p in only_2024] == [(person.pk, Decimal(6))]

    client.force_login(jiangsu_admin.user)
    assert person.name not in client.get(reverse("credits:people")).content.decode()
    assert client.get(reverse("credits:person", args=[person.pk])).status_code == 404


def test_the_ledger_exports_with_id_numbers_masked(client, c004, issuer, school_coordinator):
    issue(issuer, c004.enrollments[0])
    issue(issuer, c004.enrollments[1])
    client.force_login(school_coordinator.user)

    response = client.get(reverse("credits:export"))

    rows = xlsx_rows(response.content)
    assert rows[0][:4] == ("姓名", "身份证号码", "单位", "年度")
    people = {e.person.name: e.person for e in c004.enrollments}
    assert {r[0] for r in rows[1:]} == set(people)
    for row in rows[1:]:
        assert row[1] == people[row[0]].id_number_masked and "*" in row[1]
        assert row[8] == "56" and row[9] == "平台培训"


def test_a_teacher_exports_only_their_own_lines(client, c004, issuer, teacher):
    issue(issuer, c004.enrollments[0])
    services.claim_submit(actor=teacher.user, **claim_fields())
    client.force_login(teacher.user)
    rows = xlsx_rows(client.get(reverse("credits:export")).content)
    assert rows[1:] == []
    other = client.get(reverse("credits:export"), {"person": c004.enrollments[0].person.pk})
    assert other.status_code == 404


def test_round_totals_show_as_written_and_the_area_sees_the_sum_of_its_teachers(
    client, c004, issuer, city_admin
):
    """56 + 56 + 8 = 120 hours: "120", never Decimal's "1.2E+2"; the year narrows the sum."""
    issue(issuer, c004.enrollments[0])
    issue(issuer, c004.enrollments[1])
    person = c004.enrollments[0].person
    _external(person, 2024, "8")

    client.force_login(city_admin.user)
    page = client.get(reverse("credits:people")).content.decode()
    assert '合计 <strong class="fs-5">120</strong> 学时，其中校外 8 学时' in page
    assert ">64</td>" in page and "E+" not in page
    in_2024 = client.get(reverse("credits:people"), {"year": 2024}).content.decode()
    assert '合计 <strong class="fs-5">8</strong> 学时，其中校外 8 学时' in in_2024

    ledger = client.get(reverse("credits:person", args=[person.pk])).content.decode()
    assert 'data-testid="ledger-total">64<' in ledger and "E+" not in ledger
