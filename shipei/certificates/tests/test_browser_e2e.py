"""From scoring to a verified certificate in headless Chromium on a 390 px phone, for notice 004
(two teaching core teachers score the process, three assessing core teachers the final; the
base that ran the class issues) and notice 000 (the phase assessed by an essay alone; the
programme's issuer issues). The trainee downloads the PDF from 我的证书; its text is read with
pypdf, its QR code decoded (pdftoppm + zxing-cpp) to a payload whose signature holds offline and
to the verification page; the issuer revokes it and the same QR code then says revoked.
Screenshots in /tmp/shots (certificates-e2e-*)."""

import io
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from shipei.assessment.essays import essay_submit
from shipei.assessment.tests.conftest import NAMES, make_000_class, staff
from shipei.attendance.tests.conftest import Trainee, enroll, make_class
from shipei.certificates import signing
from shipei.certificates.models import Certificate
from shipei.certificates.tests.test_pdf import qr_of
from shipei.classes import flow
from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    PHONE,
    browser_context_args,
    login,
    shot,
)
from shipei.projects.models import Project
from shipei.projects.tests.test_browser import check_page, logout
from shipei.staffing.models import StaffRole

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ESSAY = "工学一体化课程以典型工作任务为载体，学生在真实情境中完成学习任务，教师引导反思。" * 30


def fill_sheet(page: Page, url: str, user: Any, class_pk: int, code: str, scores: dict) -> None:
    """A scorer signs in on the phone, fills the component's sheet and submits it."""
    login(page, url, user.person._mobile())
    page.goto(f"{url}/assessment/classes/{class_pk}/sheet/{code}/")
    for name, value in scores.items():
        page.get_by_label(f"{name}的分数（0～100）").fill(value)
    page.get_by_role("button", name="提交评分").click()
    expect(page.get_by_text(f"已提交 {len(scores)} 人的评分。")).to_be_visible()
    logout(page)


