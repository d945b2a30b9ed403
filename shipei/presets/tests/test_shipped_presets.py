"""The five notices ship as presets, each a valid policy that loads."""

from io import StringIO

from django.core.management import call_command

from shipei.accounts.models import User
from shipei.presets.loader import preset_slugs, preset_tables
from shipei.programmes.models import Programme

SLUGS = [
    "moe-2020-innovation-team-online",
    "moe-2024-guopei-demonstration",
    "moe-2024-national-base-projects",
    "mohrss-integrated-teacher-training",
    "zj-2020-vocational-teacher",
]


def test_the_five_notices_are_listed_slug_first(db):
    out = StringIO()
    call_command("list_presets", stdout=out)
    assert [line.split("\t")[0] for line in out.getvalue().splitlines()] == SLUGS == preset_slugs()


def test_all_presets_load_and_loading_again_changes_nothing(db):
    out = StringIO()
    call_command("load_preset", "--all", stdout=out)
    assert out.getvalue().count("已创建") == 5
    call_command("load_preset", "--all", stdout=out)
    assert out.getvalue().count("无变化") == 5
    assert Programme.objects.count() == 5


def test_presets_carry_the_notices_numbers(db):
    call_command("load_preset", "--all", stdout=StringIO())
    p000 = Programme.objects.get(code="moe-2020-innovation-team-online").rules
    assert [str(i.hours) for i in p000.items if i.kind == "phase"] == ["10", "20", "10"]
    assert p000.assessment.essay_min_chars == 1000
    p002 = Programme.objects.get(code="moe-2024-national-base-projects").rules
    assert p002.base_caps.per_kind == {
        "principal_base": 3,
        "dual_teacher_base": 20,
        "enterprise_practice_base": 15,
    }
    assert p002.base_caps.each_class_counts_as_project
    p003 = Programme.objects.get(code="moe-2024-guopei-demonstration").rules
    assert len([i for i in p003.items if i.kind == "project"]) == 16
    assert (
        str(p003.content.practice_share_min) == "0.5" and str(p003.content.video_share_min) == "0.3"
    )
    p004 = Programme.objects.get(code="mohrss-integrated-teacher-training").rules
    assert p004.classes.max_size == 30 and p004.assessment.pass_mark == 60
    assert p004.assessment.retries == 1 and p004.assessment.absence_limit_hours == 4
    assert p004.classes.milestones_days_before_start == {
        "class_application": 40,
        "core_teacher_recommendation": 35,
        "plan_filing": 30,
    }
    p001 = Programme.objects.get(code="zj-2020-vocational-teacher").rules
    assert len([i for i in p001.items if i.kind == "course"]) == 15
    assert not p001.enrollment.substitutions_allowed
    assert [s.role for s in p001.enrollment.approval_chain] == ["city_admin"]


def test_each_programme_keeps_its_notice_text(db):
    call_command("load_preset", "--all", stdout=StringIO())
    texts = dict(Programme.objects.values_list("code", "notice_text"))
    assert "教师司函〔2024〕6号" in texts["moe-2024-national-base-projects"]
    assert "工学一体化" in texts["mohrss-integrated-teacher-training"]
    assert all(len(t) > 2000 for t in texts.values())


def test_each_programme_keeps_the_printed_table_its_notice_names(db):
    call_command("load_preset", "--all", stdout=StringIO())
    kept = {
        p.code: {t.name: t.data for t in p.printed_tables.all()} for p in Programme.objects.all()
    }
    assert {code: sorted(tables) for code, tables in kept.items()} == {
        "moe-2020-innovation-team-online": ["000_quota.json"],
        "moe-2024-guopei-demonstration": ["003_projects_quota.json"],
        "moe-2024-national-base-projects": [],
        "mohrss-integrated-teacher-training": [],
        "zj-2020-vocational-teacher": ["001_quota.json"],
    }
    for slug in SLUGS:
        assert kept[slug] == preset_tables(slug)


def test_the_admin_site_lists_the_kept_tables_by_title_and_adds_none(client, db):
    call_command("load_preset", "--all", stdout=StringIO())
    client.force_login(User.objects.create_superuser("root", "Root12345"))
    page = client.get("/admin/programmes/printedtable/").content.decode()
    assert "附件1 培训名额分配表" in page and "附件2 2024年“职教国培”示范项目地区名额分配表" in page
    assert client.get("/admin/programmes/printedtable/add/").status_code == 403
