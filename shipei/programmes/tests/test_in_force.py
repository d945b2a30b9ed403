"""No setting that does nothing: every field of the policy is either acted on (the code and the
test that proves it) or marked 尚未生效 for the issue that will enforce it; a preset's notes are
shown on its programme's page."""

import importlib
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from pydantic import BaseModel

from shipei.audit.models import AuditEntry
from shipei.core.tests.api_helpers import api_as, error
from shipei.orgs.models import Designation
from shipei.programmes.forms.spec import field_spec
from shipei.programmes.in_force import REGISTRY, Entry, in_force
from shipei.programmes.models import Programme
from shipei.programmes.policy import PolicyV1
from shipei.programmes.services import programme_clone, programme_create
from shipei.programmes.tests.test_editor import POLICY
from shipei.programmes.tests.test_views_items import HTMX, item_post

ROOT = Path(__file__).resolve().parents[3]


def schema_paths(model: type[BaseModel] = PolicyV1, prefix: str = "") -> dict[str, Any]:
    """Every setting of the schema by its path ("items[].eligibility.min_age"), with its spec; a
    window is one setting, a list of rows is its rows' settings."""
    out: dict[str, Any] = {}
    for name in model.model_fields:
        if model is PolicyV1 and name == "version":
            continue
        spec = field_spec(model, name)
        path = f"{prefix}{name}"
        if spec.kind == "model":
            out.update(schema_paths(spec.model, f"{path}."))
        elif spec.kind == "models":
            out.update(schema_paths(spec.model, f"{path}[]."))
        else:
            out[path] = spec
    return out


def resolve(dotted: str) -> Any:
    """The object at a dotted path: the longest importable module, then its attributes."""
    parts = dotted.split(".")
    for n in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:n]))
        except ModuleNotFoundError:
            continue
        for attr in parts[n:]:
            found = getattr(found, attr)
        return found
    raise ModuleNotFoundError(dotted)


def test_every_field_of_the_policy_is_in_force_or_names_the_issue_that_will_enforce_it():
    paths = schema_paths()
    assert len(paths) > 90
    missing = sorted(set(paths) - set(REGISTRY))
    assert not missing, f"fields with neither an enforcing test nor an issue: {missing}"
    unknown = sorted(k for k in REGISTRY if k.partition(":")[0] not in paths)
    assert not unknown, f"lines naming fields the schema does not have: {unknown}"
    for key in (k for k in REGISTRY if ":" in k):
        field, _sep, value = key.partition(":")
        assert value in paths[field].choices, f"{key}: not one of the field's choices"


def test_each_field_in_force_names_code_that_resolves_and_a_test_that_exists():
    problems = []
    for field, entry in REGISTRY.items():
        if not entry.in_force:
            assert entry.issue in (14, 16, 17, 18) and entry.why, field
            continue
        try:
            resolve(entry.code)
        except (ImportError, AttributeError):
            problems.append(f"{field}: code {entry.code} does not resolve")
        file, _sep, name = entry.test.partition("::")
        if not (ROOT / file).is_file() or not file.endswith(".py"):
            problems.append(f"{field}: no test file {file}")
            continue
        module = importlib.import_module(file.removesuffix(".py").replace("/", "."))
        if not name.startswith("test_") or not callable(getattr(module, name, None)):
            problems.append(f"{field}: no test {entry.test}")
    assert not problems, "\n".join(problems)


