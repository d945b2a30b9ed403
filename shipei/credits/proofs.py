"""The proof file of a claim: a certificate's scan or photo, checked for type, size and content."""

from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

MAX_PROOF_BYTES = 10 * 1024 * 1024
# What each allowed extension's file starts with: a renamed executable is refused.
PROOF_TYPES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}
CONTENT_TYPES = {".pdf": "application/pdf", ".png": "image/png"}


def proof_problem(upload: Any) -> str:
    """Why an upload cannot be a claim's proof ("" if it can)."""
    if upload is None:
        return _("请上传证明材料（结业证书或学时证明的 PDF 或照片）。")
    suffix = PurePath(getattr(upload, "name", "") or "").suffix.lower()
    if suffix not in PROOF_TYPES:
        return _("证明材料只能是 PDF、JPG 或 PNG 文件，所选文件为“%(ext)s”。") % {
            "ext": suffix or _("无扩展名")
        }
    if upload.size > MAX_PROOF_BYTES:
        return _("证明材料不能超过 10 MB，所选文件为 %(mb).1f MB。") % {
            "mb": upload.size / 1024 / 1024
        }
    if upload.size == 0:
        return _("文件是空的，请重新选择。")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(PROOF_TYPES[suffix]):
        return _("文件内容与扩展名“%(ext)s”不符，请上传原始文件。") % {"ext": suffix}
    return ""


def content_type(name: str) -> str:
    return CONTENT_TYPES.get(PurePath(name).suffix.lower(), "image/jpeg")
