import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from shipei.core.tables import card, hide_when_empty

from .models import Person


class PersonTable(tables.Table):
    name = tables.Column(
        verbose_name=_("姓名"),
        linkify=True,
        order_by=("name_pinyin",),
        attrs=card("title", nowrap=True),
    )
    gender = tables.Column(verbose_name=_("性别"))
    id_number = tables.Column(
        verbose_name=_("身份证号"),
        accessor="id_number_masked",
        orderable=False,
        attrs=card("minor"),
    )
    mobile = tables.Column(
        verbose_name=_("手机号"),
        accessor="mobile_masked",
        orderable=False,
        default="--",
        attrs=card(hide_when_empty("minor")),
    )
    org = tables.Column(verbose_name=_("工作单位"), order_by=("org__name_pinyin",))
    # One column for what only teachers have (officials' rows would show "--" twice).
    teaching = tables.Column(
        verbose_name=_("任教专业 · 专业类 · 职称"),
        empty_values=(),
        orderable=False,
        default="--",
        attrs=card(hide_when_empty()),
    )
    account = tables.Column(
        verbose_name=_("账号"), empty_values=(), orderable=False, attrs=card("badge")
    )
    # After an import the list is sorted by this, newest first: the rows just written on top.
    updated_at = tables.DateTimeColumn(
        verbose_name=_("更新时间"), format="Y-m-d H:i", attrs=card("minor")
    )

    class Meta:
        model = Person
        fields = (
            "name",
            "gender",
            "id_number",
            "mobile",
            "org",
            "teaching",
            "account",
            "updated_at",
        )
        order_by = ("name",)
        empty_text = _("可调整查询条件，或登记人员。")

    def render_teaching(self, record: Person) -> str:
        profile = getattr(record, "teacher_profile", None)
        if profile is None:
            return "--"
        parts = [profile.teaching_major, profile.major_class, profile.get_title_display()]
        return " · ".join(p for p in parts if p) or "--"

    def render_account(self, record: Person) -> str:
        if hasattr(record, "user"):
            return format_html('<span class="badge sp-badge-ok">{}</span>', _("已开通"))
        return format_html('<span class="badge sp-badge-off">{}</span>', _("未开通"))
