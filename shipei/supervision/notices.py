"""What the people of a spot check hear: the inspector that it was sent, the base that its class
or project was inspected (never before: checks are not announced), the inspector and the drawer
that the base responded, the base and the inspector that the case is closed. Written in the
step's transaction through the notifications channel, so a refused step tells nobody."""

from django.utils.translation import gettext as _

from shipei.notifications.services import notify
from shipei.projects.notices import base_admins

from .models import Inspection


def _url(inspection: Inspection) -> str:
    return inspection.get_absolute_url()


def assigned(inspection: Inspection) -> None:
    notify(
        [inspection.inspector],
        title=_("请检查：%(name)s") % {"name": str(inspection)},
        body=_("%(check)s：您被指派为检查人，请到现场或线上检查后记录检查发现和评价等级。")
        % {"check": inspection.spot_check.title},
        url=_url(inspection),
    )


def inspected(inspection: Inspection) -> None:
    notify(
        base_admins(inspection.base),
        title=_("抽检结果待回复：%(name)s") % {"name": str(inspection)},
        body=_("评价等级：%(rating)s。请查看检查发现并回复整改情况。")
        % {"rating": inspection.get_rating_display()},
        url=_url(inspection),
    )


def responded(inspection: Inspection) -> None:
    notify(
        [inspection.inspector, inspection.spot_check.drawn_by],
        title=_("基地已回复抽检：%(name)s") % {"name": str(inspection)},
        body=_("%(base)s已回复检查发现，请查看后结案。") % {"base": inspection.base.name},
        url=_url(inspection),
    )


def closed(inspection: Inspection) -> None:
    notify(
        [*base_admins(inspection.base), inspection.inspector],
        title=_("抽检已结案：%(name)s") % {"name": str(inspection)},
        body=_("评价等级：%(rating)s。") % {"rating": inspection.get_rating_display()},
        url=_url(inspection),
    )
