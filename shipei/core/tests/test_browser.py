"""Browser tests: the main pages as a user sees them, in headless Chromium (Playwright).

Each test drives the live server through the real pages and asserts what a user would notice:
the text on the page, the address, the rows of a table. Screenshots of the main pages go to
/tmp/shots/ for a person to look at.
"""

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from shipei.accounts import services as account_services
from shipei.accounts.models import Person, Role, RoleAssignment, User
from shipei.accounts.tests.factories import PersonFactory, make_id_number
from shipei.audit.models import AuditEntry
from shipei.core.identifiers import id_check_digit
from shipei.orgs.models import Organisation, Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Secret123"
SHOTS = Path("/tmp/shots")
AXE = Path(__file__).resolve().parents[1] / "static" / "vendor" / "axe" / "axe.min.js"
WRONG_LOGIN = "身份证号/手机号或密码不正确"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 320, "height": 640}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A browser set up the way the users' are: Chinese, in China's time zone."""
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


# --- helpers -------------------------------------------------------------------------------


def login(page: Page, url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def serious_axe_violations(page: Page, within: str | None = None) -> list[str]:
    """Axe's serious and critical findings on the page, or only in the element `within` selects
    (the part that changed: a long page takes axe many seconds)."""
    page.add_script_tag(path=str(AXE))
    # Only the violations in full: axe then gathers one node of each passing rule, not all.
    result = page.evaluate(
        "s => axe.run(s ? document.querySelector(s) : document, {resultTypes: ['violations']})",
        within,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def has_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


TINY_TEXT_JS = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const el = walker.currentNode.parentElement;
    if (!text || !el.getClientRects().length) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 12) found.push(`${el.tagName.toLowerCase()}.${el.className} "${text}" ${size}px`);
  }
  return found;
}"""


def tiny_text(page: Page) -> list[str]:
    """Visible text set smaller than 12 px (UX.md: nothing under 12 px)."""
    return page.evaluate(TINY_TEXT_JS)


def page_problems(page: Page) -> list[str]:
    """What a user would trip over on the page as shown: serious accessibility faults, text
    under 12 px, and at phone width a page that scrolls sideways."""
    found = serious_axe_violations(page) + tiny_text(page)
    phone = page.viewport_size and page.viewport_size["width"] <= PHONE["width"]
    if phone and has_sideways_scroll(page):
        found.append("scrolls sideways")
    return found


def id_number_ending_in_x() -> str:
    for seq in range(1000):
        first17 = f"33010619850315{seq:03d}"
        if id_check_digit(first17) == "X":
            return first17 + "X"
    raise AssertionError("no ID number with an X check digit")


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() or c == "X" else c for c in text)


def teacher_with_account(org: Organisation, id_number: str | None = None) -> Person:
    extra = {"id_number": id_number} if id_number else {}
    person = PersonFactory(org=org, teacher={"title": "junior"}, **extra)
    user = User.objects.create_user(f"p{person.pk}", PASSWORD, person=person)
    RoleAssignment.objects.create(user=user, role=Role.TRAINEE, org=org)
    return person


# --- 1. login and logout -------------------------------------------------------------------


def test_login_by_mobile_lands_on_the_dashboard_with_the_role(
    live_server: Any, page: Page, zhejiang_admin: Any
) -> None:
    login(page, live_server.url, zhejiang_admin.person._mobile())

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page).to_have_title(re.compile("工作台"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"您好，{zhejiang_admin.person.name}")
    expect(page.locator(".sp-page-head .badge")).to_have_text("省级管理员")
    shot(page, "dashboard-desktop")


def test_login_by_id_number_typed_with_lower_case_x_and_spaces(
    live_server: Any, page: Page, tree: dict[str, Organisation]
) -> None:
    number = id_number_ending_in_x()
    teacher_with_account(tree["hz_school"], number)
    typed = f"{number[:6]} {number[6:14]} {number[14:].lower()}"

    login(page, live_server.url, typed)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".sp-page-head .badge")).to_have_text("参训教师")
    expect(page.get_by_role("heading", name="我的培训")).to_be_visible()


