import re
from io import StringIO

import pytest
from django.core.management import call_command

from shipei.programmes.models import Programme


@pytest.fixture
def loaded(db):
    call_command("load_preset", "--all", stdout=StringIO())


def test_admins_see_the_programmes_in_the_menu_and_list(client, zhejiang_admin, loaded):
    client.force_login(zhejiang_admin.user)
    page = client.get("/programmes/").content.decode()
    assert "培训计划" in page
    assert "浙教办函〔2020〕262号" in page
    assert page.count("/programmes/") >= 5


def test_the_notice_table_shows_its_contradictions_as_a_warning(client, zhejiang_admin, loaded):
    programme = Programme.objects.get(code="zj-2020-vocational-teacher")
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert "通知原表有 11 处合计与明细不符" in page
    assert "印合计 85，明细之和 86" in page
    assert "按需报名" in page and "杭州市" in page


def test_a_table_without_contradictions_shows_no_warning(client, national_admin, loaded):
    programme = Programme.objects.get(code="moe-2020-innovation-team-online")
    client.force_login(national_admin.user)
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert "合计与明细不符" not in page
    assert "5G移动网络运维" in page and "北京" in page
    assert "处数字依据合计等印刷数据复原" in page


def test_the_notice_table_shown_is_the_one_kept_with_the_programme(client, national_admin, loaded):
    programme = Programme.objects.get(code="moe-2020-innovation-team-online")
    table = programme.printed_tables.get(name="000_quota.json")
    table.data = {**table.data, "table": "附件1 培训名额分配表（随计划保存）"}
    table.save()
    client.force_login(national_admin.user)
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert "通知附表：附件1 培训名额分配表（随计划保存）" in page


def test_a_programme_naming_a_table_it_does_not_hold_shows_its_items(
    client, national_admin, loaded
):
    """A programme written before the tables were kept with programmes, not yet migrated."""
    programme = Programme.objects.get(code="moe-2020-innovation-team-online")
    programme.printed_tables.all().delete()
    client.force_login(national_admin.user)
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert "通知附表：" not in page and "5G移动网络运维" in page
    assert client.get(f"/programmes/{programme.pk}/quotas/").status_code == 200


def test_a_programme_without_a_quota_table_shows_its_items(client, base_admin, loaded):
    programme = Programme.objects.get(code="moe-2024-national-base-projects")
    client.force_login(base_admin.user)
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    # How teachers are enrolled, and who approves, each in its own line (not run together).
    assert "<dd>学校联系人报名</dd>" in page and "通知附表" not in page
    assert "基地核准" in page


def test_trainees_have_no_programme_administration(client, trainee, loaded):
    client.force_login(trainee.user)
    assert client.get("/programmes/").status_code == 403
    programme = Programme.objects.first()
    assert client.get(f"/programmes/{programme.pk}/").status_code == 404


# Creating and editing programmes


def _zj_programme(zhejiang_admin):
    from shipei.programmes.services import programme_create
    from shipei.programmes.tests.test_editor import POLICY

    return programme_create(
        actor=zhejiang_admin.user,
        owner=zhejiang_admin.org,
        code="zj-2024-demo",
        title="2024年浙江省职业院校教师培训",
        year=2024,
        policy=POLICY,
    )


def test_a_provincial_admin_creates_a_programme_from_the_form(client, zhejiang_admin):
    client.force_login(zhejiang_admin.user)
    page = client.get("/programmes/").content.decode()
    assert "新建培训计划" in page
    assert client.get("/programmes/new/").status_code == 200
    response = client.post(
        "/programmes/new/",
        {
            "owner": zhejiang_admin.org.pk,
            "code": "zj-2025-teachers",
            "title": "2025年骨干教师培训",
            "year": "2025",
            "issuer": "浙江省教育厅",
            "document_number": "",
            "issued_on": "2025-03-01",
            "channels": ["nomination"],
            "quota_scope": "city",
            "item_code": "p1",
            "item_label": "第一期",
            "item_kind": "phase",
        },
    )
    programme = Programme.objects.get(code="zj-2025-teachers")
    assert response.status_code == 302 and response.url == programme.get_absolute_url()
    assert programme.owner == zhejiang_admin.org
    assert programme.rules.enrollment.channels == ["nomination"]
    page = client.get(response.url).content.decode()
    assert "已创建“2025年骨干教师培训”" in page


