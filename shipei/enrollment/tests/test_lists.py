"""A province's participant list as a submission (notice 003): versions with what changed, the
stamped scan the policy asks for, received and forwarded, each base seeing its own trainees."""

import base64
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shipei.accounts.models import Role, RoleAssignment, User
from shipei.audit.models import AuditEntry
from shipei.core.errors import NotPermitted
from shipei.core.tests.api_helpers import api_as
from shipei.enrollment import errors, lists, services
from shipei.enrollment.models import Enrollment, ParticipantList
from shipei.enrollment.tests.conftest import teacher_at
from shipei.enrollment.tests.test_import import HEADER_003, row_003, workbook
from shipei.notifications.models import Notification
from shipei.orgs.models import OrganisationAlias, Region
from shipei.orgs.tests.factories import SchoolFactory

ZJ = "330000"


def scan(name: str = "名单盖章.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 stamped", content_type="application/pdf")


def nominate(actor: Any, programme: Any, item: str, person: Any) -> Any:
    return services.enrollment_submit(
        actor=actor.user, programme=programme, item=item, person=person, channel="nomination"
    )


@pytest.fixture
def listed(p003, zhejiang_admin, college):
    """Two teachers of 浙江 nominated for x01 (hosted by 北京航空航天大学's base) and x02."""
    first = nominate(
        zhejiang_admin, p003, "x01", teacher_at(college, name="张一", major="集成电路技术")
    )
    nominate(zhejiang_admin, p003, "x02", teacher_at(college, name="李二", major="集成电路技术"))
    return first


def submit(actor: Any, programme: Any, **kw: Any) -> ParticipantList:
    return lists.list_submit(
        actor=actor.user, programme=programme, province=Region.objects.get(code=ZJ), **kw
    )


def test_a_list_without_the_scan_the_notice_asks_for_is_refused(zhejiang_admin, p003, listed):
    with pytest.raises(errors.ScanRequired, match="加盖公章"):
        submit(zhejiang_admin, p003)
    with pytest.raises(errors.ScanInvalid):
        submit(zhejiang_admin, p003, scan=SimpleUploadedFile("名单.exe", b"MZ"))
    assert not ParticipantList.objects.exists()


def test_each_submission_is_a_version_with_what_changed(zhejiang_admin, p003, listed, college):
    first = submit(zhejiang_admin, p003, scan=scan())
    assert (first.version, len(first.rows), first.added, first.removed) == (1, 2, [], [])
    with pytest.raises(errors.ListUnchanged, match="与第 1 版相同"):
        submit(zhejiang_admin, p003)
    services.enrollment_withdraw(actor=zhejiang_admin.user, enrollment=listed, reason="另有安排")
    nominate(zhejiang_admin, p003, "x01", teacher_at(college, name="王三", major="集成电路技术"))
    second = submit(zhejiang_admin, p003, scan=scan())
    assert second.version == 2
    assert second.added == ["王三（浙江机电职业技术学院）"]
    assert second.removed == ["张一（浙江机电职业技术学院）"]


def test_the_same_key_submits_once(zhejiang_admin, p003, listed):
    one = submit(zhejiang_admin, p003, scan=scan(), key="k-1")
    again = submit(zhejiang_admin, p003, scan=scan(), key="k-1")
    assert again.pk == one.pk and ParticipantList.objects.count() == 1


def test_the_office_receives_and_forwards_and_each_base_sees_its_trainees(
    client, zhejiang_admin, jiangsu_admin, national_admin, p003, listed, tree
):
    # The platform knows the base by a newer name; the notice's name is its alias.
    x01_host = p003.rules.item("x01").host
    base = SchoolFactory(parent=tree["moe"], name=f"{x01_host}（新校名）")
    OrganisationAlias.objects.create(organisation=base, name=x01_host)
    plist = submit(zhejiang_admin, p003, scan=scan())
    base_user = User.objects.create_user("base-x01", "Secret123")
    RoleAssignment.objects.create(user=base_user, role=Role.BASE_ADMIN, org=base)
    assert list(lists.lists_for(base_user)) == []  # not before it is forwarded
    with pytest.raises(NotPermitted):  # the province does not receive its own list
        lists.list_receive(actor=zhejiang_admin.user, plist=plist)
    assert list(lists.lists_for(jiangsu_admin.user)) == []
    lists.list_receive(actor=national_admin.user, plist=plist)
    lists.list_forward(actor=national_admin.user, plist=plist)
    plist.refresh_from_db()
    assert plist.status == ParticipantList.Status.FORWARDED
    assert Notification.objects.filter(user=base_user).exists()
    assert [r["name"] for r in lists.rows_for(base_user, plist)] == ["张一"]
    client.force_login(base_user)
    page = client.get(f"/enrollment/lists/{plist.pk}/").content.decode()
    assert "张一" in page and "李二" not in page and "盖章扫描件" not in page
    assert client.get(f"/enrollment/lists/{plist.pk}/scan/").status_code == 404
    client.force_login(national_admin.user)
    assert client.get(f"/enrollment/lists/{plist.pk}/scan/").status_code == 200
    downloaded = AuditEntry.objects.get(action="enrollment.list_scan_downloaded")
    assert downloaded.actor == national_admin.user
    assert sorted(d.person_id for d in downloaded.disclosed.all()) == sorted(
        r["person"] for r in plist.rows
    )


