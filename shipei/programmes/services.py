"""Writes to programmes: create, edit identity, edit one policy section, clone for a new year,
keep the notice's printed tables with the programme.

Each function checks scope ("programme.manage" over the owner), validates the whole policy with
``parse_policy`` (messages "位置：原因"), writes and audits in one transaction (STYLE.md §2).
The preset digest is never touched here, so a preset reload keeps an admin's edit ("kept").
"""

import datetime
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import ValidationError as PolicyValidationError

from shipei.accounts import scope
from shipei.audit.services import record
from shipei.orgs.models import Organisation

from . import chains, selectors
from .calendar import shift_days, shift_years
from .errors import (
    ItemHasChildren,
    ItemInUse,
    ItemMissing,
    LastItem,
    NotOwner,
    PolicyInvalid,
    UnknownSection,
)
from .models import OWNER_KINDS, PolicyRevision, PrintedTable, Programme
from .policy import CURRENT_VERSION, PolicyV1, parse_policy, policy_errors
from .signals import programme_cloned

# The top-level parts of a policy an admin edits one at a time, in the order of the notices.
SECTIONS: dict[str, Any] = {
    "items": gettext_lazy("培训项目"),
    "enrollment": gettext_lazy("报名与审核"),
    "quota": gettext_lazy("名额分配"),
    "projects": gettext_lazy("项目申报与评审"),
    "base_caps": gettext_lazy("基地项目数上限"),
    "appraisal": gettext_lazy("基地年度考核"),
    "classes": gettext_lazy("培训班设置"),
    "assessment": gettext_lazy("考核"),
    "content": gettext_lazy("课程内容"),
    "certificate": gettext_lazy("结业证书"),
    "credit": gettext_lazy("学分学时"),
    "evaluation": gettext_lazy("评价问卷"),
    "milestones": gettext_lazy("工作节点"),
}
assert set(SECTIONS) == set(PolicyV1.model_fields) - {"version"}

MIN_YEAR, MAX_YEAR = 2000, 2100
IDENTITY_FIELDS = (
    "code",
    "title",
    "year",
    "kind",
    "issuer",
    "document_number",
    "issued_on",
    "owner",
    "notice_text",
    "notice_file",
)
NOTICE_FILE_TYPES = (".pdf", ".ofd", ".doc", ".docx", ".wps", ".txt", ".jpg", ".jpeg", ".png")
NOTICE_FILE_MAX_BYTES = 20 * 1024 * 1024


def validate_policy(data: Any) -> dict[str, Any]:
    """The policy in its stored (canonical JSON) form, or PolicyInvalid."""
    if not isinstance(data, dict):
        raise PolicyInvalid([((), _("应为对象"))])
    if "\\u0000" in json.dumps(data, default=str):  # PostgreSQL's jsonb refuses it
        raise PolicyInvalid([((), _("含有不可见的控制字符（\\u0000），请删除后再提交"))])
    try:
        policy = parse_policy(data, typed=True)
    except PolicyValidationError as exc:
        problems = []
        for message in policy_errors(exc):
            where, _sep, why = message.partition("：")
            loc = () if where == "policy" else tuple(where.split("."))
            problems.append((loc, why))
        raise PolicyInvalid(problems) from None
    return policy.model_dump(mode="json")


def require_manage(actor: Any, programme: Programme) -> None:
    """Only the owner's admins (the ministry's for a programme without an owner) change a
    programme; anyone else is told whose it is (NotOwner, 403)."""
    if not scope.allows_programme(actor, "programme.manage", programme):
        raise NotOwner(programme)


def _require_owner(actor: Any, owner: Organisation | None) -> None:
    """Owners are issuing departments the actor manages; no owner means the ministry's."""
    scope.require_programme(actor, "programme.manage", Programme(owner=owner))
    if owner is not None and owner.kind not in OWNER_KINDS:
        raise ValidationError({"owner": _("主管单位应为部委、司局或省级教育、人社部门。")})


