"""Writes to the organisation tree. Each function checks scope, validates, writes and audits."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from shipei.audit.services import record
from shipei.core.access import scope
from shipei.core.errors import NotPermitted
from shipei.core.text import clean_name, pinyin_key

from .errors import OrgHasDependants, OrgMoveIntoOwnSubtree
from .models import Designation, Organisation, OrganisationAlias

EDITABLE_FIELDS = ("name", "kind", "region", "school_kind", "school_code", "credit_code")


def _validate(org: Organisation) -> None:
    org.name = clean_name(org.name)
    org.name_pinyin = pinyin_key(org.name)
    # clean() reports duplicate codes on their fields; the constraints stay as the backstop.
    org.full_clean(exclude=["path", "depth", "name_pinyin"], validate_constraints=False)


@transaction.atomic
def org_create(*, actor: Any, parent: Organisation | None, **fields: Any) -> Organisation:
    """Create an organisation under `parent`, which must lie in the actor's scope."""
    if parent is None:
        raise ValidationError({"parent": _("请选择上级单位。")})
    scope.require(actor, "org.create", parent)
    org = _insert(parent, fields)
    record(actor, "org.created", org)
    return org


@transaction.atomic
def org_bootstrap(*, parent: Organisation | None, **fields: Any) -> Organisation:
    """Set-up commands only (presets, demo): the same checks, but no acting user or scope.

    A tree root (a ministry) can only be made here: no user owns the space above it.
    """
    org = _insert(parent, fields)
    record(None, "org.created", org, source="setup")
    return org


def _insert(parent: Organisation | None, fields: dict[str, Any]) -> Organisation:
    org = Organisation(parent=parent, **fields)
    _validate(org)
    org.path = "/"
    org.save()
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.depth = parent.depth + 1 if parent else 0
    org.save(update_fields=["path", "depth"])
    return org


