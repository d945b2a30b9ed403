"""A province's participant list as a submission (notice 003 附件3): each submission a version
with what changed since the last, the stamped scan where the policy asks for it; received by
the programme's office and forwarded to the bases, each of which then sees its trainees."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.accounts.models import Person, Role, RoleAssignment
from shipei.audit.services import record
from shipei.core.errors import InvalidTransition, NotPermitted
from shipei.notifications.services import notify
from shipei.orgs.models import Organisation, Region
from shipei.programmes.models import Programme

from . import exports
from .errors import ListUnchanged, ScanInvalid, ScanRequired
from .models import ParticipantList

Status = ParticipantList.Status
SCAN_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".ofd")
SCAN_MAX_BYTES = 20 * 1024 * 1024


@transaction.atomic
def list_submit(
    *,
    actor: Any,
    programme: Programme,
    province: Region,
    item: str = "",
    scan: Any = None,
    key: str | None = None,
    ip: str | None = None,
) -> ParticipantList:
    """Submit the province's list as it stands: a new version, with what changed since the
    last one. Idempotent by `key` (the caller's: made per user by the callers); refused,
    writing nothing, to anyone but the province's department, without the scan the policy
    asks for, or when nothing changed since the last version and no new scan comes with it.
    The file itself is a download of its own (exports.participant_list, audited there)."""
    if not exports.may_submit_list(actor, programme, province):
        raise NotPermitted(_("参训人员名单由本计划所辖省份的省级教育行政部门报送。"))
    if key:
        earlier = ParticipantList.objects.filter(client_key=key).first()
        if earlier is not None:
            return earlier
    rules = programme.rules.enrollment
    bases = _Bases(programme)
    rows = [
        {
            "id": e.pk,
            "person": e.person_id,
            "name": e.person.name,
            "org": e.org.name,
            "item": e.item,
            "base": e.base_id or bases.of(e.item),
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
        "enrollment.list_submitted",
        plist,
        org=scope.top_org(actor, "enrollment.nominate"),
        ip=ip,
        programme=programme.pk,
        province=province.code,
        item=item,
        count=len(rows),
        to=rules.participant_list_to,
        version=plist.version,
        added=len(plist.added),
        removed=len(plist.removed),
    )
    return plist


class _Bases:
    """The training base that runs an item (the base its policy names, else its 承训单位), by
    full name or alias, looked up once per item."""

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        self.found: dict[str, int | None] = {}

    def of(self, item: str) -> int | None:
        if item not in self.found:
            rules = self.programme.rules
            try:
                name = rules.base_for(item) or rules.item(item).host
            except StopIteration:
                name = ""
            org = name and (
                Organisation.objects.filter(name=name).first()
                or Organisation.objects.filter(aliases__name=name).first()
            )
            self.found[item] = org.pk if org else None
        return self.found[item]


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


def scan_downloaded(*, actor: Any, plist: ParticipantList, ip: str | None = None) -> None:
    """The stamped sheet carries the ID numbers of everyone on the list in full: every download
    is audited, with the people it holds."""
    people = Person.objects.filter(pk__in=[r["person"] for r in plist.rows]).values_list(
        "pk", "org_id"
    )
    record(
        actor,
        "enrollment.list_scan_downloaded",
        plist,
        org=plist.programme.owner,
        ip=ip,
        version=plist.version,
        count=len(plist.rows),
        disclosed=people,
    )


def bases_of(plist: ParticipantList) -> list[Organisation]:
    ids = {r.get("base") for r in plist.rows} - {None}
    return list(Organisation.objects.filter(pk__in=ids))


def _own_bases(user: Any) -> set[int]:
    return {a.org_id for a in scope.active_assignments(user) if a.role == Role.BASE_ADMIN}


def rows_for(user: Any, plist: ParticipantList) -> list[dict[str, Any]]:
    """The rows of a list the user may see: all of them for the province and the office, a
    base's own trainees for a base once forwarded."""
    if sees_whole(user, plist):
        return plist.rows
    own = _own_bases(user)
    return [r for r in plist.rows if r.get("base") in own]


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
    # In SQL first, a superset of what the checks below keep: lists of programmes owned at or
    # under the user's organisations, of its provinces, and (for a base) forwarded ones.
    near = Q(programme__owner__isnull=True)
    for a in scope.active_assignments(user):
        near |= Q(programme__owner__path__startswith=a.org.path)
    for prefix in scope.region_prefixes(user, "enrollment.view"):
        near |= Q(province__code__startswith=prefix)
    if _own_bases(user):
        near |= Q(status=Status.FORWARDED)
    candidates = qs.filter(near)
    visible = [
        p.pk
        for p in candidates
        if sees_whole(user, p) or (p.status == Status.FORWARDED and rows_for(user, p))
    ]
    return qs.filter(pk__in=visible).order_by("-submitted_at", "-pk")