def test_a_province_system_submits_its_list_file_over_the_api_all_or_nothing_once(
    zhejiang_admin, p003, college
):
    api = api_as(zhejiang_admin)
    good = workbook(HEADER_003, [row_003(name="张一"), row_003(name="李二", mobile="13711110002")])
    bad = workbook(HEADER_003, [row_003(name="张一"), row_003(name="李二", id_number="123")])
    refused = api.post(
        "/api/v1/participant-lists/",
        {"programme": p003.pk, "province": ZJ, "file": upload(bad), "scan": scan()},
        format="multipart",
        headers={"Idempotency-Key": "zj-1"},
    )
    assert refused.status_code == 400
    assert "第3行“身份证号”列" in str(refused.json())
    assert not Enrollment.objects.exists() and not ParticipantList.objects.exists()
    for _attempt in range(2):
        response = api.post(
            "/api/v1/participant-lists/",
            {"programme": p003.pk, "province": ZJ, "file": upload(good), "scan": scan()},
            format="multipart",
            headers={"Idempotency-Key": "zj-2"},
        )
        assert response.status_code == 201, response.content
    body = response.json()
    assert (body["version"], body["count"], body["status"]) == (1, 2, "submitted")
    assert Enrollment.objects.count() == 2 and ParticipantList.objects.count() == 1
    state = api.get(f"/api/v1/participant-lists/{body['id']}/").json()
    assert state["status"] == "submitted" and state["province"] == ZJ


def test_a_province_system_submits_its_list_as_json_rows_and_reads_each_rows_state(
    zhejiang_admin, p003, college
):
    api = api_as(zhejiang_admin)
    keys = ["project", "host", "name", "org", "post", "major", "mobile", "remark"]

    def record(**kw: Any) -> dict[str, Any]:
        values = dict(zip([*keys, "id_number"], row_003(**kw), strict=True))
        return {k: v for k, v in values.items() if v}

    stamped = {
        "scan_base64": base64.b64encode(b"%PDF-1.4 stamped").decode(),
        "scan_name": "盖章.pdf",
    }
    body = {"programme": p003.pk, "province": ZJ, **stamped}
    one, two = record(name="张一"), record(name="李二", mobile="13711110002")
    refused = api.post(
        "/api/v1/participant-lists/",
        {**body, "rows": [one, {**two, "id_number": "123"}]},
        format="json",
    )
    assert refused.status_code == 400
    assert "第2行“身份证号”列" in str(refused.json()["fields"]["rows"])
    unknown = api.post(
        "/api/v1/participant-lists/", {**body, "rows": [{**one, "学校": "x"}]}, format="json"
    )
    assert unknown.status_code == 400 and "无法识别的字段：学校" in str(unknown.json())
    both = api.post(
        "/api/v1/participant-lists/",
        {**body, "rows": [one], "file": "x"},
        format="json",
    )
    assert both.status_code == 400
    assert not Enrollment.objects.exists() and not ParticipantList.objects.exists()

    for _attempt in range(2):
        response = api.post(
            "/api/v1/participant-lists/",
            {**body, "rows": [one, two]},
            format="json",
            headers={"Idempotency-Key": "zj-json"},
        )
        assert response.status_code == 201, response.content
    assert Enrollment.objects.count() == 2 and ParticipantList.objects.count() == 1
    plist = ParticipantList.objects.get()
    assert plist.scan.read() == b"%PDF-1.4 stamped"
    state = api.get(f"/api/v1/participant-lists/{plist.pk}/").json()
    assert sorted(r["name"] for r in state["rows"]) == ["张一", "李二"]
    assert {r["status_display"] for r in state["rows"]} == {
        Enrollment.objects.first().get_status_display()
    }
    listing = api.get("/api/v1/participant-lists/").json()
    assert "rows" not in listing["results"][0]


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("附件3.xlsx", content)
