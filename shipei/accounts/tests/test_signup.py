"""Self-registration (channel 1): a teacher opens their own account after an SMS code."""

import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from shipei.accounts import services, signup
from shipei.accounts.errors import ActivationCodeInvalid, ActivationThrottled, MobileTaken
from shipei.accounts.models import Person, Role, RoleAssignment, TeacherProfile, User
from shipei.accounts.tests.factories import PersonFactory, make_id_number
from shipei.audit.models import AuditEntry
from shipei.orgs.models import Organisation, OrganisationAlias
from shipei.orgs.tests.factories import SchoolFactory

PASSWORD = "Jiaoshi2026"
NEUTRAL = "如果该身份证号已登记，请直接登录或通过短信激活"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Code tries and send limits live in the cache; each test starts with none used."""
    cache.clear()
    yield
    cache.clear()


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() or c == "X" else c for c in text)


def last_code(outbox: list[tuple[str, str]]) -> str:
    return re.search(r"\d{6}", outbox[-1][1]).group()


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def form_data(at: Organisation, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": "王老师",
        "id_number": make_id_number(),
        "mobile": "13812340001",
        "school": at.pk,
        "title": "intermediate",
        "teaching_major": "数控技术应用",
        "years_teaching": "6",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "code": "",
        "step": "signup",
    }
    data.update(overrides)
    return data


def send_code(client: Client, mobile: str, capture: Any) -> Any:
    data = {"mobile": mobile, "id_number": make_id_number()}
    with capture(execute=True):
        return client.post("/signup/code/", data, HTTP_HX_REQUEST="true")


def sign_up_args(school: Organisation, pending: Any, code: str, **overrides: Any) -> dict:
    args = {
        "pending": pending,
        "code": code,
        "name": "王老师",
        "id_number": make_id_number(),
        "mobile": "13812340001",
        "school": school,
        "title": TeacherProfile.Title.INTERMEDIATE,
        "teaching_major": "数控技术应用",
        "years_teaching": 6,
        "password": PASSWORD,
    }
    args.update(overrides)
    return args


def counts() -> tuple[int, int, int]:
    return Person.objects.count(), User.objects.count(), RoleAssignment.objects.count()


# --- the service ---------------------------------------------------------------------------


def test_sign_up_creates_a_teacher_an_account_and_a_trainee_role_at_the_school(
    tree, sms_outbox, django_capture_on_commit_callbacks
):
    number = make_id_number()
    with django_capture_on_commit_callbacks(execute=True):
        pending = signup.signup_code_send(mobile="138 1234 0001", ip="10.0.0.1")
    assert sms_outbox[-1][0] == "13812340001"

    user = signup.account_signup(
        **sign_up_args(tree["hz_school"], pending, last_code(sms_outbox), id_number=number)
    )

    person = user.person
    assert person.org == tree["hz_school"] and person._id_number() == number
    assert person._mobile() == "13812340001" and person.name == "王老师"
    assert person.teacher_profile.title == TeacherProfile.Title.INTERMEDIATE
    assert person.teacher_profile.teaching_major == "数控技术应用"
    assert person.teacher_profile.years_teaching == 6
    assert user.username == f"p{person.pk}" and not user.must_change_password
    assert user.check_password(PASSWORD)
    assert RoleAssignment.objects.filter(
        user=user, role=Role.TRAINEE, org=tree["hz_school"], is_active=True
    ).exists()
    entry = AuditEntry.objects.get(action="account.signed_up")
    assert entry.actor == user and entry.org == tree["hz_school"]
    assert number not in str(entry.data) and "13812340001" not in str(entry.data)


def test_id_number_with_full_width_digits_lower_case_x_and_spaces_is_normalised(
    tree, sms_outbox, django_capture_on_commit_callbacks
):
    number = next(
        n for n in (make_id_number() for _ in range(200)) if n.endswith("X")
    )  # about one in eleven ends in X
    typed = full_width(f"{number[:6]} {number[6:14]} {number[14:]}").replace("Ｘ", "x")
    with django_capture_on_commit_callbacks(execute=True):
        pending = signup.signup_code_send(mobile=full_width("13812340001"))
    user = signup.account_signup(
        **sign_up_args(
            tree["hz_school"],
            pending,
            full_width(last_code(sms_outbox)),
            id_number=typed,
            mobile=full_width("13812340001"),
        )
    )
    assert user.person._id_number() == number and user.person._mobile() == "13812340001"


@pytest.mark.parametrize("with_account", [True, False], ids=["with-account", "registered-only"])
def test_a_registered_id_number_gets_the_neutral_answer_and_nothing_is_created(
    tree, sms_outbox, django_capture_on_commit_callbacks, with_account
):
    number = make_id_number()
    person = PersonFactory(org=tree["nj_school"], id_number=number)
    if with_account:
        User.objects.create_user(f"p{person.pk}", "Secret123", person=person)
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        pending = signup.signup_code_send(mobile="13812340001")

    with pytest.raises(signup.SignupAnswered) as caught:
        signup.account_signup(
            **sign_up_args(
                tree["hz_school"], pending, last_code(sms_outbox), id_number=number.lower()
            )
        )

    assert NEUTRAL in caught.value.message and number not in caught.value.message
    assert counts() == before
    assert Person.objects.get(pk=person.pk).org == tree["nj_school"]


def test_a_registered_id_number_is_only_answered_after_a_right_code(
    tree, sms_outbox, django_capture_on_commit_callbacks
):
    number = make_id_number()
    PersonFactory(org=tree["hz_school"], id_number=number)
    with django_capture_on_commit_callbacks(execute=True):
        pending = signup.signup_code_send(mobile="13812340001")
    code = last_code(sms_outbox)
    with pytest.raises(ActivationCodeInvalid):
        signup.account_signup(
            **sign_up_args(tree["hz_school"], pending, wrong(code), id_number=number)
        )
    with pytest.raises(ActivationCodeInvalid):
        signup.account_signup(**sign_up_args(tree["hz_school"], None, code, id_number=number))


def test_a_mobile_of_another_person_is_refused_like_person_create_refuses_it(
    tree, sms_outbox, django_capture_on_commit_callbacks
):
    PersonFactory(org=tree["nj_school"], mobile="13812340001")
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        pending = signup.signup_code_send(mobile="13812340001")
    with pytest.raises(MobileTaken, match=r"手机号 138\*\*\*\*0001 已被另一人登记"):
        signup.account_signup(**sign_up_args(tree["hz_school"], pending, last_code(sms_outbox)))
    assert counts() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "330106198503150010", "校验位不正确"),
        ("id_number", "33010619850315", "身份证号应为18位"),
        ("mobile", "12812340001", "手机号应为以13-19开头的11位数字"),
        ("password", "abcdefgh", "密码须同时包含字母和数字"),
        ("password", "a1", "密码至少需要8个字符"),
        ("name", "  ", "请填写姓名"),
        ("title", "professor", "请选择职称"),
        ("years_teaching", 70, "教龄应在0到60年之间"),
    ],
)
def test_bad_input_is_refused_per_field_without_using_a_try(
    tree, sms_outbox, django_capture_on_commit_callbacks, field, value, message
):
    from django.core.exceptions import ValidationError

    with django_capture_on_commit_callbacks(execute=True):
        pending = signup.signup_code_send(mobile="13812340001")
    code = last_code(sms_outbox)
    before = counts()
    for _ in range(services.ACTIVATION_MAX_TRIES + 1):
        with pytest.raises(ValidationError) as caught:
            signup.account_signup(
                **sign_up_args(tree["hz_school"], pending, code, **{field: value})
            )
        assert any(message in m for m in caught.value.message_dict[field])
    assert counts() == before
    assert signup.account_signup(**sign_up_args(tree["hz_school"], pending, code)).pk


def test_an_organisation_that_is_not_an_active_school_is_refused(
    tree, sms_outbox, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    closed = SchoolFactory(parent=tree["hz"], name="已撤并职业学校")
    Organisation.objects.filter(pk=closed.pk).update(is_active=False)
    closed.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        pending = signup.signup_code_send(mobile="13812340001")
    for org in (closed, tree["hz"]):
        with pytest.raises(ValidationError, match="所选学校不存在或已停用"):
            signup.account_signup(**sign_up_args(org, pending, last_code(sms_outbox)))
    assert not Person.objects.filter(name="王老师").exists()


def test_five_wrong_codes_lock_the_code(tree, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pending = signup.signup_code_send(mobile="13812340001")
    code = last_code(sms_outbox)
    for _ in range(services.ACTIVATION_MAX_TRIES):
        with pytest.raises(ActivationCodeInvalid, match="验证码不正确或已过期"):
            signup.account_signup(**sign_up_args(tree["hz_school"], pending, wrong(code)))
    with pytest.raises(ActivationCodeInvalid):
        signup.account_signup(**sign_up_args(tree["hz_school"], pending, code))
    assert not Person.objects.filter(name="王老师").exists()


def test_ten_wrong_codes_a_day_lock_sign_up_for_that_mobile(
    tree, sms_outbox, django_capture_on_commit_callbacks
):
    for _ in range(2):
        cache.delete(_gap_key("13812340001"))
        with django_capture_on_commit_callbacks(execute=True):
            pending = signup.signup_code_send(mobile="13812340001")
        code = last_code(sms_outbox)
        for _ in range(services.ACTIVATION_MAX_TRIES):
            with pytest.raises(ActivationCodeInvalid):
                signup.account_signup(**sign_up_args(tree["hz_school"], pending, wrong(code)))
    cache.delete(_gap_key("13812340001"))
    with django_capture_on_commit_callbacks(execute=True):
        pending = signup.signup_code_send(mobile="13812340001")
    with pytest.raises(ActivationCodeInvalid):
        signup.account_signup(**sign_up_args(tree["hz_school"], pending, last_code(sms_outbox)))


def _gap_key(mobile: str) -> str:
    from shipei.accounts.models import MOBILE_CONTEXT
    from shipei.core import pii

    return f"signup:gap:{pii.blind_index(mobile, context=MOBILE_CONTEXT)}"


def test_a_code_expires_after_ten_minutes(tree, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pending = signup.signup_code_send(mobile="13812340001")
    lifetime = pending["expires_at"] - timezone.now().timestamp()
    assert 9 * 60 < lifetime <= 10 * 60
    pending["expires_at"] = (timezone.now() - timedelta(seconds=1)).timestamp()
    with pytest.raises(ActivationCodeInvalid):
        signup.account_signup(**sign_up_args(tree["hz_school"], pending, last_code(sms_outbox)))


def test_a_code_proves_only_the_mobile_it_was_sent_to_and_opens_one_account(
    tree, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pending = signup.signup_code_send(mobile="13812340001")
    code = last_code(sms_outbox)
    with pytest.raises(ActivationCodeInvalid):
        signup.account_signup(
            **sign_up_args(tree["hz_school"], pending, code, mobile="13812340002")
        )
    signup.account_signup(**sign_up_args(tree["hz_school"], pending, code))
    with pytest.raises(ActivationCodeInvalid):
        signup.account_signup(
            **sign_up_args(tree["hz_school"], pending, code, mobile="13812340001")
        )
    assert Person.objects.filter(name="王老师").count() == 1


def test_codes_are_sent_once_a_minute_and_five_times_a_day_per_mobile(
    db, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup.signup_code_send(mobile="13812340001")
        with pytest.raises(signup.SignupCodeTooSoon, match="60秒后"):
            signup.signup_code_send(mobile="13812340001")
        for _ in range(services.ACTIVATION_PER_DAY - 1):
            cache.delete(_gap_key("13812340001"))
            signup.signup_code_send(mobile="13812340001")
        cache.delete(_gap_key("13812340001"))
        with pytest.raises(ActivationThrottled):
            signup.signup_code_send(mobile="13812340001")
        signup.signup_code_send(mobile="13812340002")  # another mobile is not held up
    assert len(sms_outbox) == services.ACTIVATION_PER_DAY + 1


def test_one_address_may_ask_for_codes_only_so_often(db, sms_outbox):
    for n in range(services.ACTIVATION_PER_IP_HOUR):
        signup.signup_code_send(mobile=f"1381234{n:04d}", ip="10.1.2.3")
    with pytest.raises(ActivationThrottled, match="请稍后再试"):
        signup.signup_code_send(mobile="13999990000", ip="10.1.2.3")
    signup.signup_code_send(mobile="13999990000", ip="10.1.2.4")


# --- school search -------------------------------------------------------------------------


def test_school_search_finds_active_schools_by_name_pinyin_and_alias(tree):
    OrganisationAlias.objects.create(organisation=tree["hz_base"], name="杭职院")
    closed = SchoolFactory(parent=tree["hz"], name="杭州市已撤并职业学校")
    Organisation.objects.filter(pk=closed.pk).update(is_active=False)

    assert signup.school_search("中策") == [tree["hz_school"]]
    assert signup.school_search("zhongce") == [tree["hz_school"]]
    assert signup.school_search("ZHONG CE") == [tree["hz_school"]]
    assert signup.school_search("杭职院") == [tree["hz_base"]]
    assert set(signup.school_search("杭州")) == {tree["hz_school"], tree["hz_base"]}
    assert signup.school_search("教育局") == []  # not schools
    assert signup.school_search("  ") == []


def test_school_endpoint_returns_at_most_twenty_matches_and_keeps_the_chosen_one(client, tree):
    for _ in range(25):
        SchoolFactory(parent=tree["hz"])
    response = client.get(
        "/signup/schools/",
        {"school_q": "测试职业", "school": tree["nj_school"].pk},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('type="radio"') == 21  # 20 matches and the school chosen before
    assert re.search(rf'value="{tree["nj_school"].pk}"\s+checked', html)
    assert "只显示前 20 所" in html
    empty = client.get("/signup/schools/", {"school_q": "不存在的学校"}).content.decode()
    assert "没有找到" in empty and 'type="radio"' not in empty


# --- the pages -----------------------------------------------------------------------------


def test_a_teacher_signs_up_through_the_pages_and_is_logged_in(
    client, tree, sms_outbox, django_capture_on_commit_callbacks
):
    page = client.get("/signup/").content.decode()
    for label in ("姓名", "身份证号", "手机号", "所在学校", "职称", "任教专业", "教龄", "设置密码"):
        assert label in page
    status = send_code(client, "138 1234 0001", django_capture_on_commit_callbacks)
    assert "验证码已发送至 138****0001" in status.content.decode()

    data = form_data(tree["hz_school"], code=last_code(sms_outbox), mobile="13812340001")
    response = client.post("/signup/", data, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert "注册成功" in response.content.decode()
    assert "参训教师" in response.content.decode()
    user = User.objects.get(person__name="王老师")
    assert response.context["user"] == user
    client.logout()
    assert client.post("/login/", {"username": "13812340001", "password": PASSWORD}).url == "/"


def test_the_page_works_without_scripts(
    client, tree, sms_outbox, django_capture_on_commit_callbacks
):
    searched = client.post(
        "/signup/", {**form_data(tree["hz_school"]), "step": "search", "school_q": "莫愁"}
    )
    html = searched.content.decode()
    assert "南京市莫愁中等专业学校" in html
    assert not re.search(r'class="[^"]*\bis-invalid\b', html)  # no field marked wrong yet
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/signup/", {**form_data(tree["nj_school"]), "step": "send"})
    assert "验证码已发送至 138****0001" in sent.content.decode()
    assert 'value="王老师"' in sent.content.decode()
    response = client.post("/signup/", form_data(tree["nj_school"], code=last_code(sms_outbox)))
    assert response.status_code == 302 and response.url == "/"


def test_bad_input_shows_chinese_messages_beside_the_fields_and_keeps_what_was_typed(
    client, tree, sms_outbox, django_capture_on_commit_callbacks
):
    send_code(client, "13812340001", django_capture_on_commit_callbacks)
    before = counts()
    response = client.post(
        "/signup/",
        form_data(
            tree["hz_school"],
            id_number="330106198503150010",
            school="999999",
            password1="abcdefgh",
            password2="abcdefgh",
            code=last_code(sms_outbox),
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    form = response.context["form"]
    assert "所选学校不存在或已停用" in form.errors["school"][0]
    assert 'id="error_school"' in html
    response = client.post(
        "/signup/",
        form_data(
            tree["hz_school"],
            id_number="330106198503150010",
            password1="abcdefgh",
            password2="abcdefgh",
            code=last_code(sms_outbox),
        ),
    )
    form = response.context["form"]
    assert "校验位不正确" in form.errors["id_number"][0]
    assert "密码须同时包含字母和数字" in " ".join(form.errors["password1"])
    assert 'value="330106198503150010"' in response.content.decode()
    assert counts() == before
    mismatch = client.post(
        "/signup/",
        form_data(tree["hz_school"], password2="Other2026", teaching_major="", code="123456"),
    )
    assert "两次输入的密码不一致" in mismatch.context["form"].errors["password2"][0]
    assert "请填写任教专业" in mismatch.context["form"].errors["teaching_major"][0]
    no_code = client.post("/signup/", form_data(tree["hz_school"]))
    assert "获取验证码" in no_code.context["form"].errors["code"][0]
    assert counts() == before


def test_the_page_gives_the_neutral_answer_for_a_registered_id_number(
    client, tree, sms_outbox, django_capture_on_commit_callbacks
):
    number = make_id_number()
    PersonFactory(org=tree["hz_school"], id_number=number)
    before = counts()
    send_code(client, "13812340001", django_capture_on_commit_callbacks)
    response = client.post(
        "/signup/",
        form_data(tree["hz_school"], id_number=number.lower(), code=last_code(sms_outbox)),
    )
    html = response.content.decode()
    assert response.status_code == 200 and NEUTRAL in html
    assert number not in html and number[:6] + "********" not in html
    assert 'href="/login/"' in html and 'href="/activate/"' in html
    assert counts() == before
    assert not response.wsgi_request.user.is_authenticated


def test_the_page_refuses_a_mobile_of_another_person_beside_the_mobile_field(
    client, tree, sms_outbox, django_capture_on_commit_callbacks
):
    PersonFactory(org=tree["nj_school"], mobile="13812340001")
    send_code(client, "13812340001", django_capture_on_commit_callbacks)
    response = client.post("/signup/", form_data(tree["hz_school"], code=last_code(sms_outbox)))
    assert "已被另一人登记" in response.context["form"].errors["mobile"][0]
    assert not Person.objects.filter(name="王老师").exists()


def test_a_wrong_code_is_said_beside_the_code_field(
    client, tree, sms_outbox, django_capture_on_commit_callbacks
):
    send_code(client, "13812340001", django_capture_on_commit_callbacks)
    code = last_code(sms_outbox)
    response = client.post("/signup/", form_data(tree["hz_school"], code=wrong(code)))
    assert "验证码不正确或已过期" in response.context["form"].errors["code"][0]
    other = Client()
    stolen = other.post("/signup/", form_data(tree["hz_school"], code=code))
    assert "验证码不正确或已过期" in stolen.context["form"].errors["code"][0]  # not its session
    assert not Person.objects.filter(name="王老师").exists()


def test_the_code_endpoint_says_what_is_wrong_with_the_mobile(client, db, sms_outbox):
    data = {"mobile": "1234", "id_number": make_id_number()}
    response = client.post("/signup/code/", data, HTTP_HX_REQUEST="true")
    assert "手机号应为以13-19开头的11位数字" in response.content.decode()
    assert sms_outbox == []


def test_logged_in_users_are_sent_to_the_dashboard(client, trainee):
    client.force_login(trainee.user)
    assert client.get("/signup/").url == "/"


# --- PostgreSQL: two sign-ups at once --------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_with_one_id_number_at_once_make_one_account(tree, sms_outbox):
    assert connection.vendor == "postgresql"
    number = make_id_number()
    pendings = []
    for mobile in ("13812340001", "13812340002"):
        pendings.append((mobile, signup.signup_code_send(mobile=mobile), last_code(sms_outbox)))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(mobile: str, pending: dict, code: str) -> None:
        barrier.wait()
        try:
            signup.account_signup(
                **sign_up_args(tree["hz_school"], pending, code, id_number=number, mobile=mobile)
            )
            outcomes.append("created")
        except signup.SignupAnswered:
            outcomes.append("answered")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=p) for p in pendings]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["answered", "created"]
    assert User.objects.filter(person__isnull=False, person__name="王老师").count() == 1


# --- the ID number, checked as it is typed -------------------------------------------------


def check_id(client: Client, value: str, *, final: bool = False) -> str:
    data = {"id_number": value, "final": "1" if final else "0"}
    response = client.post("/signup/id-number/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_while_digits_are_typed_the_page_counts_them_without_an_error(client, db):
    assert "已输入 6 位，共 18 位。" in check_id(client, "330106")
    assert "已输入 6 位" in check_id(client, "３３０ １０６")  # full-width and spaces
    assert check_id(client, "").strip() == ""


def test_a_wrong_check_digit_is_said_as_soon_as_the_eighteenth_character_is_typed(client, db):
    number = make_id_number()
    wrong_last = "0" if number[-1] != "0" else "1"

    html = check_id(client, number[:17] + wrong_last)

    assert "身份证号校验位不正确" in html and 'data-id-state="error"' in html


def test_a_right_number_is_confirmed_in_any_spelling(client, db):
    number = make_id_number()
    spelled = f"{number[:6]} {full_width(number[6:14])} {number[14:].lower()}"

    html = check_id(client, spelled)

    assert "身份证号格式正确" in html and 'data-id-state="ok"' in html


def test_a_short_number_is_refused_when_the_field_is_left(client, db):
    html = check_id(client, "33010619850315", final=True)

    assert "身份证号应为18位" in html and "现为14位" in html


def test_a_character_that_cannot_belong_is_refused_at_once(client, db):
    assert "身份证号应为18位：前17位是数字" in check_id(client, "3301A6")
    assert "出生日期 19851332 不存在" in check_id(client, "330106198513320011")


def test_the_id_check_takes_posts_only(client, db):
    assert client.get("/signup/id-number/", {"id_number": "330106"}).status_code == 405


def test_no_code_is_sent_before_the_id_number_is_right(
    client, db, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/signup/code/",
            {"mobile": "13812340001", "id_number": "330106198503150010"},
            HTTP_HX_REQUEST="true",
        )

    html = response.content.decode()
    assert "请先填写正确的身份证号，再获取验证码" in html
    # Said beside the ID field too (out of band), where the teacher corrects it.
    assert 'id="id-number-status" hx-swap-oob="true"' in html and "校验位不正确" in html
    assert sms_outbox == []
    assert "signup_code" not in client.session


def test_without_scripts_a_wrong_id_number_stops_the_code_and_is_marked_on_its_field(
    client, tree, sms_outbox, django_capture_on_commit_callbacks
):
    data = {**form_data(tree["hz_school"]), "id_number": "33010619850315", "step": "send"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/signup/", data)

    html = response.content.decode()
    assert "身份证号应为18位" in html and "请先填写正确的身份证号" in html
    assert re.search(r'<input[^>]*id="id_id_number"[^>]*aria-invalid="true"', html, re.S)
    assert 'value="王老师"' in html  # what was typed stays
    assert sms_outbox == []
