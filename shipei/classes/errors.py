from django.utils.translation import gettext_lazy as _

from shipei.core.errors import DomainError


class ProjectLocked(DomainError):
    """A project's classes change with the project: only while it is a draft or returned."""

    code = "project_locked"
    status = 409
    template = _("项目当前状态为“%(current)s”，只有草稿或退回修改的项目可以修改。")
