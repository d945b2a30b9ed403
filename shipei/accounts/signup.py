"""Self-registration (enrollment channel 1): a teacher opens their own account.

The mobile is proved with a 6-digit SMS code before anything is written. The code lives in the
browser session (shared by every app server: database or Redis sessions) and its tries are counted
in the cache, so neither a new cookie nor parallel requests buy more guesses. An ID number that is
already registered gets the neutral answer of activation, and only after the code was right, so
the page cannot be used to test ID numbers.
"""

import re
import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shipei.audit.services import record
from shipei.core import identifiers, pii
from shipei.core.errors import DomainError
from shipei.core.forms import chinese_blank_choices
from shipei.core.sms import send_sms
from shipei.core.text import clean_name, is_int
from shipei.core.views_util import apply_errors, client_ip
from shipei.orgs.models import Organisation

from .errors import ActivationCodeInvalid, MobileTaken, PersonDuplicate
from .models import (
    ID_CONTEXT,
    MOBILE_CONTEXT,
    Person,
    Role,
    RoleAssignment,
    TeacherProfile,
    User,
)
from .services import (
    ACTIVATION_MAX_TRIES,
    ACTIVATION_MAX_TRIES_PER_DAY,
    ACTIVATION_PER_DAY,
    ACTIVATION_PER_IP_HOUR,
    ACTIVATION_RESEND,
    ACTIVATION_TTL,
    _clean_person_fields,
    _save_teacher,
    _throttle,
)

SESSION_KEY = "signup_code"
SCHOOL_MATCHES = 20
DAY = 24 * 3600


class SignupAnswered(DomainError):
    """The ID number cannot be signed up; worded so that it does not say whether it is known."""

    code = "signup_not_possible"
    status = 409
    template = gettext_lazy("如果该身份证号已登记，请直接登录或通过短信激活。")


class SignupCodeTooSoon(DomainError):
    code = "signup_code_too_soon"
    status = 429
    template = gettext_lazy("验证码已发送，请在%(seconds)d秒后再重新获取。")


# --- services ------------------------------------------------------------------------------


def school_search(term: str, *, limit: int = SCHOOL_MATCHES) -> list[Organisation]:
    """Active schools whose name, alias or pinyin (spaces optional) contains `term`."""
    term = clean_name(term)
    if not term:
        return []
    letters = identifiers.normalise(term).lower()
    qs = (
        active_schools()
        .annotate(pinyin_joined=Replace("name_pinyin", Value(" "), Value("")))
        .filter(
            Q(name__contains=term)
            | Q(aliases__name__contains=term)
            | Q(name_pinyin__contains=letters)
            | Q(pinyin_joined__contains=letters)
        )
        .select_related("region")
        .distinct()
        .order_by("name_pinyin", "pk")
    )
    return list(qs[:limit])


def active_schools() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.SCHOOL, is_active=True)


@transaction.atomic
def signup_code_send(*, mobile: Any, ip: str | None = None) -> dict[str, Any]:
    """Send a 6-digit code to `mobile`; returns what the session keeps until the code is used.

    Limited per address (as activation) and per mobile: one a minute, five a day.
    """
    if ip:
        _throttle(f"signup:ip:{ip}", ACTIVATION_PER_IP_HOUR, 3600)
    try:
        number = identifiers.mobile_clean(mobile)
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages}) from None
    mobile_hash = pii.blind_index(number, context=MOBILE_CONTEXT)
    gap = int(ACTIVATION_RESEND.total_seconds())
    if not cache.add(f"signup:gap:{mobile_hash}", 1, gap):
        raise SignupCodeTooSoon(seconds=gap)
    _throttle(f"signup:day:{mobile_hash}", ACTIVATION_PER_DAY, DAY)
    code = f"{secrets.randbelow(10**6):06d}"
    transaction.on_commit(
        lambda: send_sms(
            number,
            _("【师培】您正在注册教师账号，验证码为 %(code)s，10分钟内有效，请勿告诉他人。")
            % {"code": code},
        )
    )
    record(None, "account.signup_code_sent", None, ip=ip)
    return {
        "key": secrets.token_urlsafe(16),
        "mobile_hash": mobile_hash,
        "code_hash": make_password(code),
        "expires_at": (timezone.now() + ACTIVATION_TTL).timestamp(),
    }


