"""The province's 省级负责人 and 省级联系人 of a programme (notice 000 附件2: "各地要明确省级负责人和
联系人各1名"): entered by the province on its own page, any time (the notice asks for the 附件2
before registration opens), and printed on its 参训信息汇总表 (exports.participant_summary)."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from shipei.accounts import scope
from shipei.audit.services import record
from shipei.core.errors import NotPermitted
from shipei.orgs.models import Organisation, Region
from shipei.programmes.models import Programme

from .models import ProvinceContact

Duty = ProvinceContact.Duty
FIELDS = ("name", "post", "office_phone", "mobile", "email")


@dataclass
class Contact:
    """One duty's person as the form gives it (checked by ``forms.ProvinceContactsForm``)."""

    name: str = ""
    post: str = ""
    office_phone: str = ""
    mobile: str = ""
    email: str = ""


def may_edit(user: Any, province: Region | None) -> bool:
    """The province's administrators (and those above them) keep its contacts."""
    return province is not None and scope.allows_receiver(
        user, "enrollment.nominate", region=province
    )


def contacts_of(programme: Programme, province: Region | None) -> dict[str, ProvinceContact]:
    """The stored contacts of a province, by duty (none for a list of several provinces)."""
    if province is None:
        return {}
    rows = ProvinceContact.objects.filter(programme=programme, province=province)
    return {c.duty: c for c in rows}


@transaction.atomic
def province_contacts_save(
    *, actor: Any, programme: Programme, province: Region, contacts: dict[str, Contact]
) -> None:
    """Store the province's lead and contact (a duty left without a name is removed), audited
    without their personal data."""
    if not may_edit(actor, province):
        raise NotPermitted()
    kept = []
    for duty in Duty.values:
        given = contacts.get(duty) or Contact()
        if not given.name:
            ProvinceContact.objects.filter(
                programme=programme, province=province, duty=duty
            ).delete()
            continue
        row = ProvinceContact.objects.filter(
            programme=programme, province=province, duty=duty
        ).first() or ProvinceContact(programme=programme, province=province, duty=duty)
        row.name, row.post = given.name, given.post
        row.office_phone, row.email = given.office_phone, given.email
        row.set_mobile(given.mobile)
        row.updated_by = actor
        row.save()
        kept.append(duty)
    org = Organisation.objects.filter(kind=Organisation.Kind.PROVINCE_EDU, region=province).first()
    record(
        actor,
        "enrollment.province_contacts_saved",
        programme,
        org=org,
        province=province.code,
        duties=kept,
    )
