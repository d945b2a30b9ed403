"""Notice 000 附件2: the province's 省级负责人 and 省级联系人 (a form of its own), printed on the
参训信息汇总表, which the province can download before registration opens, as the notice asks
("请于10月28日前将《参训信息汇总表》（附件2）发送", registration from 10月31日)."""

import copy
import datetime
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shipei.audit.models import AuditEntry
from shipei.enrollment.models import Enrollment, ProvinceContact
from shipei.presets.loader import preset_data
from shipei.programmes.models import Programme

LEAD = {
    "lead_name": "赵明",
    "lead_post": "职成教处 处长",
    "lead_office_phone": "0571-88008800",
    "lead_mobile": "13900001234",
    "lead_email": "zhaoming@zjedu.cn",
    "contact_name": "钱红",
    "contact_post": "职成教处 主任科员",
    "contact_office_phone": "（0571）88008801",
    "contact_mobile": "13900005678",
    "contact_email": "",
}


@pytest.fixture
def p000(tree) -> Programme:
    """Notice 000 as the preset has it, its registration a week away."""
    data = copy.deepcopy(preset_data("moe-2020-innovation-team-online"))
    opens = timezone.localdate() + datetime.timedelta(days=7)
    for item in data["policy"]["items"]:
        if item.get("registration"):
            item["registration"] = {
                "opens": opens.isoformat(),
                "closes": (opens + datetime.timedelta(days=3)).isoformat(),
            }
    return Programme.objects.create(code="c000", title=data["title"], policy=data["policy"])


def url(programme: Programme) -> str:
    return reverse("enrollment:summary_contacts", args=[programme.pk])


def summary(client: Any, programme: Programme, **params: str) -> list[list[Any]]:
    response = client.get(reverse("enrollment:export_summary_000", args=[programme.pk]), params)
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in ws.iter_rows(values_only=True)]


def test_the_province_fills_its_contacts_and_downloads_the_form_before_registration_opens(
    client, zhejiang_admin, p000
):
    client.force_login(zhejiang_admin.user)
    page = client.get(reverse("enrollment:io_exports", args=[p000.pk])).content.decode()
    assert "尚未填写" in page and url(p000) in page

    response = client.post(url(p000), {"province": "330000", **LEAD})

    assert response.status_code == 302
    lead = ProvinceContact.objects.get(programme=p000, duty="lead")
    assert (lead.name, lead.office_phone, lead.mobile()) == (
        "赵明",
        "0571-88008800",
        "13900001234",
    )
    assert "13900001234" not in lead.mobile_cipher  # kept encrypted
    assert ProvinceContact.objects.get(duty="contact").office_phone == "0571-88008801"
    entry = AuditEntry.objects.get(action="enrollment.province_contacts_saved")
    assert entry.data == {"province": "330000", "duties": ["lead", "contact"]}
    assert "赵明" not in str(entry.data)
    page = client.get(reverse("enrollment:io_exports", args=[p000.pk])).content.decode()
    assert "省级负责人 赵明（0571-88008800）" in page

    rows = summary(client, p000)
    assert not Enrollment.objects.exists()  # registration has not opened
    assert rows[1][0] == "省级教育行政部门：浙江省教育厅"
    assert rows[4] == ["职责范围", "姓名", "部门职务", "办公电话", "手机", "电子邮箱"]
    assert rows[5] == [
        "省级负责人",
        "赵明",
        "职成教处 处长",
        "0571-88008800",
        "139****1234",
        "zhaoming@zjedu.cn",
    ]
    assert rows[6][:5] == [
        "省级联系人",
        "钱红",
        "职成教处 主任科员",
        "0571-88008801",
        "139****5678",
    ]
    headings = [r[0] for r in rows if r[0] and str(r[0]).endswith("参训人员汇总信息")]
    assert headings == ["第1期参训人员汇总信息", "第2期参训人员汇总信息", "第3期参训人员汇总信息"]
    assert [r[1] for r in rows if r[0] == "合计"] == ["参训单位数量：0；学员数量：0"]
    full = summary(client, p000, full="1")
    assert full[5][4] == "13900001234"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"lead_mobile": "1390000123"}, "lead_mobile", "手机号应为以13-19开头的11位数字。"),
        (
            {"contact_office_phone": "88-00"},
            "contact_office_phone",
            "办公电话应为区号加号码，如 0571-87654321。",
        ),
        ({"lead_email": "zhaoming@"}, "lead_email", "电子邮箱格式不正确。"),
        ({"contact_name": ""}, "contact_name", "请填写省级联系人的姓名。"),
    ],
)
def test_bad_input_is_named_beside_its_field_and_nothing_is_saved(
    client, zhejiang_admin, p000, changes, field, message
):
    client.force_login(zhejiang_admin.user)
    response = client.post(url(p000), {"province": "330000", **LEAD, **changes})
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert message in response.content.decode()
    assert not ProvinceContact.objects.exists()
    assert not AuditEntry.objects.filter(action="enrollment.province_contacts_saved").exists()


def test_a_person_left_blank_is_removed(client, zhejiang_admin, p000):
    client.force_login(zhejiang_admin.user)
    client.post(url(p000), {"province": "330000", **LEAD})
    blank = {k: ("" if k.startswith("contact_") else v) for k, v in LEAD.items()}
    assert client.post(url(p000), {"province": "330000", **blank}).status_code == 302
    assert list(ProvinceContact.objects.values_list("duty", flat=True)) == ["lead"]
    assert summary(client, p000)[6][:2] == ["省级联系人", None]


def test_only_the_province_keeps_its_contacts(
    client, zhejiang_admin, jiangsu_admin, school_coordinator, p000
):
    client.force_login(zhejiang_admin.user)
    client.post(url(p000), {"province": "330000", **LEAD})
    client.force_login(jiangsu_admin.user)
    assert client.post(url(p000), {"province": "330000", **LEAD}).status_code == 404
    assert summary(client, p000)[5][1] is None  # 江苏's own form: its own (empty) contacts
    client.force_login(school_coordinator.user)
    assert client.get(url(p000), {"province": "330000"}).status_code in (403, 404)
    assert ProvinceContact.objects.get(duty="lead").name == "赵明"
