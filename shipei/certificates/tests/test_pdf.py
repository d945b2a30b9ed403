"""The PDF as a person and a phone read it: the text (pypdf), the embedded CJK font, and the QR
code (rendered with pdftoppm, decoded with zxing-cpp) leading to a payload that verifies and to
the verification page."""

import io
import subprocess
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from shipei.accounts.models import User
from shipei.certificates import render, services, signing
from shipei.certificates.tests.conftest import make_class

pytestmark = pytest.mark.django_db


def qr_of(pdf: bytes, tmp_path) -> str:
    (tmp_path / "c.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", tmp_path / "c.pdf", tmp_path / "page"],
        check=True,
    )
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0].text


def test_the_pdf_says_who_what_how_long_and_by_whom_and_its_qr_verifies(
    c004, issuer, client, tmp_path
):
    certificate = services.certificate_issue(actor=issuer.user, enrollment=c004.enrollments[0])
    pdf = render.certificate_pdf(certificate)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace(" ", "").replace("\n", "")
    for expected in (
        "结业证书",
        certificate.holder_name,
        certificate.number,
        "56学时",
        "杭州职业技术学院",
        certificate.title,
        f"{certificate.issued_on.year}年",
    ):
        assert expected in text, expected
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True)
    assert b"CJK" in fonts.stdout  # the Chinese font travels with the file
    url = qr_of(pdf, tmp_path)
    parts = urlsplit(url)
    assert parts.path == "/verify/"
    payload = parse_qs(parts.query)["c"][0]
    fields, signed = signing.payload_read(payload)
    assert signed and fields[:2] == [certificate.number, certificate.holder_name]
    page = client.get(f"{parts.path}?{parts.query}").content.decode()
    assert "证书有效" in page and certificate.number in page


def test_the_holder_downloads_theirs_and_the_base_the_class_as_one_zip(c004, issuer, client):
    issued = [
        services.certificate_issue(actor=issuer.user, enrollment=e) for e in c004.enrollments[:2]
    ]
    holder = issued[0].person
    user = User.objects.create_user("holder", "Secret123", person=holder)
    client.force_login(user)
    page = client.get("/certificates/mine/").content.decode()
    assert issued[0].number in page and issued[1].number not in page
    response = client.get(f"/certificates/{issued[0].pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert client.get(f"/certificates/{issued[1].pk}/pdf/").status_code == 404
    credential = client.get(f"/certificates/{issued[0].pk}/credential.json").json()
    assert credential["type"] == "EnvelopedVerifiableCredential"
    assert signing.jwt_verify(credential["id"].removeprefix("data:application/vc+jwt,"))
    assert client.get(f"/certificates/class/{c004.klass.pk}/certificates.zip").status_code == 404
    client.force_login(issuer.user)
    response = client.get(f"/certificates/class/{c004.klass.pk}/certificates.zip")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(names) == sorted(f"{c.number}.pdf" for c in issued)


def test_without_electronic_certificates_the_holder_is_sent_to_the_issuer(tree, issuer, client):
    c = make_class(tree, n=1, electronic=False)
    certificate = services.certificate_issue(actor=issuer.user, enrollment=c.enrollments[0])
    user = User.objects.create_user("paper", "Secret123", person=certificate.person)
    client.force_login(user)
    page = client.get("/certificates/mine/").content.decode()
    assert certificate.number in page and "请向发证单位领取" in page and "/pdf/" not in page
    response = client.get(f"/certificates/{certificate.pk}/pdf/", follow=True)
    assert "不发放电子证书" in response.content.decode()
    assert response.redirect_chain[-1][0] == "/certificates/mine/"
    client.force_login(issuer.user)  # the base prints them
    assert client.get(f"/certificates/{certificate.pk}/pdf/")["Content-Type"] == "application/pdf"
