import re

from shipei.accounts import exports
from shipei.accounts.models import Person
from shipei.accounts.services import person_reveal
from shipei.accounts.tests.factories import PersonFactory
from shipei.audit.services import record


def test_audit_log_shows_chinese_actions_within_scope(client, zhejiang_admin, jiangsu_admin, tree):
    zj = PersonFactory(org=tree["hz_school"], name="浙江某人")
    js = PersonFactory(org=tree["nj_school"], name="江苏某人")
    record(zhejiang_admin.user, "person.revealed", zj, field="id_number")
    record(jiangsu_admin.user, "person.revealed", js, field="id_number")
    client.force_login(zhejiang_admin.user)
    page = client.get("/audit/", {"action": "person.revealed"}).content.decode()
    assert "查看完整个人信息" in page and "浙江某人" in page
    assert "江苏某人" not in page


def test_setup_actions_are_shown_as_done_by_the_system(client, zhejiang_admin, tree):
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/orgs/{tree['hz_school'].pk}/").content.decode()
    assert "系统 · 创建机构" in page


def test_trainee_has_no_audit_log(client, trainee):
    client.force_login(trainee.user)
    assert client.get("/audit/").status_code == 403


def test_a_full_export_by_a_city_admin_is_visible_to_its_province(
    client, city_admin, zhejiang_admin, tree
):
    PersonFactory(org=tree["hz_school"])
    client.force_login(city_admin.user)
    client.get("/people/export/", {"full": "1"})
    client.force_login(zhejiang_admin.user)
    page = client.get("/audit/", {"action": "person.exported_full"}).content.decode()
    assert "导出完整个人信息" in page and "杭州市教育局" in page


def test_the_log_shows_what_was_done_in_chinese_without_codes(client, national_admin, tree):
    record(national_admin.user, "org.alias_added", tree["hz_school"], alias="中策职校")
    client.force_login(national_admin.user)

    html = client.get("/audit/").content.decode()

    actions = re.findall(r'<td data-card="title">([^<]*)</td>', html)
    assert actions[:2] == ["登录", "添加别名"]  # the newest first; forcing a login is one too
    assert all(not re.search(r"[a-z]", action) for action in actions)
    assert "<code" not in html and ">org.alias_added<" not in html


def test_the_action_filter_offers_every_kind_of_object_as_a_whole(client, national_admin, tree):
    record(national_admin.user, "org.alias_added", tree["hz_school"], alias="中策职校")
    record(
        national_admin.user, "person.revealed", PersonFactory(org=tree["hz_school"], name="某某")
    )
    client.force_login(national_admin.user)

    html = client.get("/audit/", {"action": "org."}).content.decode()

    assert '<optgroup label="机构"><option value="org." selected>机构：全部操作</option>' in html
    assert "添加别名</td>" in html and "某某" not in html


def test_a_province_sees_a_full_export_of_its_people_by_the_ministry_and_another_does_not(
    client, national_admin, zhejiang_admin, jiangsu_admin, tree
):
    PersonFactory(org=tree["hz_school"], name="浙江教师")
    exports.person_export(
        actor=national_admin.user, people=Person.objects.filter(name="浙江教师"), full=True
    )

    client.force_login(zhejiang_admin.user)
    zhejiang = client.get("/audit/", {"action": "person.exported_full"}).content.decode()
    client.force_login(jiangsu_admin.user)
    jiangsu = client.get("/audit/", {"action": "person.exported_full"}).content.decode()

    exported = '<td data-card="title">导出完整个人信息</td>'
    assert exported in zhejiang and "1 人的完整信息" in zhejiang
    assert exported not in jiangsu


def test_a_person_s_log_answers_who_exported_or_viewed_their_record_and_when(
    client, national_admin, zhejiang_admin, city_admin, tree
):
    person = PersonFactory(org=tree["hz_school"], name="被导出者")
    other = PersonFactory(org=tree["hz_school"], name="旁人")
    exports.person_export(
        actor=national_admin.user, people=Person.objects.filter(pk=person.pk), full=True
    )
    exports.person_export(
        actor=city_admin.user, people=Person.objects.filter(pk=other.pk), full=True
    )
    person_reveal(actor=city_admin.user, person=person, field="id_number")
    client.force_login(zhejiang_admin.user)

    page = client.get(f"/people/{person.pk}/").content.decode()
    log = client.get("/audit/", {"person": person.pk}).content.decode()

    assert "导出完整个人信息" in page and "查看完整个人信息" in page
    assert f'href="/audit/?person={person.pk}"' in page
    rows = re.findall(r"<tr><td[^>]*>[^<]*</td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td>", log)
    assert rows == [
        (city_admin.person.name, "查看完整个人信息"),
        (national_admin.person.name, "导出完整个人信息"),
        ("系统", "登记人员"),
    ]
    assert "只显示与 被导出者 有关的记录" in log


def test_the_log_of_a_person_out_of_sight_is_not_found(client, zhejiang_admin, tree):
    stranger = PersonFactory(org=tree["nj_school"])
    client.force_login(zhejiang_admin.user)

    assert client.get("/audit/", {"person": stranger.pk}).status_code == 404
    assert client.get("/audit/", {"person": "1" * 30}).status_code == 404
    assert client.get("/audit/", {"person": "x"}).status_code == 404
