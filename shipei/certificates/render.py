"""The certificate as a PDF (WeasyPrint, from an HTML/CSS template per programme, the CJK font
embedded) with its QR code (segno, SVG), and a class or programme as one ZIP."""

import io
import zipfile
from collections.abc import Iterable

import segno
from django.template.loader import select_template
from weasyprint import HTML

from .credential import qr_url
from .eligibility import hours_text
from .models import Certificate


def qr_svg(certificate: Certificate) -> str:
    """The QR code as a data URI (SVG): the verification page with the signed payload."""
    return segno.make(qr_url(certificate), error="m").svg_data_uri(scale=4, border=2)


def template_names(certificate: Certificate) -> list[str]:
    """A programme's own template where it has one (certificates/pdf/<code>.html), else the
    default."""
    return [f"certificates/pdf/{certificate.programme.code}.html", "certificates/pdf/default.html"]


def certificate_html(certificate: Certificate) -> str:
    return select_template(template_names(certificate)).render(
        {"c": certificate, "hours": hours_text(certificate.hours), "qr": qr_svg(certificate)}
    )


def certificate_pdf(certificate: Certificate) -> bytes:
    return HTML(string=certificate_html(certificate)).write_pdf()


def filename(certificate: Certificate) -> str:
    return f"{certificate.number}.pdf"


def certificates_zip(certificates: Iterable[Certificate]) -> bytes:
    """One PDF per certificate, named by its number, in one ZIP."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            archive.writestr(filename(certificate), certificate_pdf(certificate))
    return out.getvalue()