def test_wrong_password_says_so_in_chinese_and_logout_returns_to_login(
    live_server: Any, page: Page, trainee: Any
) -> None:
    page.goto(f"{live_server.url}/login/")
    shot(page, "login-desktop")
    login(page, live_server.url, trainee.person._mobile(), "Wrong1234")

    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.get_by_role("alert")).to_contain_text(WRONG_LOGIN)
    expect(page.locator("#id_username")).to_have_value(trainee.person._mobile())

    login(page, live_server.url, trainee.person._mobile())
    expect(page).to_have_url(f"{live_server.url}/")
    page.get_by_role("button", name="退出").click()

    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.get_by_text("您已安全退出。")).to_be_visible()
    page.goto(f"{live_server.url}/orgs/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/orgs/$"))


# --- 2. first login with a one-time password -------------------------------------------------


def test_one_time_password_forces_a_password_change_before_anything_else(
    live_server: Any, page: Page, school_coordinator: Any, tree: dict[str, Organisation]
) -> None:
    person = PersonFactory(org=tree["hz_school"])
    user, one_time = account_services.account_open(actor=school_coordinator.user, person=person)

    login(page, live_server.url, person._id_number(), one_time)

    expect(page).to_have_url(f"{live_server.url}/password/")
    expect(page.get_by_text("请先修改密码")).to_be_visible()
    expect(page.get_by_text("您正在使用管理员设置的初始密码")).to_be_visible()
    for path in ("/", "/people/", f"/people/{person.pk}/"):
        page.goto(f"{live_server.url}{path}")
        expect(page).to_have_url(f"{live_server.url}/password/")

    page.locator("#id_old_password").fill(one_time)
    page.locator("#id_new_password1").fill("short")
    page.locator("#id_new_password2").fill("short")
    page.get_by_role("button", name="保存新密码").click()
    expect(page.get_by_text("密码至少需要8个字符")).to_be_visible()

    page.locator("#id_old_password").fill(one_time)
    page.locator("#id_new_password1").fill("Lanmei2026")
    page.locator("#id_new_password2").fill("Lanmei2026")
    page.get_by_role("button", name="保存新密码").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("密码已修改。")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"您好，{person.name}")
    user.refresh_from_db()
    assert not user.must_change_password


# --- 3. lockout ------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_until_a_stated_time(
    live_server: Any, page: Page, trainee: Any
) -> None:
    mobile = trainee.person._mobile()
    for _attempt in range(4):
        login(page, live_server.url, mobile, "Wrong1234")
        expect(page.get_by_role("alert")).to_contain_text(WRONG_LOGIN)

    with page.expect_response(lambda r: r.request.method == "POST") as fifth:
        login(page, live_server.url, mobile, "Wrong1234")
    assert fifth.value.status == 429
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("登录失败次数过多，该账号已被锁定至")
    until = re.search(r"锁定至 (\d{2}:\d{2})", alert.inner_text())
    assert until is not None
    locked_until = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
    expected = {f"{locked_until + timedelta(seconds=s):%H:%M}" for s in (-60, 0, 60)}
    assert until.group(1) in expected
    shot(page, "login-locked")

    with page.expect_response(lambda r: r.request.method == "POST") as right:
        login(page, live_server.url, mobile, PASSWORD)
    assert right.value.status == 429
    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.get_by_role("alert")).to_contain_text("该账号已被锁定至")


# --- 4. organisations ------------------------------------------------------------------------