@transaction.atomic
def org_update(
    *, actor: Any, org: Organisation, parent: Organisation | None = None, **fields: Any
) -> Organisation:
    """Change fields and, given a new `parent`, re-hang the subtree: checked once, all or nothing.

    Moving needs the right to change the organisation and to create under the new parent;
    every descendant's path is rewritten in one UPDATE.
    """
    scope.require(actor, "org.change", org)
    if not scope.allows_below(actor, "org.change", org):
        raise NotPermitted(_("不能修改您的角色所在的机构本身，请联系上级管理员。"))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("不可修改的字段：%(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    moving = parent is not None and parent.pk != org.parent_id
    if moving:
        scope.require(actor, "org.create", parent)
        # Lock both rows (in key order) and read their paths afresh: two crossing moves must
        # not both pass the subtree check.
        locked = {
            o.pk: o
            for o in Organisation.objects.select_for_update()
            .filter(pk__in=[org.pk, parent.pk])
            .order_by("pk")
        }
        org.path, org.depth = locked[org.pk].path, locked[org.pk].depth
        parent = locked[parent.pk]
        if parent.path.startswith(org.path):
            raise OrgMoveIntoOwnSubtree()
        org.parent = parent
    changed = {k: v for k, v in fields.items() if getattr(org, k) != v}
    for key, value in changed.items():
        setattr(org, key, value)
    _validate(org)
    if "kind" in changed:
        _check_children_fit(org)
    if not changed and not moving:
        return org
    org.save(update_fields=[*changed, "parent", "name_pinyin", "updated_at"])
    if moving:
        old_path, new_path = org.path, f"{parent.path}{org.pk}/"
        Organisation.objects.filter(path__startswith=old_path).update(
            path=Concat(
                Value(new_path),
                Substr("path", Length(Value(old_path)) + 1),
                output_field=CharField(),
            ),
            depth=F("depth") + (parent.depth + 1 - org.depth),
        )
        org.refresh_from_db()
        record(actor, "org.moved", org, old_path=old_path, new_parent=parent.pk)
    if changed:
        record(actor, "org.updated", org, fields=sorted(changed))
    return org


def _check_children_fit(org: Organisation) -> None:
    """A new kind must still be a valid parent for every organisation under it."""
    from .models import PARENT_KINDS

    misfit = org.children.exclude(kind__in=[k for k, ps in PARENT_KINDS.items() if org.kind in ps])
    if misfit.exists():
        raise ValidationError(
            {
                "kind": [
                    _("“%(name)s”等下级单位不能设在该类型之下。") % {"name": misfit.first().name}
                ]
            }
        )


@transaction.atomic
def org_set_active(*, actor: Any, org: Organisation, active: bool) -> Organisation:
    scope.require(actor, "org.change", org)
    if not scope.allows_below(actor, "org.change", org):
        raise NotPermitted(_("不能停用或启用您的角色所在的机构本身。"))
    if not active:
        if org.children.filter(is_active=True).exists():
            raise OrgHasDependants(name=org.name, what=_("启用中的下级单位"))
        if org.assignments.filter(is_active=True).exists():
            raise OrgHasDependants(name=org.name, what=_("有效的角色分配"))
    if org.is_active != active:
        org.is_active = active
        org.save(update_fields=["is_active", "updated_at"])
        record(actor, "org.activated" if active else "org.deactivated", org)
    return org


@transaction.atomic
def org_alias_add(*, actor: Any, org: Organisation, name: str) -> OrganisationAlias:
    scope.require(actor, "org.change", org)
    name = clean_name(name)
    if Organisation.objects.filter(name=name).exists():
        raise ValidationError({"name": _("“%(name)s”已是一个机构的正式名称。") % {"name": name}})
    alias = OrganisationAlias(organisation=org, name=name)
    alias.full_clean()
    alias.save()
    record(actor, "org.alias_added", org, alias=name)
    return alias


@transaction.atomic
def org_alias_remove(*, actor: Any, alias: OrganisationAlias) -> None:
    scope.require(actor, "org.change", alias.organisation)
    record(actor, "org.alias_removed", alias.organisation, alias=alias.name)
    alias.delete()


@transaction.atomic
def designation_add(*, actor: Any, org: Organisation, **fields: Any) -> Designation:
    scope.require(actor, "org.change", org)
    designation = Designation(organisation=org, **fields)
    designation.full_clean()
    designation.save()
    record(
        actor,
        "org.designation_added",
        org,
        kind=designation.kind,
        years=[designation.year_from, designation.year_to],
    )
    return designation


@transaction.atomic
def designation_remove(*, actor: Any, designation: Designation) -> None:
    scope.require(actor, "org.change", designation.organisation)
    record(actor, "org.designation_removed", designation.organisation, kind=designation.kind)
    designation.delete()


@transaction.atomic
def org_import_schools(*, actor: Any, rows: list[Any], filename: str = "") -> dict[str, int]:
    """Write checked rows (orgs.imports.parse_schools) at once: new, changed, unchanged."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        scope.require(actor, "org.import", row.parent)
        fields = {
            "kind": Organisation.Kind.SCHOOL,
            "school_kind": row.school_kind,
            "school_code": row.school_code,
            "region": row.region,
        }
        org = row.existing
        if org is None:
            org = org_create(actor=actor, parent=row.parent, name=row.name, **fields)
            counts["created"] += 1
        else:
            before = (org.parent_id, org.school_kind, org.school_code, org.region_id)
            if row.school_code is None:
                fields.pop("school_code")  # a 技工院校 row without a code keeps the stored one
            org = org_update(actor=actor, org=org, parent=row.parent, **fields)
            after = (org.parent_id, org.school_kind, org.school_code, org.region_id)
            counts["updated" if after != before else "unchanged"] += 1
        known = set(org.aliases.values_list("name", flat=True))
        for alias in row.aliases:
            if alias not in known:
                org_alias_add(actor=actor, org=org, name=alias)
    record(
        actor,
        "org.imported",
        None,
        org=scope.top_org(actor, "org.import"),
        filename=filename[:100],
        **counts,
    )
    return counts
