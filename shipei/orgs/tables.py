import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from shipei.core.tables import card, hide_when_empty

from .models import Organisation


class OrgTable(tables.Table):
    # A school's level and identification code sit with its type and name: in their own columns
    # they were "--" on every row that is not a school.
    name = tables.Column(verbose_name=_("名称"), order_by=("name_pinyin",), attrs=card("title"))
    kind = tables.Column(verbose_name=_("类型"))
    region = tables.Column(
        verbose_name=_("地区"),
        default="--",
        order_by=("region__code",),
        attrs={"td": {"class": "text-nowrap"}},
    )
    parent = tables.Column(verbose_name=_("上级单位"), default="--", orderable=False)
    designations = tables.Column(
        verbose_name=_("基地认定"),
        empty_values=(),
        orderable=False,
        attrs=card(hide_when_empty()),
    )
    is_active = tables.Column(verbose_name=_("状态"), attrs=card("badge"))
    # After an import the list is sorted by this, newest first: the rows just written on top.
    updated_at = tables.DateTimeColumn(
        verbose_name=_("更新时间"), format="Y-m-d H:i", attrs=card("minor")
    )

    class Meta:
        model = Organisation
        fields = ("name", "kind", "region", "parent", "designations", "is_active", "updated_at")
        order_by = ("path",)
        empty_text = _("可调整查询条件，或新建机构。")

    def render_name(self, record: Organisation, value: str) -> str:
        link = format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)
        if not record.school_code:
            return link
        return format_html(
            '{}<div class="small text-muted">{} {}</div>', link, _("学校标识码"), record.school_code
        )

    def render_kind(self, record: Organisation) -> str:
        if record.school_kind:
            return f"{record.get_kind_display()}（{record.get_school_kind_display()}）"
        return record.get_kind_display()

    def render_designations(self, record: Organisation) -> str:
        items = list(record.designations.all())
        if not items:
            return "--"
        return format_html_join(format_html("<br>"), "{}", ((d,) for d in items))

    def render_is_active(self, value: bool) -> str:
        if value:
            return format_html('<span class="badge sp-badge-ok">{}</span>', _("启用"))
        return format_html('<span class="badge sp-badge-off">{}</span>', _("停用"))
