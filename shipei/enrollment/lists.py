"""A province's participant list as a submission (notice 003 附件3): each submission a version
with what changed since the last, the stamped scan where the policy asks for it; received by
the programme's office and forwarded to the bases, each of which then sees its trainees."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shipei.accounts import scope
from shipei.accounts.models import Role, RoleAssignment
from shipei.audit.services import record
from shipei.core.errors import DomainError, InvalidTransition, NotPermitted
from shipei.notifications.services import notify
from shipei.orgs.models import Organisation, Region
from shipei.programmes.models import Programme

from . import exports
from .models import ParticipantList

Status = ParticipantList.Status
SCAN_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".ofd")
SCAN_MAX_BYTES = 20 * 1024 * 1024


class ScanRequired(DomainError):
    code = "scan_required"
    template = gettext_lazy("请附上加盖公章的名单扫描件（PDF 或图片）。")


class ScanInvalid(DomainError):
    code = "scan_invalid"
    template = gettext_lazy("扫描件应为 PDF、OFD 或图片文件，且不超过 20 MB。")


class ListUnchanged(DomainError):
    code = "list_unchanged"
    status = 409
    template = gettext_lazy("名单与第 %(version)s 版相同，无需再次报送。")


@transaction.atomic
def list_submit(
    *,
    actor: Any,
    programme: Programme,
    province: Region,
    item: str = "",
    scan: Any = None,
    full: bool = False,
    key: str | None = None,
    ip: str | None = None,
) -> tuple[ParticipantList, bytes]:
    """Submit the province's list as it stands: a new version (with what changed since the
    last one) and the file the notice asks for. Idempotent by `key`; refused, writing
    nothing, without the scan the policy asks for, or when nothing changed since the last
    version and no new scan comes with it."""
    if key:
        earlier = ParticipantList.objects.filter(client_key=key).first()
        if earlier is not None:
            return earlier, b""
    if not exports.may_submit_list(actor, programme, province):
        raise NotPermitted(_("参训人员名单由本计划所辖省份的省级教育行政部门报送。"))
    rules = programme.rules.enrollment
    rows = [
        {
            "id": e.pk,
            "person": e.person_id,
            "name": e.person.name,
            "org": e.org.name,
            "item": e.item,
        }
        for e in exports.listed(actor=actor, programme=programme, province=province, item=item)
    ]
    previous = (
        ParticipantList.objects.select_for_update()
        .filter(programme=programme, province=province, item=item)
        .order_by("-version")
        .first()
    )
    before = {r["id"]: r for r in previous.rows} if previous else {}
    now = {r["id"]: r for r in rows}
    if previous is not None and before.keys() == now.keys() and not scan:
        raise ListUnchanged(version=previous.version)
    if scan:
        _check_scan(scan)
    elif rules.participant_list_scan:
        raise ScanRequired()
    content = exports.participant_list_submit(
        actor=actor, programme=programme, province=province, item=item, full=full, ip=ip
    )
    plist = ParticipantList(
        programme=programme,
        province=province,
        item=item,
        version=previous.version + 1 if previous else 1,
        to=rules.participant_list_to,
        rows=rows,
        added=[_who(r) for i, r in now.items() if i not in before] if previous else [],
        removed=[_who(r) for i, r in before.items() if i not in now],
        scan=scan or "",
        client_key=key or None,
        submitted_by=actor,
    )
    try:
        with transaction.atomic():
            plist.save()
    except IntegrityError:  # the same version, or the same key, just now
        raise InvalidTransition(current=_("名单刚刚由他人报送，请刷新后重试")) from None
    record(
        actor,
        "enrollment.list_versioned",
        plist,
        org=scope.top_org(actor, "enrollment.nominate"),
        programme=programme.pk,
        province=province.code,
        version=plist.version,
        count=len(rows),
        added=len(plist.added),
        removed=len(plist.removed),
    )
    return plist, content


def _who(row: dict[str, Any]) -> str:
    return f"{row['name']}（{row['org']}）"


def _check_scan(scan: Any) -> None:
    name = (getattr(scan, "name", "") or "").lower()
    if not name.endswith(SCAN_TYPES) or getattr(scan, "size", 0) > SCAN_MAX_BYTES:
        raise ScanInvalid()


def _require_office(actor: Any, plist: ParticipantList) -> None:
    """The programme's office (its owner's admins) receives and forwards lists."""
    scope.require_programme(actor, "programme.manage", plist.programme)


@transaction.atomic
def list_receive(*, actor: Any, plist: ParticipantList) -> ParticipantList:
    _require_office(actor, plist)
    plist = ParticipantList.objects.select_for_update().get(pk=plist.pk)
    if plist.status != Status.SUBMITTED:
        raise InvalidTransition(current=plist.get_status_display())
    plist.status, plist.received_by, plist.received_at = Status.RECEIVED, actor, timezone.now()
    plist.save(update_fields=["status", "received_by", "received_at"])
    record(actor, "enrollment.list_received", plist, version=plist.version)
    return plist


@transaction.atomic
def list_forward(*, actor: Any, plist: ParticipantList) -> ParticipantList:
    """Forward a received list to the bases that run its projects: each base's admins are told,
    and see their own trainees on it (``lists_for_base``)."""
    _require_office(actor, plist)
    plist = ParticipantList.objects.select_for_update().get(pk=plist.pk)
    if plist.status != Status.RECEIVED:
        raise InvalidTransition(current=plist.get_status_display())
    plist.status, plist.forwarded_at = Status.FORWARDED, timezone.now()
    plist.save(update_fields=["status", "forwarded_at"])
    bases = bases_of(plist)
    admins = RoleAssignment.objects.filter(
        role=Role.BASE_ADMIN, is_active=True, org__in=bases
    ).select_related("user")
    notify(
        [a.user for a in admins],
        title=_("收到%(province)s的参训人员名单") % {"province": plist.province.name},
        body=_("“%(programme)s”%(province)s报送的参训人员名单（第 %(v)s 版）已转发给贵单位。")
        % {"programme": plist.programme, "province": plist.province.name, "v": plist.version},
        url=f"/enrollment/lists/{plist.pk}/",
    )
    record(actor, "enrollment.list_forwarded", plist, bases=[b.pk for b in bases])
    return plist


def _base_names(programme: Programme, item: str) -> set[str]:
    rules = programme.rules
    try:
        return {n for n in (rules.base_for(item), rules.item(item).host) if n}
    except StopIteration:
        return set()


def bases_of(plist: ParticipantList) -> list[Organisation]:
    names = set()
    for item in {r["item"] for r in plist.rows}:
        names |= _base_names(plist.programme, item)
    return list(Organisation.objects.filter(name__in=names))


def rows_for(user: Any, plist: ParticipantList) -> list[dict[str, Any]]:
    """The rows of a list the user may see: all of them for the province and the office, a
    base's own trainees for a base once forwarded."""
    if sees_whole(user, plist):
        return plist.rows
    own = {a.org.name for a in scope.active_assignments(user) if a.role == Role.BASE_ADMIN}
    return [r for r in plist.rows if _base_names(plist.programme, r["item"]) & own]


def sees_whole(user: Any, plist: ParticipantList) -> bool:
    return scope.allows_programme(
        user, "programme.manage", plist.programme
    ) or scope.allows_receiver(user, "enrollment.view", region=plist.province)


def lists_for(user: Any, programme: Programme | None = None) -> QuerySet[ParticipantList]:
    """The lists the user sees: its province's, every list of a programme it runs, and the
    forwarded lists naming its base's trainees."""
    qs = ParticipantList.objects.select_related("programme", "province", "submitted_by__person")
    if programme is not None:
        qs = qs.filter(programme=programme)
    visible = [
        p.pk
        for p in qs
        if sees_whole(user, p) or (p.status == Status.FORWARDED and rows_for(user, p))
    ]
    return qs.filter(pk__in=visible).order_by("-submitted_at", "-pk")