def test_province_admin_filters_and_creates_a_school(
    live_server: Any, page: Page, zhejiang_admin: Any, tree: dict[str, Organisation]
) -> None:
    login(page, live_server.url, zhejiang_admin.person._mobile())
    page.locator("#sp-sidebar").get_by_role("link", name="机构管理").click()
    expect(page).to_have_url(f"{live_server.url}/orgs/")
    rows = page.locator(".sp-table-box tbody tr")
    expect(rows.filter(has_text="杭州职业技术学院")).to_have_count(1)
    expect(page.get_by_text("江苏省教育厅")).to_have_count(0)
    shot(page, "orgs-desktop")

    page.get_by_label("关键词").fill("中策")
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"/orgs/\?q=%E4%B8%AD%E7%AD%96"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("杭州市中策职业学校")
    expect(page.get_by_text("共 1 条")).to_be_visible()

    page.get_by_role("link", name="新建机构").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新建机构")
    hangzhou = Region.objects.get(code="330100")
    page.locator("#id_name").fill("杭州市西湖职业高级中学")
    page.locator("#id_kind").select_option("school")
    page.locator("#id_parent").select_option(str(tree["hz"].pk))
    page.locator("#id_region").select_option(str(hangzhou.pk))
    page.locator("#id_school_kind").select_option(label="中职")
    page.locator("#id_school_code").fill("31330109")
    page.get_by_role("button", name="保存").click()

    code_field = page.locator("#id_school_code")
    expect(code_field).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(code_field).to_have_attribute("aria-invalid", "true")
    # The message sits under the field and is tied to it for screen readers.
    assert "id_school_code_error" in (code_field.get_attribute("aria-describedby") or "")
    expect(page.locator("#id_school_code_error")).to_have_text("学校标识码应为10位数字。")
    expect(page.locator("#id_name")).to_have_value("杭州市西湖职业高级中学")
    expect(page.locator("#id_school_code")).to_have_value("31330109")
    expect(page.locator("#id_parent")).to_have_value(str(tree["hz"].pk))
    assert not Organisation.objects.filter(name="杭州市西湖职业高级中学").exists()
    shot(page, "org-form-error")

    page.locator("#id_school_code").fill("3133010977")
    page.get_by_role("button", name="保存").click()

    school = Organisation.objects.get(name="杭州市西湖职业高级中学")
    expect(page).to_have_url(f"{live_server.url}/orgs/{school.pk}/")
    expect(page.get_by_text("已创建“杭州市西湖职业高级中学”。")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("杭州市西湖职业高级中学")
    facts = page.locator(".sp-dl")
    expect(facts.first).to_contain_text("3133010977")
    expect(facts.first).to_contain_text("中职")
    expect(facts.first).to_contain_text("杭州市教育局")
    assert school.parent == tree["hz"]
    shot(page, "org-detail-desktop")


def test_school_import_shows_every_error_and_saves_nothing(
    live_server: Any, page: Page, zhejiang_admin: Any, tree: dict[str, Organisation], tmp_path: Path
) -> None:
    login(page, live_server.url, zhejiang_admin.person._mobile())
    page.goto(f"{live_server.url}/orgs/")
    page.get_by_role("link", name="导入学校").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("导入学校")

    with page.expect_download() as download:
        page.get_by_role("link", name="学校导入模板.xlsx").click()
    assert download.value.suggested_filename == "学校导入模板.xlsx"
    download.value.save_as(tmp_path / "template.xlsx")
    template = openpyxl.load_workbook(tmp_path / "template.xlsx")
    headers = [str(c.value or "") for c in next(template.worksheets[0].iter_rows(max_row=1))]
    assert any("学校名称" in h for h in headers)
    assert any("学校标识码" in h for h in headers)

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["学校名称", "学校标识码", "办学层次", "所在地区", "主管单位"])
    sheet.append(["杭州市新开职业学校", "3133010988", "中职", "杭州市", "杭州市教育局"])
    sheet.append(["杭州市有误职业学校", "12345", "幼儿园", "杭州", "杭州市教育局"])
    upload = tmp_path / "schools.xlsx"
    book.save(upload)
    orgs_before = Organisation.objects.count()

    page.get_by_label(re.compile("表格文件")).set_input_files(str(upload))
    page.get_by_role("button", name="上传并检查").click()

    expect(
        page.get_by_role("heading", name=re.compile("发现 2 处错误，未导入任何数据"))
    ).to_be_visible()
    problems = page.locator(".sp-table-box tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.filter(has_text="办学层次").locator("td")).to_have_text(
        ["3", "办学层次", re.compile("^“幼儿园”不是可选的办学层次")]
    )
    expect(problems.filter(has_text="学校标识码").locator("td")).to_have_text(
        ["3", "学校标识码", "学校标识码应为10位数字。"]
    )
    expect(page.get_by_role("link", name=re.compile("下载错误明细"))).to_be_visible()
    assert Organisation.objects.count() == orgs_before
    assert not Organisation.objects.filter(name="杭州市新开职业学校").exists()
    shot(page, "org-import-errors")


