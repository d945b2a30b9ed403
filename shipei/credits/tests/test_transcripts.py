"""Transcripts (成绩单) of a teacher or a class: components and scores, hours, attendance hours
and the certificate number, as .xlsx and PDF."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from shipei.credits.tests.conftest import issue, scored, teacher_of, xlsx_rows
from shipei.enrollment.models import Enrollment

pytestmark = pytest.mark.django_db


def test_a_class_transcript_lists_scores_hours_and_certificate_numbers(client, c004, issuer):
    first = issue(issuer, c004.enrollments[0])
    scored(c004.enrollments[1], process=75, final=58)
    client.force_login(issuer.user)

    response = client.get(reverse("credits:transcript_class", args=[c004.klass.pk, "xlsx"]))

    rows = xlsx_rows(response.content)
    header = list(rows[0])
    assert header[:2] == ["姓名", "身份证号码"] and header[-3:] == ["学时", "出勤学时", "证书编号"]
    assert "过程性考核" in header and "终结性考核" in header
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    one = by_name[c004.enrollments[0].person.name]
    assert (one["过程性考核"], one["终结性考核"], one["证书编号"]) == ("88", "92", first.number)
    assert one["身份证号码"] == c004.enrollments[0].person.id_number_masked
    assert (one["学时"], one["出勤学时"]) == ("56", "0")
    two = by_name[c004.enrollments[1].person.name]
    assert (two["终结性考核"], two["考核结果"], two["证书编号"]) == ("58", "未合格", "")
    assert one["考核结果"] == "合格"


def test_a_class_transcript_pdf_reads_with_the_names_and_numbers(client, c004, issuer):
    first = issue(issuer, c004.enrollments[0])
    client.force_login(issuer.user)

    response = client.get(reverse("credits:transcript_class", args=[c004.klass.pk, "pdf"]))

    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "成绩单" in text and first.number in text
    assert c004.enrollments[0].person.name in text and "过程性考核" in text


def test_a_teachers_transcript_is_theirs_or_their_admins_only(client, tree, c004, issuer):
    teacher = teacher_of(tree["hz_school"], name="周晓燕")
    Enrollment.objects.filter(pk=c004.enrollments[0].pk).update(person=teacher.person)
    issued = issue(issuer, Enrollment.objects.get(pk=c004.enrollments[0].pk))
    url = reverse("credits:transcript_person", args=[teacher.person.pk, "pdf"])

    client.force_login(teacher.user)
    text = PdfReader(io.BytesIO(client.get(url).content)).pages[0].extract_text()
    assert "周晓燕 成绩单" in text and issued.number in text and "56" in text

    client.force_login(teacher_of(tree["hz_school"]).user)
    assert client.get(url).status_code == 404
    client.force_login(teacher_of(tree["nj_school"]).user)
    assert (
        client.get(reverse("credits:transcript_class", args=[c004.klass.pk, "xlsx"])).status_code
        == 404
    )


def test_a_teacher_downloads_their_transcript_as_xlsx_from_their_ledger_page(
    client, tree, c004, issuer
):
    teacher = teacher_of(tree["hz_school"], name="周晓燕")
    Enrollment.objects.filter(pk=c004.enrollments[0].pk).update(person=teacher.person)
    issued = issue(issuer, Enrollment.objects.get(pk=c004.enrollments[0].pk))
    client.force_login(teacher.user)

    url = reverse("credits:transcript_person", args=[teacher.person.pk, "xlsx"])
    assert f'href="{url}"' in client.get(reverse("credits:mine")).content.decode()
    rows = xlsx_rows(client.get(url).content)
    mine = dict(zip(rows[0], rows[1], strict=True))
    assert (mine["姓名"], mine["证书编号"], mine["学时"]) == ("周晓燕", issued.number, "56")
