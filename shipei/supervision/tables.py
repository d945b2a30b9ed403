import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from shipei.core.tables import card
from shipei.core.templatetags.shipei import status_badge

from .models import Inspection


class InspectionTable(tables.Table):
    name = tables.Column(
        verbose_name=_("班次或项目"),
        accessor="pk",
        linkify=lambda record: record.get_absolute_url(),
        attrs=card("title"),
    )
    check = tables.Column(
        verbose_name=_("抽检"), accessor="spot_check__title", order_by=("spot_check__drawn_at",)
    )
    base = tables.Column(verbose_name=_("承训单位"), order_by=("base__name_pinyin",))
    region = tables.Column(
        verbose_name=_("所在地区"), accessor="base__region", order_by=("base__region__code",)
    )
    inspector = tables.Column(verbose_name=_("检查人"), accessor="inspector__display_name")
    rating = tables.Column(verbose_name=_("评价等级"), accessor="get_rating_display")
    status = tables.Column(verbose_name=_("状态"), attrs=card("badge"))

    class Meta:
        model = Inspection
        fields = ("name", "check", "base", "region", "inspector", "rating", "status")
        empty_text = _("暂无数据。管理员可新建抽检。")

    def render_name(self, record: Inspection) -> str:
        return str(record)

    def render_status(self, record: Inspection) -> str:
        return status_badge(record)
