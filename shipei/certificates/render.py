"""The certificate as a PDF (WeasyPrint, from an HTML/CSS template per programme, the CJK font
embedded) with its QR code (segno, PNG), and a class or programme as one ZIP."""

import io
import threading
import zipfile
from collections.abc import Iterable

import segno
from django.template.loader import select_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from .credential import qr_url
from .eligibility import hours_text
from .models import Certificate


def qr_png(certificate: Certificate) -> str:
    """The QR code as a data URI: the verification page with the signed payload. A PNG of one
    pixel a module, which the template scales without smoothing (image-rendering: pixelated):
    as sharp as an SVG, but WeasyPrint draws an SVG path of thousands of points in Python at
    some 0.2 s a certificate, and embeds the PNG as it is."""
    return segno.make(qr_url(certificate), error="m").png_data_uri(scale=1, border=2)


def template_names(certificate: Certificate) -> list[str]:
    """A programme's own template where it has one (certificates/pdf/<code>.html), else the
    default."""
    return [f"certificates/pdf/{certificate.programme.code}.html", "certificates/pdf/default.html"]


def certificate_html(certificate: Certificate) -> str:
    return select_template(template_names(certificate)).render(
        {"c": certificate, "hours": hours_text(certificate.hours), "qr": qr_png(certificate)}
    )


# One font configuration a thread, kept: a fresh one per PDF sets up fontconfig and loads the
# CJK fonts again (about a third of a certificate's render). Per thread, as Pango's font map
# is not to be shared between threads (gunicorn's gthread workers render at once).
_fonts = threading.local()


def certificate_pdf(certificate: Certificate) -> bytes:
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return HTML(string=certificate_html(certificate)).write_pdf(font_config=_fonts.config)


def filename(certificate: Certificate) -> str:
    return f"{certificate.number}.pdf"


def certificates_zip(certificates: Iterable[Certificate]) -> bytes:
    """One PDF per certificate, named by its number, in one ZIP."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            archive.writestr(filename(certificate), certificate_pdf(certificate))
    return out.getvalue()
