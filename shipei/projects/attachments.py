"""Files attached to a project's application (the training plan, say): checked for size, type
and content, stored with the application while the base may still change it."""

import re
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.audit.services import record
from shipei.classes.errors import ProjectLocked

from .models import Project, ProjectAttachment
from .services import lock

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
# What each allowed extension's file starts with: a renamed executable is refused.
ATTACHMENT_TYPES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".doc": (_OLE,),
    ".xls": (_OLE,),
    ".ppt": (_OLE,),
    ".docx": (_ZIP,),
    ".xlsx": (_ZIP,),
    ".pptx": (_ZIP,),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


def attachment_problem(upload: Any) -> str:
    """Why an upload cannot be attached ("" if it can): size, type and content."""
    name = PurePath(getattr(upload, "name", "") or "").name
    suffix = PurePath(name).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        return _("只能上传 PDF、Word、Excel、PowerPoint、JPG 或 PNG 文件。")
    if upload.size > MAX_ATTACHMENT_BYTES:
        return _("文件不能超过 20 MB。")
    if upload.size == 0:
        return _("文件是空的，请重新选择。")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(ATTACHMENT_TYPES[suffix]):
        return _("文件内容与扩展名“%(ext)s”不符，请上传原始文件。") % {"ext": suffix}
    return ""


def _clean_filename(name: str) -> str:
    name = re.sub(r"[\x00-\x1f\x7f/\\]", "", PurePath(name).name).strip()
    stem, suffix = PurePath(name).stem, PurePath(name).suffix.lower()
    return f"{stem[: 200 - len(suffix)]}{suffix}"


@transaction.atomic
def attachment_add(*, actor: Any, project: Project, upload: Any) -> ProjectAttachment:
    """Attach a file (the training plan, say) to an application being prepared."""
    scope.require(actor, "project.apply", project.base)
    lock(project)
    if not project.is_editable:
        raise ProjectLocked(current=project.get_status_display())
    problem = attachment_problem(upload)
    if problem:
        raise ValidationError({"file": problem})
    attachment = ProjectAttachment(
        project=project, name=_clean_filename(upload.name), size=upload.size, uploaded_by=actor
    )
    attachment.file.save(attachment.name, upload, save=False)
    try:
        attachment.save()
        record(actor, "project.attachment_added", project, org=project.base, name=attachment.name)
    except Exception:
        attachment.file.storage.delete(attachment.file.name)  # no row, no file
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, actor: Any, attachment: ProjectAttachment) -> None:
    project = attachment.project
    scope.require(actor, "project.apply", project.base)
    lock(project)
    if not project.is_editable:
        raise ProjectLocked(current=project.get_status_display())
    storage, stored = attachment.file.storage, attachment.file.name
    record(actor, "project.attachment_removed", project, org=project.base, name=attachment.name)
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))