# --- 5. people -------------------------------------------------------------------------------


def test_coordinator_registers_a_teacher_and_reveals_the_full_id_number(
    live_server: Any, page: Page, school_coordinator: Any, tree: dict[str, Organisation]
) -> None:
    number = make_id_number(area="330106")
    login(page, live_server.url, school_coordinator.person._mobile())
    page.locator("#sp-sidebar").get_by_role("link", name="人员管理").click()
    expect(page).to_have_url(f"{live_server.url}/people/")
    shot(page, "people-desktop")
    page.get_by_role("link", name="登记人员").click()

    page.locator("#id_name").fill("林晓雯")
    page.locator("#id_id_number").fill(full_width(f"{number[:6]} {number[6:]}"))
    page.locator("#id_mobile").fill("13912345678")
    page.locator("#id_org").select_option(str(tree["hz_school"].pk))
    page.get_by_role("button", name="保存").click()

    person = Person.objects.get(name="林晓雯")
    expect(page).to_have_url(f"{live_server.url}/people/{person.pk}/")
    expect(page.get_by_text("已登记“林晓雯”。")).to_be_visible()
    masked = f"{number[:6]}********{number[-4:]}"
    expect(page.locator("#reveal-id")).to_have_text(masked)
    expect(page.locator("#reveal-mobile")).to_have_text("139****5678")
    assert not AuditEntry.objects.filter(action="person.revealed").exists()
    shot(page, "person-detail-desktop")

    page.locator("dd", has=page.locator("#reveal-id")).get_by_role(
        "button", name="查看完整"
    ).click()

    expect(page.locator("#reveal-id")).to_have_text(number)
    entry = AuditEntry.objects.get(action="person.revealed")
    assert entry.actor == school_coordinator.user
    assert entry.target_id == str(person.pk)


# --- 6. scope --------------------------------------------------------------------------------


def test_other_province_gets_the_chinese_not_found_page(
    live_server: Any, page: Page, jiangsu_admin: Any, tree: dict[str, Organisation]
) -> None:
    login(page, live_server.url, jiangsu_admin.person._mobile())

    response = page.goto(f"{live_server.url}/orgs/{tree['hz_school'].pk}/")

    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("未找到该页面或记录")
    expect(page.get_by_text("杭州市中策职业学校")).to_have_count(0)
    expect(page.get_by_role("link", name="返回工作台")).to_be_visible()
    shot(page, "not-found")
    page.goto(f"{live_server.url}/orgs/")
    expect(page.get_by_text("南京市莫愁中等专业学校")).to_be_visible()
    expect(page.get_by_text("杭州市中策职业学校")).to_have_count(0)


# --- 7. activation by SMS --------------------------------------------------------------------


def test_registered_teacher_activates_the_account_with_an_sms_code(
    live_server: Any, page: Page, tree: dict[str, Organisation], sms_outbox: Any
) -> None:
    person = PersonFactory(org=tree["hz_school"], teacher={"title": "junior"})
    mobile = person._mobile()
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="首次登录（短信激活）").click()
    expect(page).to_have_url(f"{live_server.url}/activate/")

    page.get_by_label("身份证号").fill(person._id_number().lower())
    page.get_by_role("button", name="发送验证码").click()

    expect(page.get_by_text("验证码已发送到登记的手机", exact=False)).to_be_visible()
    assert len(sms_outbox) == 1
    sent_to, message = sms_outbox[0]
    assert sent_to == mobile
    code = re.search(r"\d{6}", message)
    assert code is not None
    shot(page, "activate-code-sent")

    page.get_by_label("短信验证码").fill(code.group(0))
    page.locator("#id_new_password1").fill("Jiaoshi2026")
    page.locator("#id_new_password2").fill("Jiaoshi2026")
    page.get_by_role("button", name="激活并登录").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("账号已激活，欢迎使用。")).to_be_visible()
    expect(page.locator(".sp-page-head .badge")).to_have_text("参训教师")
    assert User.objects.get(person=person).check_password("Jiaoshi2026")