def test_the_create_form_keeps_what_was_typed_and_says_what_is_wrong(client, zhejiang_admin):
    client.force_login(zhejiang_admin.user)
    response = client.post(
        "/programmes/new/",
        {
            "owner": zhejiang_admin.org.pk,
            "code": "zj-2025-teachers",
            "title": "2025年骨干教师培训",
            "year": "1800",
            "channels": ["nomination"],
            "quota_scope": "city",
            "item_code": "第一期",
            "item_label": "第一期",
            "item_kind": "phase",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "确保该值大于或等于2000" in page
    assert 'value="2025年骨干教师培训"' in page
    assert not Programme.objects.exists()
    response = client.post(
        "/programmes/new/",
        {
            "owner": zhejiang_admin.org.pk,
            "code": "zj-2025-teachers",
            "title": "2025年骨干教师培训",
            "year": "2025",
            "channels": ["nomination"],
            "quota_scope": "city",
            "item_code": "第一期",
            "item_label": "第一期",
            "item_kind": "phase",
        },
    )
    assert "只能包含字母、数字、下划线、点和连字符" in response.content.decode()
    assert not Programme.objects.exists()


def test_a_city_admin_may_not_create_programmes(client, city_admin):
    client.force_login(city_admin.user)
    assert "新建培训计划" not in client.get("/programmes/").content.decode()
    assert client.get("/programmes/new/").status_code == 403
    assert client.post("/programmes/new/", {"code": "x"}).status_code == 403


def test_the_detail_page_offers_edits_only_to_the_issuers_admins(
    client, zhejiang_admin, jiangsu_admin
):
    programme = _zj_programme(zhejiang_admin)
    client.force_login(zhejiang_admin.user)
    page = client.get(programme.get_absolute_url()).content.decode()
    assert f"/programmes/{programme.pk}/edit/assessment/" in page
    assert f"/programmes/{programme.pk}/edit/items/" in page
    assert "复制为新年度" in page and "考核" in page and "报送方案" in page
    client.force_login(jiangsu_admin.user)
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "/edit/" not in page and "复制为新年度" not in page
    assert client.get(f"/programmes/{programme.pk}/edit/assessment/").status_code == 403
    assert client.post(f"/programmes/{programme.pk}/edit/").status_code == 403
    assert client.get(f"/programmes/{programme.pk}/clone/").status_code == 403


def test_a_provincial_admin_editing_a_ministry_programme_is_refused(client, zhejiang_admin, loaded):
    programme = Programme.objects.get(code="moe-2024-national-base-projects")
    client.force_login(zhejiang_admin.user)
    assert client.get(f"/programmes/{programme.pk}/edit/credit/").status_code == 403
    response = client.post(
        f"/programmes/{programme.pk}/edit/credit/", {"s-counts_as_continuing_education": ""}
    )
    assert response.status_code == 403
    programme = Programme.objects.get(pk=programme.pk)  # .rules is cached per object
    assert programme.rules.credit.counts_as_continuing_education is True


def test_trainees_cannot_reach_the_edit_pages(client, trainee, zhejiang_admin):
    programme = _zj_programme(zhejiang_admin)
    client.force_login(trainee.user)
    assert client.get(f"/programmes/{programme.pk}/edit/items/").status_code == 404
    assert client.get("/programmes/new/").status_code == 403


def test_a_forged_section_name_is_not_found(client, zhejiang_admin):
    programme = _zj_programme(zhejiang_admin)
    client.force_login(zhejiang_admin.user)
    for section in ("version", "quotas", "__init__"):
        assert client.get(f"/programmes/{programme.pk}/edit/{section}/").status_code == 404
        assert client.post(f"/programmes/{programme.pk}/edit/{section}/", {}).status_code == 404


def _section_post(programme, section):
    from shipei.programmes.forms import SectionEditor
    from shipei.programmes.tests.test_editor import editor_post

    return editor_post(SectionEditor(section, programme.rules))


def test_a_section_is_edited_through_its_form_and_audited(client, zhejiang_admin):
    from shipei.audit.models import AuditEntry

    programme = _zj_programme(zhejiang_admin)
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/programmes/{programme.pk}/edit/enrollment/").content.decode()
    assert "报名时间（开始）" in page and "审核流程" in page and "学校推荐" in page
    data = _section_post(programme, "enrollment")
    data["s-window__closes_0"] = "2024-03-25"
    data["s-window__closes_1"] = "18:00"
    data["approval_chain-0-label"] = "省教育厅审核"
    data["s-channels"] = ["nomination", "signup_table"]
    response = client.post(f"/programmes/{programme.pk}/edit/enrollment/", data)
    assert response.status_code == 302 and response.url == programme.get_absolute_url()
    programme = Programme.objects.get(pk=programme.pk)  # .rules is cached per object
    enrollment = programme.rules.enrollment
    assert str(enrollment.window.closes) == "2024-03-25 18:00:00"
    assert enrollment.approval_chain[0].label == "省教育厅审核"
    assert enrollment.channels == ["nomination", "signup_table"]
    assert AuditEntry.objects.get(action="programme.updated").data == {
        "section": "enrollment",
        "revision": 2,
    }
    assert "已保存“报名与审核”" in client.get(response.url).content.decode()


def test_rows_are_added_and_removed_in_a_list_section(client, zhejiang_admin):
    programme = _zj_programme(zhejiang_admin)
    client.force_login(zhejiang_admin.user)
    url = f"/programmes/{programme.pk}/edit/milestones/"
    data = _section_post(programme, "milestones")
    page = client.post(url, {**data, "add_row": "milestones"}).content.decode()
    assert 'name="milestones-1-code"' in page  # a blank row to fill, nothing saved yet
    data.update(
        {
            "milestones-TOTAL_FORMS": "2",
            "milestones-0-DELETE": "on",
            "milestones-1-code": "report",
            "milestones-1-label": "报送总结",
            "milestones-1-due": "2024-12-01",
        }
    )
    assert client.post(url, data).status_code == 302
    programme = Programme.objects.get(pk=programme.pk)  # .rules is cached per object
    assert [(m.code, str(m.due)) for m in programme.rules.milestones] == [("report", "2024-12-01")]


def test_dictionary_sections_are_key_and_number_rows(client, zhejiang_admin):
    programme = _zj_programme(zhejiang_admin)
    client.force_login(zhejiang_admin.user)
    url = f"/programmes/{programme.pk}/edit/classes/"
    data = _section_post(programme, "classes")
    data.update(
        {
            "s-max_size": "50",
            "staff-TOTAL_FORMS": "2",
            "staff-0-key": "授课教师",
            "staff-0-value": "2",
            "staff-1-key": "考评员",
            "staff-1-value": "3",
        }
    )
    assert client.post(url, data).status_code == 302
    programme = Programme.objects.get(pk=programme.pk)  # .rules is cached per object
    assert programme.rules.classes.staff == {"授课教师": 2, "考评员": 3}
    assert programme.rules.classes.max_size == 50


@pytest.mark.parametrize(
    ("section", "changes", "message"),
    [
        ("classes", {"s-max_size": "-3"}, "确保该值大于或等于0"),
        (
            "enrollment",
            {"s-window__opens_0": "2024-03-20", "s-window__closes_0": "2024-03-01"},
            "结束时间早于开始时间",
        ),
        ("content", {"s-practice_share_min": "50"}, "确保该值小于或等于1"),
        (
            "classes",
            {
                "staff-TOTAL_FORMS": "2",
                "staff-0-key": "教师",
                "staff-0-value": "1",
                "staff-1-key": "教师",
                "staff-1-value": "2",
            },
            "名称重复：教师",
        ),
        ("milestones", {"milestones-0-due": "2024-02-30"}, "有效的日期"),
    ],
)
def test_bad_input_is_shown_in_chinese_keeps_what_was_typed_and_changes_nothing(
    client, zhejiang_admin, section, changes, message
):
    programme = _zj_programme(zhejiang_admin)
    before = dict(programme.policy)
    client.force_login(zhejiang_admin.user)
    data = {**_section_post(programme, section), **changes}
    response = client.post(f"/programmes/{programme.pk}/edit/{section}/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page, page[page.find("alert") :][:2000]
    for value in changes.values():
        assert f'value="{value}"' in page
    programme = Programme.objects.get(pk=programme.pk)  # .rules is cached per object
    assert programme.policy == before


def test_a_window_error_is_shown_beside_its_end(client, zhejiang_admin):
    programme = _zj_programme(zhejiang_admin)
    client.force_login(zhejiang_admin.user)
    data = {
        **_section_post(programme, "enrollment"),
        "s-window__opens_0": "2024-03-20",
        "s-window__closes_0": "2024-03-01",
    }
    page = client.post(f"/programmes/{programme.pk}/edit/enrollment/", data).content.decode()
    closes = page.index('name="s-window__closes_0"')
    assert page.index("结束时间早于开始时间") > closes
    assert page.index("结束时间早于开始时间") - closes < 1500


def test_identity_is_edited_on_its_own_page(client, zhejiang_admin):
    programme = _zj_programme(zhejiang_admin)
    client.force_login(zhejiang_admin.user)
    response = client.post(
        f"/programmes/{programme.pk}/edit/",
        {
            "owner": zhejiang_admin.org.pk,
            "code": programme.code,
            "title": "新的名称",
            "year": "2024",
            "issuer": "浙江省教育厅",
            "document_number": "浙教函〔2024〕9号",
            "issued_on": "2024-02-02",
        },
    )
    assert response.status_code == 302
    programme = Programme.objects.get(pk=programme.pk)  # .rules is cached per object
    assert (programme.title, programme.document_number) == ("新的名称", "浙教函〔2024〕9号")


def test_a_programme_is_cloned_for_the_next_year(client, zhejiang_admin):
    programme = _zj_programme(zhejiang_admin)
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/programmes/{programme.pk}/clone/").content.decode()
    assert 'value="2025"' in page and 'value="zj-2025-demo"' in page
    response = client.post(
        f"/programmes/{programme.pk}/clone/", {"year": "2025", "code": "zj-2025-demo"}
    )
    clone = Programme.objects.get(code="zj-2025-demo")
    assert response.status_code == 302 and response.url == clone.get_absolute_url()
    assert str(clone.rules.enrollment.window.closes) == "2025-03-20"
    response = client.post(
        f"/programmes/{programme.pk}/clone/", {"year": "2026", "code": "zj-2025-demo"}
    )
    assert "已被其他培训计划使用" in response.content.decode()


def test_every_section_page_of_every_preset_opens(client, national_admin, loaded):
    from shipei.programmes.services import SECTIONS

    client.force_login(national_admin.user)
    for programme in Programme.objects.all():
        page = client.get(programme.get_absolute_url()).content.decode()
        assert "复制为新年度" in page
        for section, label in SECTIONS.items():
            response = client.get(f"/programmes/{programme.pk}/edit/{section}/")
            assert response.status_code == 200, (programme.code, section)
            assert f"编辑：{label}" in response.content.decode()


# What the programme's page says, in words rather than codes


def test_the_quota_section_offers_the_programmes_own_tables_by_their_printed_titles(
    client, national_admin, zhejiang_admin, loaded
):
    client.force_login(national_admin.user)
    programme = Programme.objects.get(code="zj-2020-vocational-teacher")
    page = client.get(f"/programmes/{programme.pk}/edit/quota/").content.decode()
    assert "名额表采用的通知附表" in page and "随本计划保存的通知附表" in page
    assert '<option value="">不采用（按培训项目和地区排列）</option>' in page
    assert (
        '<option value="001_quota.json" selected>附件2 中职学校骨干教师培训项目实施计划表</option>'
        in page
    )
    assert "000_quota.json" not in page and "003_projects_quota.json" not in page
    programme.printed_tables.all().delete()  # as before the tables were kept with programmes
    page = client.get(f"/programmes/{programme.pk}/edit/quota/").content.decode()
    assert (
        '<option value="001_quota.json" selected>原设置的附表（本计划未保存，请改选）</option>'
        in page
    )
    client.force_login(zhejiang_admin.user)
    own = _zj_programme(zhejiang_admin)  # made by hand: no table of its own
    page = client.get(f"/programmes/{own.pk}/edit/quota/").content.decode()
    assert "_quota.json" not in page and "附件" not in page


def test_the_page_shows_meanings_not_codes_and_no_rows_of_dashes(client, national_admin, loaded):
    programme = Programme.objects.get(code="zj-2020-vocational-teacher")
    client.force_login(national_admin.user)
    page = client.get(programme.get_absolute_url()).content.decode()
    # The preset's notes are its author's words (they name items by code): shown as written.
    notes = re.search(r'<section class="sp-card" id="preset-notes">.*?</section>', page, re.S)
    assert notes and "1x-01" in notes.group()
    page = page.replace(notes.group(), "")
    assert "zj-2020-vocational-teacher</code>" not in page  # the slug: only in the edit form
    assert "<code>" not in page and "1x-01" not in page  # nor the items' codes
    assert "{year}{programme}{serial:06d}" not in page
    assert "年份 + 计划代码 + 6 位流水号，例：2020zj-2020-vocational-teacher000001" in page
    assert "001_quota.json" not in page and "按通知附表（见本页下方）" in page
    assert "80 学时 · 10 天 · 收费不超过 3,200 元 · 5天线下、5天线上 · 浙江工业大学" in page
    assert ">--<" not in page
    assert page.count("按需报名，原表未分到各列") == 2  # two rows of the printed table
    assert "本通知未规定的部分" in page
    assert f'href="/programmes/{programme.pk}/edit/assessment/"' in page


def test_dictionary_settings_read_in_words(client, national_admin, loaded):
    programme = Programme.objects.get(code="mohrss-integrated-teacher-training")
    client.force_login(national_admin.user)
    page = client.get(programme.get_absolute_url()).content.decode()
    # In the order they fall due, whatever order the database keeps the keys in.
    assert "开班申请：开班前 40 天；推荐骨干教师：开班前 35 天；培训方案备案：开班前 30 天" in page
    for staff in ("授课骨干教师 2 人", "考核骨干教师 3 人", "班务管理教师 1 人"):
        assert staff in page  # in the order the database keeps the keys
    assert "class_application" not in page and ">final<" not in page


def test_the_scanned_tables_contradictions_are_placed_in_chinese(client, national_admin, loaded):
    programme = Programme.objects.get(code="moe-2024-guopei-demonstration")
    client.force_login(national_admin.user)
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "附件2 小计行，云南省列：印合计 22，明细之和 20" in page
    assert "附件2 小计行，总计：印合计 800，明细之和 799" in page
    assert "row" not in re.sub(r"<[^>]+>", "", page.split("通知原表有", 1)[1].split("</ul>")[0])


def test_a_certificate_number_format_that_cannot_work_is_refused_beside_its_field(
    client, zhejiang_admin
):
    programme = _zj_programme(zhejiang_admin)
    client.force_login(zhejiang_admin.user)
    data = {**_section_post(programme, "certificate"), "s-number_format": "{year}{name}"}
    page = client.post(f"/programmes/{programme.pk}/edit/certificate/", data).content.decode()
    assert "只能使用 {year}、{programme}、{serial}，不能使用 name" in page
    assert 'value="{year}{name}"' in page
    assert Programme.objects.get(pk=programme.pk).policy == programme.policy


def test_managers_are_warned_of_training_that_ends_before_registration_closes(
    client, zhejiang_admin, jiangsu_admin
):
    from shipei.programmes.services import programme_update_section

    programme = _zj_programme(zhejiang_admin)
    items = programme.rules.model_dump(mode="json")["items"]
    items[0]["training"] = {"opens": "2024-03-01", "closes": "2024-03-02"}
    programme_update_section(
        actor=zhejiang_admin.user, programme=programme, section="items", data=items
    )
    warning = "“第1期”的培训在 2024-03-02 结束，早于报名截止时间 2024-03-05 17:30。"
    client.force_login(zhejiang_admin.user)
    assert warning in client.get(programme.get_absolute_url()).content.decode()
    page = client.get(f"/programmes/{programme.pk}/edit/enrollment/").content.decode()
    assert warning in page  # the programme's window is the registration of items without one
    client.force_login(jiangsu_admin.user)
    assert warning not in client.get(programme.get_absolute_url()).content.decode()


def test_a_clone_can_start_its_calendar_on_a_given_day(client, zhejiang_admin):
    programme = _zj_programme(zhejiang_admin)
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/programmes/{programme.pk}/clone/").content.decode()
    assert "原日程从 2024-02-29 开始" in page
    response = client.post(
        f"/programmes/{programme.pk}/clone/",
        {"year": "2026", "code": "zj-2026-demo", "starts_on": "2026-12-03"},
    )
    clone = Programme.objects.get(code="zj-2026-demo")
    assert response.status_code == 302
    assert str(clone.rules.item("p1").registration.opens) == "2026-12-03"
    assert str(clone.rules.enrollment.window.closes) == "2026-12-23"  # 20 days after, as before
    page = client.get(response.url).content.decode()
    assert "日程整体推后 1008 天" in page