def issue_in_one_go(page: Page, url: str, kind: str, pk: int, n: int) -> None:
    page.goto(f"{url}/certificates/{kind}/{pk}/")
    page.get_by_role("button", name="为符合条件的学员批量发证").click()
    expect(page.get_by_text(f"批量发证已完成：已发证 {n} 人，未发证 0 人。")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")


def download_and_check(page: Page, url: str, trainee: Trainee, expected: list[str], tmp_path):
    """The trainee downloads the PDF from 我的证书; what it says, and where its QR code leads.
    Returns the certificate and the URL its QR code holds."""
    login(page, url, trainee.person._mobile())
    page.goto(f"{url}/certificates/mine/")
    certificate = Certificate.objects.get(person=trainee.person)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载证书（PDF）").click()
    assert download.value.suggested_filename.endswith(".pdf")
    pdf = download.value.path().read_bytes()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace(" ", "").replace("\n", "")
    for part in [trainee.person.name, certificate.number, *expected]:
        assert part in text, part
    qr = qr_of(pdf, tmp_path)
    parts = urlsplit(qr)
    assert parts.path == "/verify/"
    fields, signed = signing.payload_read(parse_qs(parts.query)["c"][0])
    assert signed and fields[:2] == [certificate.number, trainee.person.name]
    logout(page)
    return certificate, f"{url}{parts.path}?{parts.query}"


def verify_then_revoke(page: Page, url: str, issuer: Any, certificate: Any, qr_url: str, name):
    """Anyone opens the QR code's address (valid); the issuer revokes the certificate on its
    page; the same address and the number both say revoked."""
    page.goto(qr_url)
    expect(page.get_by_text("证书有效（二维码签名核验通过）")).to_be_visible()
    expect(page.get_by_text(certificate.masked_name)).to_be_visible()
    shot(page, f"certificates-e2e-{name}-verify-valid-390")

    login(page, url, issuer.person._mobile())
    page.goto(f"{url}/certificates/{certificate.pk}/")
    page.get_by_label("撤销原因").select_option(label="证书信息有误")
    page.get_by_role("button", name="撤销", exact=True).click()
    expect(page.get_by_text("已撤销", exact=True).first).to_be_visible()
    logout(page)

    for address in (qr_url, f"{url}/verify/?no={certificate.number}"):
        page.goto(address)
        expect(page.get_by_text("证书已撤销")).to_be_visible()
        expect(page.get_by_text("原因：证书信息有误")).to_be_visible()
        expect(page.get_by_text("证书有效")).to_have_count(0)
    shot(page, f"certificates-e2e-{name}-verify-revoked-390")


def test_004_from_the_core_teachers_scores_to_a_revoked_certificate(
    live_server: Any, page: Page, base_admin: Any, tree: Any, tmp_path
) -> None:
    url = live_server.url
    cls = make_class(base_admin)
    # The hours the base's filed project states (004's items name none): what the PDF says.
    Project.objects.filter(pk=cls.project_id).update(hours=Decimal("56"))
    trainees = [enroll(cls, tree["hz_school"], name) for name in NAMES[:2]]
    teaching = staff(cls, tree["nj_school"], StaffRole.TEACHING, 2)
    assessing = staff(cls, tree["nj_school"], StaffRole.ASSESSING, 3)
    wang, li = (t.person.name for t in trainees)
    page.set_viewport_size(PHONE)
    found: dict[str, list[str]] = {}

    for user, scores in zip(
        teaching, ({wang: "86", li: "78"}, {wang: "80", li: "70"}), strict=True
    ):
        fill_sheet(page, url, user, cls.pk, "process", scores)
    for value, user in zip(("75", "70", "65"), assessing, strict=True):
        fill_sheet(page, url, user, cls.pk, "final", {wang: value, li: "90"})
    flow.class_start_assessment(actor=base_admin.user, training_class=cls)
    flow.class_close(actor=base_admin.user, training_class=cls)

    # The base sees both passed, then issues the class in one go.
    login(page, url, base_admin.person._mobile())
    page.goto(f"{url}/assessment/classes/{cls.pk}/")
    for name in (wang, li):
        expect(
            page.locator("tr", has_text=name).get_by_text("考核合格", exact=True)
        ).to_be_visible()
    check_page(page, found, "results")
    shot(page, "certificates-e2e-004-results-390")
    issue_in_one_go(page, url, "class", cls.pk, 2)
    check_page(page, found, "issued")
    shot(page, "certificates-e2e-004-issued-390")
    logout(page)

    certificate, qr_url = download_and_check(
        page, url, trainees[0], ["结业证书", "56学时", "杭州职业技术学院", "工学一体化"], tmp_path
    )
    assert certificate.issuer == "杭州职业技术学院"
    verify_then_revoke(page, url, base_admin, certificate, qr_url, "004")
    assert Certificate.objects.get(person=trainees[1].person).is_valid  # the other one stands
    assert not any(found.values()), found


def test_000_from_the_essay_score_to_a_revoked_phase_certificate(
    live_server: Any, page: Page, base_admin: Any, national_admin: Any, tree: Any, tmp_path
) -> None:
    url = live_server.url
    cls = make_000_class(base_admin.org)
    flow.class_open_enrollment(actor=base_admin.user, training_class=cls)
    flow.class_start(actor=base_admin.user, training_class=cls)
    writer = enroll(cls, tree["hz_school"], NAMES[0])
    essay_submit(
        actor=writer.user,
        enrollment=writer.enrollment,
        component="essay",
        title="学习心得",
        body=ESSAY,
    )
    page.set_viewport_size(PHONE)
    found: dict[str, list[str]] = {}

    # The base's staff score the essay on the phone; the phase is passed.
    login(page, url, base_admin.person._mobile())
    page.goto(f"{url}/assessment/classes/{cls.pk}/sheet/essay/")
    page.get_by_label(f"{writer.person.name}的分数（0～100）").fill("82")
    page.get_by_role("button", name="提交评分").click()
    expect(page.get_by_text("已提交 1 人的评分。")).to_be_visible()
    check_page(page, found, "essay-sheet")
    shot(page, "certificates-e2e-000-essay-sheet-390")
    page.goto(f"{url}/assessment/classes/{cls.pk}/")
    row = page.locator("tr", has_text=writer.person.name)
    expect(row.get_by_text("考核合格", exact=True)).to_be_visible()
    logout(page)
    flow.class_start_assessment(actor=base_admin.user, training_class=cls)
    flow.class_close(actor=base_admin.user, training_class=cls)

    # The programme's issuer (the ministry's committee) issues the phase.
    programme = cls.project.programme
    login(page, url, national_admin.person._mobile())
    issue_in_one_go(page, url, "programme", programme.pk, 1)
    check_page(page, found, "issued")
    shot(page, "certificates-e2e-000-issued-390")
    logout(page)

    certificate, qr_url = download_and_check(
        page,
        url,
        writer,
        ["结业证书", "在线培训示范班", "第1期", "10学时", "教育部信息化教学指导委员会"],
        tmp_path,
    )
    assert certificate.item == "p1"
    verify_then_revoke(page, url, national_admin, certificate, qr_url, "000")
    assert not any(found.values()), found