# --- 8. phones and accessibility -------------------------------------------------------------


@pytest.mark.parametrize("viewport", [PHONE, SMALL_PHONE], ids=["390px", "320px"])
def test_phone_pages_have_no_sideways_scroll_and_the_menu_opens(
    live_server: Any, page: Page, zhejiang_admin: Any, viewport: dict[str, int]
) -> None:
    teacher = teacher_with_account(zhejiang_admin.org)  # a row in the person list
    page.set_viewport_size(viewport)
    login(page, live_server.url, zhejiang_admin.person._mobile())
    expect(page).to_have_url(f"{live_server.url}/")
    width = viewport["width"]

    for path, name in (
        ("/", "dashboard"),
        ("/orgs/", "orgs"),
        ("/people/", "people"),
        (f"/orgs/{zhejiang_admin.org.pk}/", "org-detail"),
        (f"/people/{teacher.pk}/", "person-detail"),
        ("/orgs/new/", "org-form"),
    ):
        page.goto(f"{live_server.url}{path}")
        shot(page, f"{name}-{width}")
        assert not has_sideways_scroll(page), f"{path} scrolls sideways at {width} px"
        assert tiny_text(page) == [], path
        # Large fonts on (WeChat, browser setting): the root font at 140 %.
        page.add_style_tag(content="html { font-size: 140% !important; }")
        shot(page, f"{name}-{width}-140")
        assert not has_sideways_scroll(page), f"{path} scrolls sideways at {width} px, 140 %"

    page.goto(f"{live_server.url}/")

    menu = page.locator("#sp-sidebar")
    expect(menu.get_by_role("link", name="机构管理")).to_be_hidden()
    page.get_by_role("button", name="打开菜单").click()
    expect(menu.get_by_role("link", name="机构管理")).to_be_visible()
    expect(menu).to_have_class(re.compile(r"\bshow\b"))
    expect(menu).not_to_have_class(re.compile(r"\bshowing\b"))
    shot(page, f"menu-{width}")
    menu.get_by_role("link", name="机构管理").click()
    expect(page).to_have_url(f"{live_server.url}/orgs/")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_main_pages_have_no_serious_accessibility_violations(
    live_server: Any, page: Page, zhejiang_admin: Any, viewport: dict[str, int]
) -> None:
    teacher = teacher_with_account(zhejiang_admin.org)
    page.set_viewport_size(viewport)
    found: dict[str, list[str]] = {}
    for path in ("/login/", "/activate/"):
        page.goto(f"{live_server.url}{path}")
        found[path] = serious_axe_violations(page) + tiny_text(page)
    login(page, live_server.url, zhejiang_admin.person._mobile())
    expect(page).to_have_url(f"{live_server.url}/")
    for path in (
        "/",
        "/orgs/",
        f"/orgs/{zhejiang_admin.org.pk}/",
        "/people/",
        f"/people/{teacher.pk}/",
        "/orgs/regions/",
    ):
        page.goto(f"{live_server.url}{path}")
        found[path] = serious_axe_violations(page) + tiny_text(page)

    assert {path: problems for path, problems in found.items() if problems} == {}


def test_login_page_on_a_phone_fits_and_looks_right(live_server: Any, page: Page) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/login/")
    shot(page, "login-390")
    assert not has_sideways_scroll(page)
    font_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font_size >= 16
    box = page.get_by_role("button", name="登录", exact=True).bounding_box()
    assert box is not None and box["height"] >= 44