@pytest.fixture
def one_pending(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every setting is in force now (issue 18 was the last): mark one as pending again, to
    show how a pending setting reads."""
    field = "base_caps.adjusted_by_performance"
    monkeypatch.setitem(REGISTRY, field, Entry(field, issue=18, why="for the test"))


def test_a_group_of_settings_is_in_force_when_any_of_its_settings_is(one_pending):
    assert in_force("enrollment.waitlist") and not in_force("base_caps.adjusted_by_performance")
    assert in_force("base_caps") and in_force("appraisal.bands[]")
    assert in_force("evaluation[]") and in_force("items[].assessment.components[]")
    assert in_force("items[].content") and in_force("credit")
    assert in_force("enrollment.window.closes")  # a window's end: its window's


@pytest.fixture
def programme(zhejiang_admin: Any) -> Programme:
    policy = {
        **POLICY,
        "items": [
            {
                **POLICY["items"][0],
                "mode": "线上",
                "host": "浙江工业大学",
                "eligibility": {"audiences": ["骨干教师"], "min_age": 25},
            },
            POLICY["items"][1],
        ],
    }
    return programme_create(
        actor=zhejiang_admin.user,
        owner=zhejiang_admin.org,
        code="zj-2024-in-force",
        title="2024年浙江省职业院校教师培训",
        year=2024,
        policy=policy,
    )


def badge_beside(page: str, label: str) -> bool:
    """Whether 尚未生效 follows `label` before the next label or definition ends."""
    found = re.search(
        re.escape(label) + r"(.{0,400}?)(</label>|</legend>|</dd>|</span></span>)", page, re.S
    )
    return bool(found) and "尚未生效" in found.group(1)


def test_an_items_mode_host_and_audiences_are_shown_on_the_programme_page(
    client, zhejiang_admin, programme
):
    client.force_login(zhejiang_admin.user)
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "10 学时 · " in page and " · 线上 · 浙江工业大学" in page
    assert "参训条件：" in page and "培训对象：骨干教师" in page
    assert "最低年龄（周岁）：25" in page and not badge_beside(page, "最低年龄（周岁）：25")
    assert not badge_beside(page, "培训对象：骨干教师")


def test_the_editor_marks_each_setting_not_yet_in_force_and_names_no_issue(
    client, zhejiang_admin, programme, one_pending
):
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/programmes/{programme.pk}/edit/enrollment/").content.decode()
    for label in (  # every enrollment option is in force (test_options.py, test_seats.py)
        "撤回报名截止时间",
        "同一学员同时可报名",
        "名额已满时允许候补",
        "允许替换学员",
        "未报到",
        "学员退出",
    ):
        assert not badge_beside(page, label), label
    page = client.get(f"/programmes/{programme.pk}/edit/base_caps/").content.decode()
    assert "标有“尚未生效”的设置可以保存" in page
    assert "本平台尚未执行此项设置" in page  # the badge's explanation
    assert not re.search(r"issue|#1[4-8]\b|第 ?1[4-8] ?号", page)
    assert badge_beside(page, "按绩效调整上限")
    assert page.count("尚未生效</span>") <= 3  # the note and the one setting
    page = client.get(f"/programmes/{programme.pk}/edit/evaluation/").content.decode()
    assert not badge_beside(page, "评价问卷")  # the forms are handed out and answered
    page = client.get(f"/programmes/{programme.pk}/edit/certificate/").content.decode()
    assert not badge_beside(page, "发证单位") and not badge_beside(page, "证书编号格式")
    assert not badge_beside(page, "须填写培训评估")  # certificates wait for the evaluation
    page = client.get(f"/programmes/{programme.pk}/items/p1/edit/").content.decode()
    assert not badge_beside(page, "最低年龄（周岁）") and not badge_beside(page, "最低教龄（年）")
    assert not badge_beside(page, "先修项目") and not badge_beside(page, "审核流程")
    assert not badge_beside(page, "学时")


def test_the_programme_page_marks_settings_not_yet_in_force(client, zhejiang_admin, programme):
    client.force_login(zhejiang_admin.user)
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "按市分配" in page and not badge_beside(page, "按市分配")  # the scope is in force
    page = client.get(f"/programmes/{programme.pk}/edit/base_caps/").content.decode()
    assert "按绩效调整上限" in page and "尚未生效" not in page  # the annual assessment adjusts
    page = client.get(programme.get_absolute_url()).content.decode()
    section = page.split('id="section-milestones"')[1].split("</section>")[0]
    assert "尚未生效" not in section and "已过 " in section  # milestones are now in force
    assert "issue" not in page


def test_a_presets_notes_are_kept_with_its_programme_shown_reloaded_and_copied(
    client, zhejiang_admin, loaded
):
    programme = Programme.objects.get(code="zj-2020-vocational-teacher")
    assert len(programme.preset_notes) == 12
    assert programme.preset_notes[0].startswith("条目结构：")
    client.force_login(zhejiang_admin.user)
    page = client.get(programme.get_absolute_url()).content.decode()
    panel = page.split('id="preset-notes"')[1].split("</section>")[0]
    assert "预设说明" in panel and "12 条" in panel and panel.count("<li>") == 12
    assert "<details" in panel  # folded on a phone (tests/test_browser)
    Programme.objects.filter(pk=programme.pk).update(preset_notes=["旧的说明"])
    call_command("load_preset", "zj-2020-vocational-teacher", stdout=StringIO())
    assert len(Programme.objects.get(pk=programme.pk).preset_notes) == 12
    copy = programme_clone(
        actor=zhejiang_admin.user, programme=programme, year=2021, code="zj-2021-copy"
    )
    assert copy.preset_notes == programme.preset_notes
    created = Programme.objects.exclude(preset="").filter(preset_notes=[])
    assert not created.exists()


def test_a_programme_without_notes_shows_no_panel(client, zhejiang_admin, programme):
    client.force_login(zhejiang_admin.user)
    assert "预设说明" not in client.get(programme.get_absolute_url()).content.decode()


@pytest.fixture
def loaded(db: Any) -> None:
    call_command("load_preset", "zj-2020-vocational-teacher", stdout=StringIO())


def test_an_item_sets_its_own_channels_chain_quota_scope_base_and_prerequisite(
    client, zhejiang_admin, programme, tree
):
    Designation.objects.create(organisation=tree["hz_base"], kind="provincial_base")
    client.force_login(zhejiang_admin.user)
    shown = client.get(f"/programmes/{programme.pk}/items/p2/edit/").content.decode()
    assert "同计划（按市分配）" in shown and "同计划（省厅审核）" in shown
    assert '<option value="杭州职业技术学院">杭州职业技术学院</option>' in shown
    assert "浙江省教育厅</option>" not in shown  # no training-base designation
    for word in ("学校", "企业", "科研院所", "年龄计算日期", "专业类（每行一项）"):
        assert word in shown
    data = item_post(
        programme,
        "p2",
        channels=["self_registration"],
        quota_scope="school",
        base="杭州职业技术学院",
        chain_mode="own",
    )
    data.update(
        {
            "approval_chain-TOTAL_FORMS": "2",
            "approval_chain-0-role": "school_coordinator",
            "approval_chain-0-label": "学校审核",
            "approval_chain-1-role": "base_admin",
            "approval_chain-1-label": "基地确认",
            "approval_chain-1-deadline": "2024-03-15",
            "requires-TOTAL_FORMS": "1",
            "requires-0-item": "p1",
            "requires-0-state": "admitted",
        }
    )
    response = client.post(f"/programmes/{programme.pk}/items/p2/edit/", data, **HTMX)
    assert response.status_code == 200, response.content.decode()[:2000]
    item = Programme.objects.get(pk=programme.pk).rules.item("p2")
    assert item.channels == ["self_registration"] and item.quota_scope == "school"
    assert item.base == "杭州职业技术学院"
    assert [(s.role, s.label) for s in item.approval_chain] == [
        ("school_coordinator", "学校审核"),
        ("base_admin", "基地确认"),
    ]
    assert [(r.item, r.state) for r in item.eligibility.requires] == [("p1", "admitted")]
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "与计划不同：" in page
    assert "报名方式：个人报名" in page and "审核流程：学校审核 → 基地确认" in page
    assert "名额分配方式：按校分配" in page and "承训基地：杭州职业技术学院" in page
    assert "先修项目：“第1期”须已录取" in page
    # Back to 同计划: the programme's chain holds again.
    data["item-chain_mode"] = "same"
    client.post(f"/programmes/{programme.pk}/items/p2/edit/", data, **HTMX)
    assert Programme.objects.get(pk=programme.pk).rules.item("p2").approval_chain is None


def test_adding_a_row_without_scripts_saves_nothing_and_shows_one_more_row(
    client, zhejiang_admin, programme
):
    client.force_login(zhejiang_admin.user)
    data = {**item_post(programme, "p2"), "add_row": "approval_chain"}
    page = client.post(f"/programmes/{programme.pk}/items/p2/edit/", data).content.decode()
    assert 'name="approval_chain-0-role"' in page
    assert Programme.objects.get(pk=programme.pk).policy == programme.policy


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {
                "item-registration__opens_0": "2024-03-01",
                "item-registration__closes_0": "2024-04-30",
            },
            "item-registration__closes_1",
            "培训项目 p2（第2期）的报名时间超出计划的报名时间",
        ),
        (
            {"requires-TOTAL_FORMS": "1", "requires-0-item": "p9", "requires-0-state": "completed"},
            "requires-0-item",
            "培训项目 p2（第2期）的先修项目 p9 不存在",
        ),
        (
            {
                "item-chain_mode": "own",
                "approval_chain-TOTAL_FORMS": "1",
                "approval_chain-0-role": "trainee",
                "approval_chain-0-label": "学员确认",
            },
            "approval_chain-0-role",
            "培训项目 p2（第2期）的审核流程第 1 步（学员确认）的角色不能审核报名",
        ),
    ],
)
def test_a_contradiction_is_shown_beside_its_field_with_its_place_and_nothing_is_saved(
    client, zhejiang_admin, programme, changes, field, message
):
    client.force_login(zhejiang_admin.user)
    data = {**item_post(programme, "p2"), **changes}
    response = client.post(f"/programmes/{programme.pk}/items/p2/edit/", data, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    beside = re.search(rf'name="{field}".{{0,3000}}?{re.escape(message)}', page, re.S)
    assert beside, page[:3000]
    assert Programme.objects.get(pk=programme.pk).policy == programme.policy
    assert not AuditEntry.objects.filter(action="programme.updated").exists()


@pytest.mark.parametrize("who", ["province_on_ministry", "city_on_province"])
def test_an_edit_by_someone_not_the_owner_is_refused_in_chinese_and_saves_nothing(
    client, national_admin, zhejiang_admin, city_admin, who
):
    if who == "province_on_ministry":
        owner, editor, owner_name = national_admin, zhejiang_admin, "教育部"
    else:
        owner, editor, owner_name = zhejiang_admin, city_admin, "浙江省教育厅"
    programme = programme_create(
        actor=owner.user,
        owner=owner.org,
        code=f"owned-{who}",
        title="2024年培训计划",
        year=2024,
        policy=POLICY,
    )
    before = Programme.objects.get(pk=programme.pk).policy
    client.force_login(editor.user)
    data = item_post(programme, "p2", label="改名")
    response = client.post(f"/programmes/{programme.pk}/items/p2/edit/", data)
    page = response.content.decode()
    assert response.status_code == 403
    told = f"“2024年培训计划”由{owner_name}主管，只有其管理员可以修改；本次修改未保存。"
    assert told in page
    api = api_as(editor)
    body = error(
        api.patch(
            f"/api/v1/programmes/{programme.pk}/",
            {"policy": {"items": [{"code": "p1", "label": "改名", "kind": "phase"}]}},
            format="json",
        ),
        403,
        "not_permitted",
    )
    assert told in str(body)
    assert Programme.objects.get(pk=programme.pk).policy == before
    assert not AuditEntry.objects.filter(action="programme.updated").exists()


def test_a_phase_is_never_offered_to_a_base_as_a_project_but_a_course_is(
    zhejiang_admin, programme, tree
):
    from shipei.programmes.services import programme_item_save
    from shipei.projects.selectors import applicable_items

    assert applicable_items(programme, tree["hz_base"]) == []  # 第1期, 第2期: phases
    item = {**programme.rules.item("p2").model_dump(mode="json"), "kind": "course"}
    programme_item_save(actor=zhejiang_admin.user, programme=programme, code="p2", item=item)
    saved = Programme.objects.get(pk=programme.pk)
    assert [i.code for i in applicable_items(saved, tree["hz_base"])] == ["p2"]


def test_the_create_form_marks_nothing_in_force_as_not_yet(client, zhejiang_admin):
    client.force_login(zhejiang_admin.user)
    page = client.get("/programmes/new/").content.decode()
    assert "名额分配方式" in page and "报名方式" in page
    assert not badge_beside(page, "名额分配方式") and not badge_beside(page, "报名方式")


def test_a_programme_step_whose_role_cannot_approve_is_shown_beside_its_role(
    client, zhejiang_admin, programme
):
    from shipei.programmes.tests.test_views import _section_post

    client.force_login(zhejiang_admin.user)
    data = {**_section_post(programme, "enrollment"), "approval_chain-0-role": "core_teacher"}
    response = client.post(f"/programmes/{programme.pk}/edit/enrollment/", data)
    page = response.content.decode()
    message = "审核流程第 1 步（省厅审核）的角色不能审核报名"
    assert re.search(rf'name="approval_chain-0-role".{{0,3000}}?{re.escape(message)}', page, re.S)
    assert Programme.objects.get(pk=programme.pk).policy == programme.policy
