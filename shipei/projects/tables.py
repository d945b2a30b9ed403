from typing import Any

import django_tables2 as tables
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from shipei.core.tables import SelectColumn, card, select_box
from shipei.core.templatetags.shipei import status_badge

from .models import Project, Review


def _dates(record: Project) -> str:
    return record.first_start.strftime("%Y-%m-%d") if record.first_start else "--"


class NumColumn(tables.Column):
    attrs = {"td": {"class": "num"}, "th": {"class": "num"}}

    def render(self, value: Any) -> str:
        return intcomma(value)


class ProjectTable(tables.Table):
    title = tables.Column(verbose_name=_("项目名称"), linkify=True, attrs=card("title"))
    programme = tables.Column(verbose_name=_("培训计划"), order_by=("programme__code",))
    item = tables.Column(verbose_name=_("项目类别"), accessor="item_label", orderable=False)
    base = tables.Column(verbose_name=_("承训单位"), order_by=("base__name_pinyin",))
    n_classes = NumColumn(verbose_name=_("班次（个）"))
    first_start = tables.Column(verbose_name=_("首期开班"), empty_values=())
    status = tables.Column(verbose_name=_("状态"), attrs=card("badge"))
    updated_at = tables.DateTimeColumn(verbose_name=_("更新时间"), format="Y-m-d H:i")

    class Meta:
        model = Project
        fields = ("title", "programme", "item", "base", "n_classes", "first_start", "status")
        order_by = ("-updated_at",)
        empty_text = _("可新建项目申报。")

    def render_status(self, record: Project) -> str:
        return status_badge(record)

    def render_first_start(self, record: Project) -> str:
        return _dates(record)


class QueueTable(tables.Table):
    selected = SelectColumn()
    title = tables.Column(verbose_name=_("项目名称"), linkify=True, attrs=card("title"))
    base = tables.Column(verbose_name=_("承训单位"), order_by=("base__name_pinyin",))
    region = tables.Column(
        verbose_name=_("所在地区"), accessor="base__region", order_by=("base__region__code",)
    )
    item = tables.Column(verbose_name=_("项目类别"), accessor="item_label", orderable=False)
    n_classes = NumColumn(verbose_name=_("班次（个）"))
    n_reviews = NumColumn(verbose_name=_("已评审（位）"))
    submitted_at = tables.DateTimeColumn(
        verbose_name=_("提交时间"), format="Y-m-d H:i", attrs=card("minor")
    )
    status = tables.Column(verbose_name=_("状态"), attrs=card("badge"))

    class Meta:
        model = Project
        fields = (
            "selected",
            "title",
            "base",
            "region",
            "item",
            "n_classes",
            "n_reviews",
            "submitted_at",
            "status",
        )
        template_name = "projects/_queue_table.html"
        empty_text = _("可调整查询条件；基地提交申报后会出现在这里。")

    def render_selected(self, record: Project) -> str:
        if record.status != Project.Status.APPROVED:
            return ""
        return select_box(record.pk, record.title)

    def render_status(self, record: Project) -> str:
        return status_badge(record)

    def render_region(self, record: Project) -> str:
        region = record.base.region
        if region is None:
            return "--"
        return f"{region.parent.name} {region.name}" if region.parent_id else region.name


class ReviewListTable(tables.Table):
    project = tables.Column(
        verbose_name=_("项目名称"),
        linkify=lambda record: record.get_absolute_url(),
        attrs=card("title"),
    )
    base = tables.Column(verbose_name=_("承训单位"), accessor="project__base")
    programme = tables.Column(verbose_name=_("培训计划"), accessor="project__programme")
    assigned_at = tables.DateTimeColumn(verbose_name=_("分配时间"), format="Y-m-d H:i")
    state = tables.Column(
        verbose_name=_("评审状态"), empty_values=(), orderable=False, attrs=card("badge")
    )
    total = NumColumn(verbose_name=_("总分（分）"), default="--")

    class Meta:
        model = Review
        fields = ("project", "base", "programme", "assigned_at", "state", "total")
        empty_text = _("部级管理员分配评审任务后会出现在这里。")

    def render_state(self, record: Review) -> str:
        if record.is_submitted:
            return format_html('<span class="badge sp-badge-ok">{}</span>', _("已提交"))
        if (
            record.project.status != Project.Status.IN_REVIEW
            or record.round != record.project.review_round
        ):
            return format_html('<span class="badge sp-badge-off">{}</span>', _("已结束"))
        return format_html('<span class="badge sp-badge-warn">{}</span>', _("待评审"))


class CatalogueTable(tables.Table):
    """The catalogue: shown as cards (projects/_catalogue_cards.html), paginated like a table."""

    title = tables.Column(verbose_name=_("项目名称"))
    first_start = tables.Column(verbose_name=_("开班日期"))
    base = tables.Column(verbose_name=_("承训单位"), order_by=("base__name_pinyin",))

    class Meta:
        model = Project
        fields = ("title", "first_start", "base")
        template_name = "projects/_catalogue_cards.html"
        empty_text = _("可调整查询条件，如放宽日期范围或地区。")
