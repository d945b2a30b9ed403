import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from shipei.core.tables import card

from .models import CoreTeacher


def qualifications_text(record: CoreTeacher) -> str:
    """ "机械类、电工电子类 · 二级、三级": the categories, then the levels."""
    quals = list(record.qualifications.all())
    categories = list(dict.fromkeys(q.category for q in quals))
    levels = list(dict.fromkeys(q.level for q in quals if q.level))
    return " · ".join(p for p in ("、".join(categories), "、".join(levels)) if p) or "--"


class PoolTable(tables.Table):
    name = tables.Column(
        verbose_name=_("姓名"),
        accessor="person__name",
        linkify=True,
        order_by=("person__name_pinyin",),
        attrs=card("title", nowrap=True),
    )
    home = tables.Column(verbose_name=_("所在单位"), order_by=("home__name_pinyin",))
    qualifications = tables.Column(verbose_name=_("专业·级别"), empty_values=(), orderable=False)
    roles = tables.Column(verbose_name=_("承担任务"), empty_values=(), orderable=False)
    year_load = tables.Column(
        verbose_name=_("本年任务"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    is_active = tables.Column(verbose_name=_("状态"), attrs=card("badge"))

    class Meta:
        model = CoreTeacher
        fields = ("name", "home", "qualifications", "roles", "year_load", "is_active")
        order_by = ("name",)
        empty_text = _("可调整查询条件，或添加、导入骨干教师。")

    def render_qualifications(self, record: CoreTeacher) -> str:
        return qualifications_text(record)

    def render_roles(self, record: CoreTeacher) -> str:
        return "、".join(str(label) for label in _role_words(record)) or "--"

    def render_is_active(self, value: bool) -> str:
        if value:
            return format_html('<span class="badge sp-badge-ok">{}</span>', _("在库"))
        return format_html('<span class="badge sp-badge-off">{}</span>', _("停用"))


def _role_words(record: CoreTeacher) -> list[str]:
    return [
        str(w) for w, held in ((_("授课"), record.teaches), (_("考核"), record.assesses)) if held
    ]
