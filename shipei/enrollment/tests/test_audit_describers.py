"""The audit log names an enrollment's or a quota's item by its label, with its programme,
not by the code its entry keeps."""

from typing import Any

import pytest
from django.test import Client

from shipei.audit.models import AuditEntry
from shipei.enrollment import services
from shipei.orgs.models import Region
from shipei.quotas.services import quota_set

from .conftest import teacher_at

pytestmark = pytest.mark.django_db


def audit_page(client: Client, actor: Any, **params: Any) -> str:
    client.force_login(actor.user)
    return client.get("/audit/", params).content.decode()


def test_an_enrollment_entry_names_the_teacher_the_programme_and_the_item(
    client, tree, nomination_programme, school_coordinator, zhejiang_admin
):
    person = teacher_at(tree["hz_school"], name="林晓")
    services.enrollment_submit(
        actor=school_coordinator.user,
        programme=nomination_programme,
        item="1x-01",
        person=person,
        channel="nomination",
    )

    html = audit_page(client, zhejiang_admin, action="enrollment.")

    assert f"林晓 · {nomination_programme} · 建筑信息模型（BIM）职业技能等级证书" in html
    assert "1x-01" not in html


def test_a_quota_entry_names_the_receiver_the_item_and_the_seats(
    client, national_admin, self_programme
):
    quota_set(
        actor=national_admin.user,
        programme=self_programme,
        item="p1",
        seats=200,
        region=Region.objects.get(code="330000"),
    )

    html = audit_page(client, national_admin, action="quota.")

    assert f"浙江省 · {self_programme} · 第1期 · 名额 200" in html
    assert "浙江省 p1 200" not in html


def test_an_entry_whose_item_is_gone_keeps_its_own_text(client, national_admin, self_programme):
    AuditEntry.objects.create(
        actor=national_admin.user,
        action="quota.deleted",
        target_type="quotas.quota",
        target_repr="浙江省 p9 10",
        org=national_admin.org,
        data={"programme": self_programme.pk, "item": "p9", "receiver": "浙江省", "before": 10},
    )

    assert "浙江省 p9 10" in audit_page(client, national_admin)