def _count(key: str, seconds: int) -> int:
    """One more on a counter shared by all app servers; the new value."""
    return 1 if cache.add(key, 1, seconds) else cache.incr(key)


def _code_check(pending: dict[str, Any] | None, *, mobile_hash: str, code: str) -> None:
    """Raise unless `code` is the unused, unexpired code sent to this mobile.

    A try is counted before the comparison, so parallel guesses cannot all get through.
    """
    if (
        not pending
        or pending.get("mobile_hash") != mobile_hash
        or timezone.now().timestamp() >= float(pending.get("expires_at", 0))
    ):
        raise ActivationCodeInvalid()
    ttl = int(ACTIVATION_TTL.total_seconds())
    tries = _count(f"signup:tries:{pending['key']}", ttl)
    tries_today = _count(f"signup:tries-day:{mobile_hash}", DAY)
    if (
        tries > ACTIVATION_MAX_TRIES
        or tries_today > ACTIVATION_MAX_TRIES_PER_DAY
        or not check_password(identifiers.normalise(code or ""), pending.get("code_hash", ""))
        or not cache.add(f"signup:used:{pending['key']}", 1, ttl)  # a code opens one account
    ):
        raise ActivationCodeInvalid()


@transaction.atomic
def account_signup(
    *,
    pending: dict[str, Any] | None,
    code: str,
    name: str,
    id_number: Any,
    mobile: Any,
    school: Organisation,
    title: str,
    teaching_major: str,
    years_teaching: int | None,
    password: str,
    ip: str | None = None,
) -> User:
    """A teacher registers at `school` and gets a trainee account with their own password.

    `pending` is what signup_code_send returned for this mobile. All input is checked before
    the code, so a typing mistake costs no try and a right code is not spent on one;
    registration is looked up only after the code.
    """
    errors: dict[str, list[str]] = {}
    number = cleaned_mobile = ""
    try:
        number = identifiers.id_number_clean(id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    try:
        cleaned_mobile = identifiers.mobile_clean(mobile)
    except ValidationError as exc:
        errors["mobile"] = exc.messages
    if not clean_name(name) or len(clean_name(name)) > 50:
        errors["name"] = [_("请填写姓名（不超过50个字）。")]
    if title not in TeacherProfile.Title.values:
        errors["title"] = [_("请选择职称；没有评定职称的选“未定级”。")]
    if years_teaching is not None and not 0 <= years_teaching <= 60:
        errors["years_teaching"] = [_("教龄应在0到60年之间。")]
    if not active_schools().filter(pk=school.pk).exists():
        errors["school"] = [_("所选学校不存在或已停用，请重新搜索选择。")]
    try:
        validate_password(password, User(username="new"))
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)

    mobile_hash = pii.blind_index(cleaned_mobile, context=MOBILE_CONTEXT)
    _code_check(pending, mobile_hash=mobile_hash, code=code)

    if Person.objects.filter(id_number_hash=pii.blind_index(number, context=ID_CONTEXT)).exists():
        raise SignupAnswered()
    person = Person(org=school, name=name)
    try:  # MobileTaken passes through: the owner of the mobile has just proved it
        _clean_person_fields(person, id_number=number, mobile=cleaned_mobile)
    except PersonDuplicate:
        raise SignupAnswered() from None
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:  # registered meanwhile, by a school or a second tab
        if Person.objects.filter(mobile_hash=mobile_hash).exists():
            raise MobileTaken(masked=identifiers.mask_mobile(cleaned_mobile)) from None
        raise SignupAnswered() from None
    _save_teacher(
        person,
        {"title": title, "teaching_major": teaching_major, "years_teaching": years_teaching},
    )
    user = User(username=f"p{person.pk}", person=person, must_change_password=False)
    user.set_password(password)
    user.save()
    RoleAssignment.objects.create(user=user, role=Role.TRAINEE, org=school)
    record(user, "person.created", person, source="signup")
    record(user, "account.signed_up", person, ip=ip)
    return user


# --- forms ---------------------------------------------------------------------------------


class SignupForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("姓名"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=gettext_lazy("身份证号"),
        max_length=30,
        help_text=gettext_lazy("18位，末位可为X；全角数字和空格会自动转换。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    mobile = forms.CharField(
        label=gettext_lazy("手机号"),
        max_length=20,
        help_text=gettext_lazy("用于接收验证码和登录，须为本人手机。"),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    school_q = forms.CharField(
        label=gettext_lazy("查找学校"),
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "placeholder": "学校名称、简称或拼音"}
        ),
    )
    school = forms.ModelChoiceField(
        label=gettext_lazy("所在学校"),
        queryset=active_schools(),
        error_messages={
            "required": gettext_lazy("请输入学校名称查找，并在结果中选择所在学校。"),
            "invalid_choice": gettext_lazy("所选学校不存在或已停用，请重新搜索选择。"),
        },
    )
    title = forms.ChoiceField(
        label=gettext_lazy("职称"), choices=[("", ""), *TeacherProfile.Title.choices]
    )
    teaching_major = forms.CharField(label=gettext_lazy("任教专业"), max_length=100)
    years_teaching = forms.IntegerField(
        label=gettext_lazy("教龄（年）"),
        min_value=0,
        max_value=60,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    code = forms.CharField(
        label=gettext_lazy("短信验证码"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    password1 = forms.CharField(
        label=gettext_lazy("设置密码"),
        strip=False,
        help_text=password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("再次输入密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    REQUIRED = {
        "name": gettext_lazy("请填写姓名。"),
        "id_number": gettext_lazy("请填写身份证号。"),
        "mobile": gettext_lazy("请填写手机号。"),
        "title": gettext_lazy("请选择职称；没有评定职称的选“未定级”。"),
        "teaching_major": gettext_lazy("请填写任教专业，如“数控技术应用”。"),
        "years_teaching": gettext_lazy("请填写教龄（整年数），不满一年填0。"),
        "password1": gettext_lazy("请设置密码。"),
        "password2": gettext_lazy("请再次输入密码。"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, message in self.REQUIRED.items():
            self.fields[name].error_messages["required"] = message
        chinese_blank_choices(self)

    # Format checks here too, so that every mistake shows at once; the service checks again.
    def clean_id_number(self) -> str:
        return identifiers.id_number_clean(self.cleaned_data["id_number"])

    def clean_mobile(self) -> str:
        return identifiers.mobile_clean(self.cleaned_data["mobile"])

    def clean_password1(self) -> str:
        password = self.cleaned_data["password1"]
        validate_password(password, User(username="new"))
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        if not data.get("code"):
            self.add_error("code", _("请先点击“获取验证码”，再填写短信中的6位验证码。"))
        return data


# --- views ---------------------------------------------------------------------------------


def id_number_feedback(value: Any, *, final: bool = True) -> dict[str, str]:
    """What the page says under the ID number as it is typed: nothing for an empty field; while
    only digits have been typed, how many there are (no error half-way); once 18 characters are
    there, a character cannot belong, or the field is left (`final`), what the form's own check
    (identifiers.id_number_clean) says. Never whether the number is registered."""
    number = identifiers.normalise(value or "")
    if not number:
        return {}
    if not final and re.fullmatch(r"\d{1,17}", number):
        return {"id_hint": _("已输入 %(n)d 位，共 18 位。") % {"n": len(number)}}
    try:
        identifiers.id_number_clean(value)
    except ValidationError as exc:
        return {"id_error": exc.messages[0]}
    return {"id_ok": _("身份证号格式正确。")}


def _send_code(request: HttpRequest, mobile: Any, id_number: Any) -> dict[str, str]:
    """Send a code and keep it in the session; the status line shown under the button. No code
    goes out before the ID number is right: a typing mistake there costs no SMS."""
    checked = id_number_feedback(id_number)
    if "id_ok" not in checked:
        return {
            "id_error": checked.get("id_error") or _("请填写身份证号。"),
            "code_error": _("请先填写正确的身份证号，再获取验证码。"),
        }
    try:
        pending = signup_code_send(mobile=mobile, ip=client_ip(request))
    except ValidationError as exc:
        return {"code_error": "；".join(exc.message_dict.get("mobile", exc.messages))}
    except DomainError as exc:
        return {"code_error": exc.message}
    request.session[SESSION_KEY] = pending
    masked = identifiers.mask_mobile(identifiers.mobile_clean(mobile))
    return {"code_status": _("验证码已发送至 %(mobile)s，10分钟内有效。") % {"mobile": masked}}


def _chosen_school(value: Any) -> Organisation | None:
    if not value or not is_int(str(value)):
        return None
    return active_schools().select_related("region").filter(pk=value).first()


def _school_choices(term: str, chosen: Organisation | None) -> dict[str, Any]:
    """The radios under the search box: the chosen school first, then up to 20 matches."""
    results = school_search(term, limit=SCHOOL_MATCHES + 1)
    more = len(results) > SCHOOL_MATCHES
    results = [s for s in results[:SCHOOL_MATCHES] if s != chosen]
    return {
        "schools": ([chosen] if chosen else []) + results,
        "chosen": chosen,
        "term": clean_name(term),
        "more": more,
    }


def _page(
    request: HttpRequest, form: SignupForm, values: Any = None, **context: Any
) -> HttpResponse:
    values = values if values is not None else {}
    schools = _school_choices(values.get("school_q", ""), _chosen_school(values.get("school")))
    return render(request, "accounts/signup.html", {"form": form, **schools, **context})


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """教师注册. Without scripts, 查找 and 获取验证码 post the whole form (step=search / send)."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    if request.method == "GET":
        return _page(request, SignupForm())
    step = request.POST.get("step")
    if step in ("search", "send"):  # keep what was typed, but no errors for unfinished fields
        kept = SignupForm(initial={k: v for k, v in request.POST.items() if "password" not in k})
        status = (
            _send_code(request, request.POST.get("mobile", ""), request.POST.get("id_number"))
            if step == "send"
            else {}
        )
        return _page(request, kept, request.POST, **status)
    form = SignupForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            user = account_signup(
                pending=request.session.get(SESSION_KEY),
                code=data["code"],
                name=data["name"],
                id_number=data["id_number"],
                mobile=data["mobile"],
                school=data["school"],
                title=data["title"],
                teaching_major=data["teaching_major"],
                years_teaching=data["years_teaching"],
                password=data["password1"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            errors = exc.message_dict
            if "password" in errors:
                form.add_error("password1", errors.pop("password"))
            apply_errors(form, ValidationError(errors))
        except ActivationCodeInvalid as exc:
            form.add_error("code", exc.message)
        except MobileTaken as exc:
            form.add_error("mobile", exc.message)
        except SignupAnswered as exc:
            request.session.pop(SESSION_KEY, None)
            return render(request, "accounts/signup_answered.html", {"message": exc.message})
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            request.session.pop(SESSION_KEY, None)
            login(request, user, backend="shipei.accounts.backends.PersonBackend")
            messages.success(request, _("注册成功，已为您登录。"))
            return redirect("dashboard")
    return _page(request, form, request.POST)


@require_GET
def signup_schools(request: HttpRequest) -> HttpResponse:
    """htmx: at most 20 active schools matching the typed name, alias or pinyin, as radios."""
    chosen = _chosen_school(request.GET.get("school"))
    context = _school_choices(request.GET.get("school_q", ""), chosen)
    return render(request, "accounts/signup_schools.html", context)


@sensitive_post_parameters()
@require_POST
def signup_code(request: HttpRequest) -> HttpResponse:
    """htmx: send the code without reloading the page (typed passwords stay); a wrong ID number
    is said beside its field too."""
    status = _send_code(request, request.POST.get("mobile"), request.POST.get("id_number"))
    return render(request, "accounts/signup_code_answer.html", status)


@sensitive_post_parameters()
@require_POST
def signup_id_check(request: HttpRequest) -> HttpResponse:
    """htmx: the ID number checked as it is typed (length, birth date, check digit), with the
    form's own rules; posted, so that the number stays out of access logs."""
    final = request.POST.get("final") == "1"
    feedback = id_number_feedback(request.POST.get("id_number"), final=final)
    return render(request, "accounts/signup_id_status.html", feedback)