def _check_identity(programme: Programme) -> None:
    if Programme.objects.filter(code=programme.code).exclude(pk=programme.pk).exists():
        raise ValidationError(
            {"code": _("代码“%(code)s”已被其他培训计划使用，请换一个。") % {"code": programme.code}}
        )
    if programme.year is not None and not MIN_YEAR <= programme.year <= MAX_YEAR:
        raise ValidationError(
            {"year": _("年度应在 %(min)d～%(max)d 之间。") % {"min": MIN_YEAR, "max": MAX_YEAR}}
        )
    programme.full_clean(exclude=["policy", "created_by", "preset"], validate_unique=False)


def _audit_org(actor: Any, programme: Programme) -> Organisation | None:
    """Whom an entry concerns: the owner, or for a ministry programme the actor's top org."""
    return programme.owner or scope.top_org(actor, "programme.manage")


@transaction.atomic
def programme_create(
    *,
    actor: Any,
    owner: Organisation | None,
    code: str,
    title: str,
    year: int | None,
    kind: str = "",
    issuer: str = "",
    document_number: str = "",
    issued_on: datetime.date | None = None,
    notice_text: str = "",
    notice_file: Any = None,
    policy: Any,
) -> Programme:
    """A new programme from an admin's notice; the policy is validated as a whole."""
    _require_owner(actor, owner)
    if notice_file:
        _check_notice_file(notice_file)
    programme = Programme(
        owner=owner,
        code=(code or "").strip(),
        title=(title or "").strip(),
        year=year,
        kind=(kind or "").strip(),
        issuer=(issuer or "").strip(),
        document_number=(document_number or "").strip(),
        issued_on=issued_on,
        notice_text=(notice_text or "").strip(),
        notice_file=notice_file or "",
        created_by=actor if getattr(actor, "pk", None) else None,
        policy_version=CURRENT_VERSION,
    )
    _check_identity(programme)
    programme.policy = validate_policy(policy)
    _check_table(programme, programme.policy, None)
    _check_chains(programme.policy, None)
    programme.save()
    revision_record(programme, actor=actor, reason=_("新建"))
    record(
        actor, "programme.created", programme, org=_audit_org(actor, programme), code=programme.code
    )
    return programme


def revision_record(programme: Programme, *, actor: Any, reason: str = "") -> PolicyRevision:
    """Keep the programme's policy as just saved as its revision ``programme.revision``."""
    return PolicyRevision.objects.create(
        programme=programme,
        number=programme.revision,
        policy=programme.policy,
        policy_version=programme.policy_version,
        author=actor if getattr(actor, "pk", None) else None,
        reason=(reason or "").strip()[:200],
    )


def _check_notice_file(upload: Any) -> None:
    name = (upload.name or "").lower()
    if not name.endswith(NOTICE_FILE_TYPES):
        raise ValidationError(
            {"notice_file": _("通知文件应为 PDF、OFD、Word、WPS、文本或图片文件。")}
        )
    if upload.size > NOTICE_FILE_MAX_BYTES:
        raise ValidationError({"notice_file": _("通知文件不能超过 20 MB。")})


