from django.utils.translation import gettext_lazy as _

from shipei.core.errors import DomainError


class OrgMoveIntoOwnSubtree(DomainError):
    code = "org_move_cycle"
    template = _("不能把机构移到它自己或它的下级单位之下。")


class OrgHasDependants(DomainError):
    code = "org_has_dependants"
    status = 409
    template = _("“%(name)s”下还有%(what)s，不能停用。")
