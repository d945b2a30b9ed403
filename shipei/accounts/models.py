import datetime

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shipei.core import identifiers, majors, pii
from shipei.orgs.models import Organisation

ID_CONTEXT = "person.id_number"
MOBILE_CONTEXT = "person.mobile"


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", _("部级管理员")
    EXPERT_REVIEWER = "expert_reviewer", _("评审专家")
    PROVINCIAL_ADMIN = "provincial_admin", _("省级管理员")
    CITY_ADMIN = "city_admin", _("市级管理员")
    SCHOOL_COORDINATOR = "school_coordinator", _("学校联系人")
    BASE_ADMIN = "base_admin", _("培训机构管理员")
    CORE_TEACHER = "core_teacher", _("骨干教师")
    TRAINEE = "trainee", _("参训教师")


class Person(models.Model):
    """Everyone who takes part or logs in. ID number and mobile are stored encrypted only."""

    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(_("拼音"), max_length=200, editable=False, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    id_number_cipher = models.TextField(_("身份证号（密文）"), editable=False)
    id_number_hash = models.CharField(_("身份证号索引"), max_length=64, unique=True, editable=False)
    mobile_cipher = models.TextField(_("手机号（密文）"), blank=True, editable=False)
    mobile_hash = models.CharField(
        _("手机号索引"), max_length=64, null=True, blank=True, editable=False
    )
    email = models.EmailField(_("电子邮箱"), blank=True)
    org = models.ForeignKey(
        Organisation,
        verbose_name=_("工作单位"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name_pinyin", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mobile_hash"],
                condition=Q(mobile_hash__isnull=False),
                name="person_mobile_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:person_detail", args=[self.pk])

    # Full values are for services that audit the view (accounts.services.person_reveal).
    def _id_number(self) -> str:
        return pii.decrypt(self.id_number_cipher, context=ID_CONTEXT)

    def _mobile(self) -> str:
        return pii.decrypt(self.mobile_cipher, context=MOBILE_CONTEXT) if self.mobile_cipher else ""

    def set_id_number(self, number: str) -> None:
        self.id_number_cipher = pii.encrypt(number, context=ID_CONTEXT)
        self.id_number_hash = pii.blind_index(number, context=ID_CONTEXT)

    def set_mobile(self, mobile: str) -> None:
        self.mobile_cipher = pii.encrypt(mobile, context=MOBILE_CONTEXT) if mobile else ""
        self.mobile_hash = pii.blind_index(mobile, context=MOBILE_CONTEXT) if mobile else None

    @property
    def birth_date(self) -> datetime.date | None:
        """From the ID number (GB 11643, characters 7-14); the number itself stays inside. None
        for a person not yet given one."""
        if not self.id_number_cipher:
            return None
        return identifiers.id_birth_date(self._id_number())

    @property
    def id_number_masked(self) -> str:
        return identifiers.mask_id_number(self._id_number())

    @property
    def mobile_masked(self) -> str:
        return identifiers.mask_mobile(self._mobile()) if self.mobile_cipher else ""


class TeacherProfile(models.Model):
    """Where and what a person teaches; the school is the person's organisation."""

    class Title(models.TextChoices):
        SENIOR_FULL = "senior_full", _("正高级")
        SENIOR = "senior", _("副高级")
        INTERMEDIATE = "intermediate", _("中级")
        JUNIOR = "junior", _("初级")
        NONE = "none", _("未定级")

    person = models.OneToOneField(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="teacher_profile"
    )
    title = models.CharField(_("职称"), max_length=20, choices=Title.choices, default=Title.NONE)
    teaching_major = models.CharField(_("任教专业"), max_length=100, blank=True)
    # One of the 职业教育专业目录's 专业类 (core.majors), what major rules match on.
    major_class = models.CharField(_("专业类"), max_length=30, blank=True)
    years_teaching = models.PositiveSmallIntegerField(_("教龄（年）"), null=True, blank=True)
    department_post = models.CharField(_("所在部门(院系)及职务"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("教师信息")
        verbose_name_plural = _("教师信息")

    def __str__(self) -> str:
        return f"{self.person.name}（{self.get_title_display()}）"

    def clean(self) -> None:
        if self.major_class and self.major_class not in majors.class_names():
            raise ValidationError(
                {
                    "major_class": _("“%(v)s”不是职业教育专业目录中的专业类，请从列表中选择。")
                    % {"v": self.major_class}
                }
            )


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra) -> "User":
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. People log in by ID number or mobile; ``username`` is the internal handle."""

    username = models.CharField(_("登录名"), max_length=150, unique=True)
    person = models.OneToOneField(
        Person,
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user",
    )
    is_active = models.BooleanField(_("启用"), default=True)
    is_staff = models.BooleanField(_("可登录管理后台"), default=False)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    is_demo = models.BooleanField(_("演示账号"), default=False)
    date_joined = models.DateTimeField(_("开通时间"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.person.name if self.person_id else self.username


class RoleAssignment(models.Model):
    """A role held at an organisation; its powers reach that organisation's subtree (scope.py)."""

    user = models.ForeignKey(
        User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    org = models.ForeignKey(
        Organisation, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="assignments"
    )
    is_active = models.BooleanField(_("有效"), default=True)
    granted_by = models.ForeignKey(
        User,
        verbose_name=_("授予人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org"], name="assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}·{self.org.name}"


class ActivationCode(models.Model):
    """A one-time code sent to a person's recorded mobile, to open an account at first login."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="activation_codes"
    )
    code_hash = models.CharField(_("验证码摘要"), max_length=128)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("激活验证码")
        verbose_name_plural = _("激活验证码")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.created_at:%Y-%m-%d %H:%M}"