@transaction.atomic
def programme_update(*, actor: Any, programme: Programme, **identity: Any) -> Programme:
    """Change the notice's identity (code, title, year, kind, issuer, number, date, owner)."""
    require_manage(actor, programme)
    unknown = set(identity) - set(IDENTITY_FIELDS)
    if unknown:
        raise ValidationError(
            _("不可修改的字段：%(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    for key in ("code", "title", "kind", "issuer", "document_number"):
        if key in identity:
            identity[key] = (identity[key] or "").strip()
    if "owner" in identity and identity["owner"] != programme.owner:
        _require_owner(actor, identity["owner"])
    upload = identity.get("notice_file")
    if upload and not hasattr(upload, "instance"):  # a new upload, not the stored file
        _check_notice_file(upload)
    changed = {k: v for k, v in identity.items() if getattr(programme, k) != v}
    if not changed:
        return programme
    for key, value in changed.items():
        setattr(programme, key, value)
    _check_identity(programme)
    programme.save(update_fields=[*changed, "updated_at"])
    record(
        actor,
        "programme.updated",
        programme,
        org=_audit_org(actor, programme),
        fields=sorted(changed),
    )
    return programme


@transaction.atomic
def programme_update_policy(
    *, actor: Any, programme: Programme, sections: dict[str, Any], reason: str = ""
) -> Programme:
    """Replace the given top-level sections of the policy at once; the rest stays as it is.

    The whole policy is validated; item codes that quota or project rows still name may not be
    removed or renamed. A change is a new revision (with `reason`), and one audit entry per
    section that changed.
    """
    require_manage(actor, programme)
    if not isinstance(sections, dict) or not sections:
        raise PolicyInvalid([((), _("请至少提交一个政策部分"))])
    for name in sections:
        if name not in SECTIONS and name != "version":
            raise UnknownSection(section=str(name)[:40], known="、".join(SECTIONS))
    # Lock the row and start from its stored policy: two admins editing different sections
    # at the same time must not undo each other's change.
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    before = locked.rules if locked.policy_version == CURRENT_VERSION else None
    old_policy = dict(locked.policy)
    new_policy = validate_policy({**old_policy, **sections})
    _check_table(programme, new_policy, (old_policy.get("quota") or {}).get("table"))
    _check_chains(new_policy, before)
    old_codes = {i["code"] for i in old_policy.get("items", [])}
    new_codes = {i["code"] for i in new_policy["items"]}
    in_use = selectors.items_in_use(programme, old_codes - new_codes)
    if in_use:
        raise ItemInUse(codes="、".join(in_use))
    changed = [s for s in SECTIONS if new_policy.get(s) != _canonical(old_policy, before, s)]
    if not changed and locked.policy_version == CURRENT_VERSION:
        programme.policy = locked.policy
        return programme
    programme.policy = new_policy
    programme.policy_version = CURRENT_VERSION
    programme.revision = locked.revision + 1
    programme.__dict__.pop("_rules", None)
    programme.save(update_fields=["policy", "policy_version", "revision", "updated_at"])
    revision_record(programme, actor=actor, reason=reason)
    for name in changed:
        record(
            actor,
            "programme.updated",
            programme,
            org=_audit_org(actor, programme),
            section=name,
            revision=programme.revision,
        )
    return programme


def programme_rollback(
    *, actor: Any, programme: Programme, number: int, reason: str = ""
) -> Programme:
    """Save revision `number`'s policy again, as a new revision: the history stays whole."""
    require_manage(actor, programme)
    try:
        old = programme.revisions.get(number=number)
    except (PolicyRevision.DoesNotExist, ValueError, TypeError):
        raise ValidationError(_("没有第 %(n)s 版政策配置。") % {"n": number}) from None
    sections = {k: v for k, v in old.rules.model_dump(mode="json").items() if k in SECTIONS}
    why = (reason or "").strip() or _("恢复到第 %(n)s 版") % {"n": number}
    return programme_update_policy(actor=actor, programme=programme, sections=sections, reason=why)


def _check_table(programme: Programme, policy: dict[str, Any], before: str | None) -> None:
    """A policy may name only a printed table stored with the programme (one it held before
    stays named, so that its other sections can still be saved)."""
    name = (policy.get("quota") or {}).get("table")
    if not name or name == before:
        return
    if programme.pk is None or not programme.printed_tables.filter(name=name).exists():
        raise PolicyInvalid([(("quota", "table"), _("本培训计划没有这张通知附表"))])


def _check_chains(policy: dict[str, Any], before: PolicyV1 | None) -> None:
    """Refuse a step no enrollment could have a holder for, and a base that does not exist; a
    fault the policy had before (a programme loaded with it) does not block other edits."""
    rules = parse_policy(policy)
    old = set(chains.unrunnable(before)) if before is not None else set()
    problems = [(("enrollment", "approval_chain"), p) for p in chains.unrunnable(rules)]
    problems = [(loc, why) for loc, why in problems if why not in old]
    old_bases = {why for _i, why in chains.unknown_bases(before)} if before is not None else set()
    problems += [
        (("items", str(index), "base"), why)
        for index, why in chains.unknown_bases(rules)
        if why not in old_bases
    ]
    if problems:
        raise PolicyInvalid(problems)


def _canonical(old_policy: dict[str, Any], rules: PolicyV1 | None, section: str) -> Any:
    """A section as it would be stored: a section left out of the JSON counts as its default."""
    if rules is None:
        return old_policy.get(section)
    return rules.model_dump(mode="json")[section]


def programme_update_section(
    *, actor: Any, programme: Programme, section: str, data: Any, reason: str = ""
) -> Programme:
    """Replace one top-level section of the policy (one edit page of the UI)."""
    if section not in SECTIONS:
        raise UnknownSection(section=str(section)[:40], known="、".join(SECTIONS))
    return programme_update_policy(
        actor=actor, programme=programme, sections={section: data}, reason=reason
    )


@transaction.atomic
def programme_patch(
    *,
    actor: Any,
    programme: Programme,
    sections: dict[str, Any] | None = None,
    reason: str = "",
    **identity: Any,
) -> Programme:
    """Identity and policy sections in one go (the API's PATCH): all or nothing."""
    if identity:
        programme = programme_update(actor=actor, programme=programme, **identity)
    if sections is not None:
        programme = programme_update_policy(
            actor=actor, programme=programme, sections=sections, reason=reason
        )
    if not identity and sections is None:
        require_manage(actor, programme)
    return programme


@transaction.atomic
def programme_clone(
    *,
    actor: Any,
    programme: Programme,
    year: int,
    code: str,
    title: str | None = None,
    days: int | None = None,
    copy_quotas: int | None = None,
) -> Programme:
    """Copy a programme for another year: identity and policy, the whole calendar moved by one
    offset, so that its events keep their order: by the year difference, or by `days` when
    given (the new notice's dates are known: its registration opens on another weekday, say).
    The new notice has no number or date yet and no preset; its policy names no printed quota
    table (the old notice's seats), but it keeps the old notice's printed tables, so that an
    admin may choose one again for its layout. Projects belong to the old year and are not
    copied; quotas are when `copy_quotas` gives a percentage of last year's seats (100: as they
    were), through the quotas app (``programme_cloned``): a refused seat refuses the clone."""
    require_manage(actor, programme)
    from_year = programme.year or (programme.issued_on.year if programme.issued_on else None)
    if from_year is None and days is None:
        raise ValidationError(
            {"year": _("原培训计划没有年度，无法推算日期；请先在基本信息中填写年度。")}
        )
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            {"year": _("年度应在 %(min)d～%(max)d 之间。") % {"min": MIN_YEAR, "max": MAX_YEAR}}
        )
    rules = programme.rules.model_dump(mode="python")
    rules["quota"]["table"] = None  # the old notice's printed table
    try:
        policy = (
            shift_days(rules, days) if days is not None else shift_years(rules, year - from_year)
        )
        policy_json = PolicyV1.model_validate(policy).model_dump(mode="json")
    except PolicyValidationError as exc:
        raise PolicyInvalid([((), m) for m in policy_errors(exc)]) from None
    except (OverflowError, ValueError):  # a date moved past the year 9999
        raise PolicyInvalid([((), _("平移后的日期超出范围，请检查年度或平移天数。"))]) from None
    if title is None or not title.strip():
        title = programme.title.replace(str(from_year), str(year)) if from_year else ""
        if title in ("", programme.title):
            title = f"{programme.title}（{year}年度）"
    clone = Programme(
        owner=programme.owner,
        code=(code or "").strip(),
        title=title.strip(),
        year=year,
        kind=programme.kind,
        issuer=programme.issuer,
        created_by=actor if getattr(actor, "pk", None) else None,
        preset_notes=programme.preset_notes,
        policy=policy_json,
        policy_version=CURRENT_VERSION,
        copied_from=programme,
    )
    _check_identity(clone)
    clone.save()
    revision_record(clone, actor=actor, reason=_("由“%(title)s”复制") % {"title": programme})
    PrintedTable.objects.bulk_create(
        PrintedTable(programme=clone, name=t.name, data=t.data)
        for t in programme.printed_tables.all()
    )
    moved = {"days": days} if days is not None else {"years": year - from_year}
    if copy_quotas:
        moved["copy_quotas"] = copy_quotas
    record(
        actor,
        "programme.cloned",
        clone,
        org=_audit_org(actor, clone),
        source=programme.pk,
        **moved,
    )
    programme_cloned.send(
        sender=Programme, actor=actor, source=programme, clone=clone, copy_quotas=copy_quotas
    )
    return clone


@transaction.atomic
def programme_tables_store(*, programme: Programme, tables: dict[str, dict[str, Any]]) -> list[str]:
    """Keep the notice's printed tables with the programme, by name (what ``quota.table``
    gives); a table already held is replaced when its data differ. Set-up only (the presets
    loader): no acting user, and no audit entry of its own. Returns the names written."""
    written = []
    held = {t.name: t for t in programme.printed_tables.select_for_update()}
    for name, data in tables.items():
        table = held.get(name)
        if table is None:
            PrintedTable.objects.create(programme=programme, name=name, data=data)
        elif table.data != data:
            table.data = data
            table.save(update_fields=["data"])
        else:
            continue
        written.append(name)
    return written


def _item_index(items: list[dict[str, Any]], code: str) -> int:
    index = next((n for n, item in enumerate(items) if item.get("code") == code), None)
    if index is None:  # removed or renamed by someone else meanwhile
        raise ItemMissing(code=code)
    return index


@transaction.atomic
def programme_item_save(
    *,
    actor: Any,
    programme: Programme,
    code: str | None,
    item: dict[str, Any],
    reason: str = "",
) -> Programme:
    """Change one item of the policy (`code`: its code before the change), or add one at the end
    (`code` None). The other items stay as they are stored now, whoever changed them, except
    that the items under a renamed item follow it; the whole policy is validated and audited as
    a section edit. The item's own problems come back under
    ``item`` ("item.registration：..."), so that a form for the one item can place them."""
    require_manage(actor, programme)
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    items = list(locked.rules.model_dump(mode="json")["items"])
    if code is None:
        index = len(items)
        items.append(item)
    else:
        index = _item_index(items, code)
        items[index] = item
        renamed = item.get("code")
        if renamed != code:  # the items under it follow it
            items = [{**i, "parent": renamed} if i.get("parent") == code else i for i in items]
    try:
        return programme_update_policy(
            actor=actor, programme=programme, sections={"items": items}, reason=reason
        )
    except PolicyInvalid as exc:
        own = ("items", str(index))
        raise PolicyInvalid(
            [
                (("item", *loc[2:]) if tuple(loc[:2]) == own else loc, why)
                for loc, why in exc.problems
            ]
        ) from None


@transaction.atomic
def programme_item_remove(
    *, actor: Any, programme: Programme, code: str, reason: str = ""
) -> Programme:
    """Remove one item; refused while quota or project rows name it, or items sit under it."""
    require_manage(actor, programme)
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    items = list(locked.rules.model_dump(mode="json")["items"])
    index = _item_index(items, code)
    children = [i["label"] for i in items if i.get("parent") == code]
    if children:
        raise ItemHasChildren(item=items[index]["label"], count=len(children))
    if len(items) == 1:
        raise LastItem()
    del items[index]
    return programme_update_policy(
        actor=actor, programme=programme, sections={"items": items}, reason=reason
    )
