"""The notice itself travels with its programme: text from the preset, a file an admin attaches."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from shipei.programmes.models import Programme


@pytest.fixture
def programme(db, tree) -> Programme:
    call_command("load_preset", "moe-2024-national-base-projects", stdout=StringIO())
    return Programme.objects.get(code="moe-2024-national-base-projects")


def _identity(programme: Programme) -> dict:
    return {
        "owner": programme.owner_id or "",
        "code": programme.code,
        "title": programme.title,
        "year": programme.year,
        "issuer": programme.issuer,
        "document_number": programme.document_number,
        "issued_on": programme.issued_on.isoformat(),
        "notice_text": programme.notice_text,
    }


def test_notice_text_is_on_the_page_with_the_quota_link(client, national_admin, programme):
    client.force_login(national_admin.user)
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "通知原文" in page and "教师司函〔2024〕6号" in page
    assert "/quotas/" not in page  # 002 gives no quotas: no link to a quota table


def test_attached_notice_is_downloadable_only_by_those_who_see_the_programme(
    client, national_admin, trainee, programme, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(national_admin.user)
    pdf = SimpleUploadedFile("通知.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        f"/programmes/{programme.pk}/edit/", {**_identity(programme), "notice_file": pdf}
    )
    assert response.status_code == 302, response.content.decode()
    programme.refresh_from_db()
    assert programme.notice_file.name.endswith(".pdf")
    download = client.get(f"/programmes/{programme.pk}/notice/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 test"
    client.force_login(trainee.user)
    assert client.get(f"/programmes/{programme.pk}/notice/").status_code in (403, 404)


def test_a_notice_file_of_the_wrong_kind_is_refused(
    client, national_admin, programme, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(national_admin.user)
    exe = SimpleUploadedFile("notice.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        f"/programmes/{programme.pk}/edit/", {**_identity(programme), "notice_file": exe}
    )
    assert "通知文件应为 PDF、OFD、Word、WPS、文本或图片文件" in response.content.decode()
    programme.refresh_from_db()
    assert not programme.notice_file
