from typing import Any

import django_tables2 as tables
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from shipei.core.tables import card
from shipei.core.templatetags.shipei import status_badge

from .milestones import next_milestone
from .models import HalfYearPlan, TrainingClass


class NumColumn(tables.Column):
    attrs = {"td": {"class": "num"}, "th": {"class": "num"}}

    def render(self, value: Any) -> str:
        return intcomma(value)


class ClassTable(tables.Table):
    name = tables.Column(
        verbose_name=_("班次"), accessor="pk", linkify=True, orderable=False, attrs=card("title")
    )
    base = tables.Column(
        verbose_name=_("培训机构"),
        accessor="project__base__name",
        order_by=("project__base__name",),
    )
    dates = tables.Column(verbose_name=_("培训日期"), accessor="starts_on")
    capacity = NumColumn(verbose_name=_("培训人数（人）"))
    status = tables.Column(verbose_name=_("状态"), attrs=card("badge"))
    milestone = tables.Column(verbose_name=_("下一节点"), accessor="pk", orderable=False)

    class Meta:
        model = TrainingClass
        fields = ("name", "base", "dates", "capacity", "status", "milestone")
        empty_text = _("暂无数据：班次由审核通过的半年培训计划生成，也可申请计划外班次。")

    def render_name(self, record: TrainingClass) -> str:
        return format_html(
            "{}{}",
            str(record),
            format_html(" <span class='badge sp-badge-warn'>{}</span>", _("计划外"))
            if record.unplanned
            else "",
        )

    def render_dates(self, record: TrainingClass) -> str:
        return f"{record.starts_on:%Y-%m-%d} ～ {record.ends_on:%Y-%m-%d}"

    def render_status(self, record: TrainingClass) -> str:
        return status_badge(record)

    def render_milestone(self, record: TrainingClass) -> str:
        found = next_milestone(record)
        if found is None:
            return "--"
        return format_html(
            '{} {} <span class="badge {}">{}</span>',
            found.label,
            found.due.isoformat(),
            found.css,
            found.text,
        )


class PlanTable(tables.Table):
    name = tables.Column(
        verbose_name=_("半年培训计划"), accessor="pk", linkify=True, attrs=card("title")
    )
    programme = tables.Column(verbose_name=_("培训计划"))
    n_lines = NumColumn(verbose_name=_("班次（个）"))
    status = tables.Column(verbose_name=_("状态"), attrs=card("badge"))
    submitted_at = tables.DateTimeColumn(verbose_name=_("报送时间"), format="Y-m-d H:i")

    class Meta:
        model = HalfYearPlan
        fields = ("name", "programme", "n_lines", "status", "submitted_at")
        empty_text = _("暂无数据：可新建下一个半年的培训计划。")

    def render_name(self, record: HalfYearPlan) -> str:
        return f"{record.institution.name} {record.period_label}"

    def render_status(self, record: HalfYearPlan) -> str:
        return status_badge(record)
