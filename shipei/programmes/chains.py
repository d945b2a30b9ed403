"""Whether a programme's approval chains can run: every step must have someone who can take it.

A step nobody could ever take strands every enrollment that reaches it. Two kinds of fault:
- a base's step for enrollments that name no base: an item whose chain has a base's step and
  which names no base takes enrollments only into a class (``enrolls_into_class``: the class's
  project names the base; a submission without one is refused); a phase, which never runs as
  classes, is refused when a policy is saved (``unrunnable``), and shown on the page of a
  programme loaded with one;
- a role with no account in the organisations that would take its step (a city with no city
  admin yet): a warning with the list (``unstaffed``), since accounts can still be made.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from shipei.accounts.models import Role, RoleAssignment
from shipei.orgs.models import Organisation

from .models import Programme
from .policy import PolicyV1

# The channel whose enrollments always name a class (and so its project's base).
CLASS_CHANNELS = {"coordinator_enrollment"}
# Organisations whose holders of a role take that role's step, by kind.
STEP_KINDS = {
    Role.PROVINCIAL_ADMIN: (Organisation.Kind.PROVINCE_EDU, Organisation.Kind.PROVINCE_HR),
    Role.CITY_ADMIN: (Organisation.Kind.CITY_EDU, Organisation.Kind.CITY_HR),
}
LISTED = 10  # organisations named in a warning; the rest are counted


def unrunnable(rules: PolicyV1) -> list[str]:
    """Steps of the policy's chains that no enrollment could ever have a holder for, each with
    the item and the step, in Chinese."""
    problems = []
    for item in rules.leaves():
        if item.kind != "phase":
            continue  # its enrollments name a class, and so its project's base
        chain = rules.chain_for(item.code)
        for index, step in enumerate(chain, start=1):
            if step.role != Role.BASE_ADMIN or rules.base_for(item.code):
                continue
            if set(rules.channels_for(item.code)) <= CLASS_CHANNELS:
                continue  # every enrollment names a class, and so its project's base
            problems.append(
                _(
                    "培训项目“%(item)s”的审核流程第 %(n)s 步（%(step)s）由承训基地办理，"
                    "但该项目的报名不指定承训基地：请在培训项目中填写承训基地，"
                    "或改为按班次报名"
                )
                % {"item": item.label, "n": index, "step": step.label}
            )
    return problems


def enrolls_into_class(rules: PolicyV1, code: str) -> bool:
    """Whether every enrollment for item `code` must name a class: its channels take only
    classes, or its chain has a base's step and the item names no base (the class's project
    names the base that takes the step)."""
    if set(rules.channels_for(code)) <= CLASS_CHANNELS:
        return True
    if rules.base_for(code):
        return False
    return any(step.role == Role.BASE_ADMIN for step in rules.chain_for(code))


def unknown_bases(rules: PolicyV1) -> list[tuple[int, str]]:
    """Items naming a base this installation does not have (by full name or alias), as
    (the item's index, why)."""
    names = {i.base for i in rules.items} - {""}
    pairs = Organisation.objects.filter(Q(name__in=names) | Q(aliases__name__in=names))
    found = {n for pair in pairs.values_list("name", "aliases__name") for n in pair if n}
    return [
        (index, _("承训基地“%(name)s”不在本平台的机构中，请填写机构全称") % {"name": item.base})
        for index, item in enumerate(rules.items)
        if item.base and item.base not in found
    ]


@dataclass
class Unstaffed:
    step: str
    role: str
    orgs: list[str]
    more: int

    def __str__(self) -> str:
        text = "、".join(self.orgs)
        if self.more:
            text += _("等 %(n)s 个单位") % {"n": len(self.orgs) + self.more}
        return _("“%(step)s”由%(role)s办理，但以下单位还没有%(role)s账号：%(orgs)s") % {
            "step": self.step,
            "role": self.role,
            "orgs": text,
        }


def unstaffed(programme: Programme) -> list[Unstaffed]:
    """Steps whose role no active account holds in (or above) some organisation that would take
    them: the provinces or cities in the owner's area, the bases the items name, the owner."""
    rules = programme.rules
    labels = dict(Role.choices)
    out = []
    seen: set[tuple[str, str]] = set()
    for chain in rules.chains():
        for step in chain:
            if (step.role, step.label) in seen:
                continue
            seen.add((step.role, step.label))
            orgs = _takers(programme, rules, step.role)
            if orgs is None:
                continue
            missing = [o for o in orgs if not _held(step.role, o)]
            if missing:
                names = [o.name for o in missing]
                out.append(
                    Unstaffed(
                        step=step.label,
                        role=str(labels.get(step.role, step.role)),
                        orgs=names[:LISTED],
                        more=max(0, len(names) - LISTED),
                    )
                )
    return out


def _takers(programme: Programme, rules: PolicyV1, role: str) -> list[Organisation] | None:
    """The organisations whose holders of `role` take its steps; None where they cannot be
    listed ahead (a school's coordinator: whichever school a teacher comes from)."""
    owner = programme.owner
    if role == Role.NATIONAL_ADMIN:
        top = owner or Organisation.objects.filter(kind=Organisation.Kind.MINISTRY).first()
        return [top] if top else []
    if role == Role.BASE_ADMIN:
        names = {rules.base_for(i.code) for i in rules.leaves()} - {""}
        named = Q(name__in=names) | Q(aliases__name__in=names)
        return list(Organisation.objects.filter(named, is_active=True).distinct())
    kinds = STEP_KINDS.get(role)
    if kinds is None:
        return None
    qs = Organisation.objects.filter(kind__in=kinds, is_active=True)
    if owner is not None and owner.kind in STEP_KINDS[Role.PROVINCIAL_ADMIN]:
        qs = qs.filter(path__startswith=owner.path)
    return list(qs.order_by("path"))


def _held(role: str, org: Organisation) -> bool:
    return RoleAssignment.objects.filter(
        role=role,
        is_active=True,
        user__is_active=True,
        org_id__in=org.ancestor_ids(),
    ).exists()
