"""The annual summary (notice 004 附件6): the page with its year and scope choosers, the .xlsx
download and the API, all from ``annual.annual_summary`` (the same numbers everywhere)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shipei.accounts import scope as access
from shipei.classes.models import HalfYearPlan, TrainingClass
from shipei.core import excel
from shipei.core.errors import DomainError, NotPermitted
from shipei.programmes.models import Programme
from shipei.programmes.selectors import programme_list

from . import annual
from .annual_xlsx import summary_xlsx


class ChooseForm(forms.Form):
    """The page's choosers; the values are checked by ``annual`` (the API takes the same)."""

    programme = forms.ChoiceField(label=gettext_lazy("培训计划"))
    year = forms.ChoiceField(label=gettext_lazy("年度"))
    scope = forms.ChoiceField(label=gettext_lazy("统计范围"))

    def __init__(self, *, programmes: list[Programme], years: list[int], scopes: Any, **kw: Any):
        super().__init__(**kw)
        self.fields["programme"].choices = [(str(p.pk), str(p)) for p in programmes]
        self.fields["year"].choices = [(str(y), _("%(y)s年") % {"y": y}) for y in years]
        self.fields["scope"].choices = [(s.param, s.label) for s in scopes]
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select"


def _years(programme: Programme, chosen: int) -> list[int]:
    """Years with plans or classes of the programme, this year and the chosen one, newest
    first."""
    years = {timezone.localdate().year, chosen}
    years |= set(
        HalfYearPlan.objects.filter(programme=programme).values_list("year", flat=True).distinct()
    )
    years |= {
        d.year
        for d in TrainingClass.objects.filter(project__programme=programme).dates(
            "starts_on", "year"
        )
    }
    return sorted(years, reverse=True)


def _choose(user: Any, params: Any) -> tuple[Programme | None, int, annual.Scope | None, list]:
    """(programme, year, scope, scope choices) from the query; refusals raise."""
    if not access.has_any(user, annual.VIEW):
        raise NotPermitted()
    programme = annual.programme_chosen(params.get("programme", ""))
    year = annual.year_chosen(params.get("year", ""))
    if programme is None:
        return None, year, None, []
    choices = annual.scope_choices(user, programme)
    if not choices and not params.get("scope"):  # no institution of it within reach (yet)
        return programme, year, None, []
    chosen = annual.scope_chosen(user, params.get("scope", ""), choices)
    if all(c.param != chosen.param for c in choices):
        choices.append(chosen)
    return programme, year, chosen, choices


def _other_forms(user: Any) -> list[tuple[str, str, str]]:
    """The other summary tables the notices ask for, where they are made: (label, url, what)."""
    out = [
        (
            _("半年培训计划"),
            reverse("classes:plans"),
            _("各培训机构的半年培训计划汇总导出，及按机构、省份的培训计划执行率。"),
        )
    ]
    if access.has_any(user, "enrollment.view"):
        for programme in programme_list(user=user):
            out.append(
                (
                    _("%(p)s · 名单导入导出") % {"p": programme},
                    reverse("enrollment:io_exports", args=[programme.pk]),
                    _("省级参训信息汇总表、参训人员汇总表等通知附表。"),
                )
            )
    return out


@require_GET
@login_required
def annual_page(request: HttpRequest) -> HttpResponse:
    status, error = 200, ""
    try:
        programme, year, chosen, choices = _choose(request.user, request.GET)
    except DomainError as exc:  # a year or scope typed wrong: say so, show the user's own
        status, error = exc.status, exc.message
        programme, year, chosen, choices = _choose(request.user, {})
    summary = (
        annual.annual_summary(user=request.user, programme=programme, year=year, chosen=chosen)
        if programme is not None and chosen is not None
        else None
    )
    form = None
    if programme is not None and chosen is not None:
        form = ChooseForm(
            programmes=annual.annual_programmes(),
            years=_years(programme, year),
            scopes=choices,
            initial={"programme": str(programme.pk), "year": str(year), "scope": chosen.param},
        )
    query = (
        urlencode({"programme": programme.pk, "year": year, "scope": chosen.param})
        if programme is not None and chosen is not None
        else ""
    )
    context = {
        "summary": summary,
        "programme": programme,
        "form": form,
        "error": error,
        "year": year,
        "query": query,
        "others": _other_forms(request.user),
        "breadcrumbs": [(_("年度工作总结"), None)],
    }
    return render(request, "statistics/annual.html", context, status=status)


@require_GET
@login_required
def annual_download(request: HttpRequest) -> HttpResponse:
    """The .xlsx; a year and scope with nothing to report get a message on the page instead of
    an empty file."""
    try:
        programme, year, chosen, _choices = _choose(request.user, request.GET)
    except DomainError:  # the page names what is wrong
        return annual_page(request)
    page = reverse("statistics:annual") + "?" + request.GET.urlencode()
    if programme is None or chosen is None:
        messages.warning(request, _("没有按半年计划管理班次的培训计划，无法生成年度工作总结。"))
        return redirect(page)
    summary = annual.annual_summary(
        user=request.user, programme=programme, year=year, chosen=chosen
    )
    if summary.empty:
        messages.warning(
            request,
            _("%(scope)s%(year)s年没有开办的培训班，也没有审核通过的计划班次，未生成文件。")
            % {"scope": chosen.label, "year": year},
        )
        return redirect(page)
    filename = f"{summary.title}-{summary.made_on:%Y%m%d}.xlsx"
    return excel.xlsx_response(summary_xlsx(summary), filename)


# ---- API ----------------------------------------------------------------------------------------


class UnexecutedOutput(serializers.Serializer):
    name = serializers.CharField(help_text="计划班次")
    reason = serializers.CharField(help_text="未执行原因")


class RowOutput(serializers.Serializer):
    label = serializers.CharField(help_text="合计、培训级别、专业大类或培训机构")
    kind = serializers.ChoiceField(choices=["total", "level", "category", "institution"])
    classes = serializers.IntegerField(help_text="开办培训班数（个）")
    trainees = serializers.IntegerField(help_text="培训人次")
    passed = serializers.IntegerField(help_text="培训合格人数")
    pass_rate = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, help_text="培训合格率（%），无学员时为空"
    )
    planned = serializers.IntegerField(help_text="计划班次（审核通过的半年计划）")
    ran = serializers.IntegerField(help_text="已执行的计划班次")
    execution_rate = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        allow_null=True,
        help_text="培训计划执行率（%），无计划时为空",
    )
    unexecuted = UnexecutedOutput(many=True)


class ScopeOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[annual.INSTITUTION, annual.PROVINCE, annual.NATIONAL])
    key = serializers.CharField(help_text="培训机构编号、省份区划代码，全国为空")
    label = serializers.CharField()
    param = serializers.CharField(help_text="作为 scope 参数传回")


class SummaryOutput(serializers.Serializer):
    programme = serializers.IntegerField(source="programme.pk")
    year = serializers.IntegerField()
    scope = ScopeOutput()
    title = serializers.CharField()
    empty = serializers.BooleanField(help_text="该年度该范围既无开办的培训班也无计划班次")
    basic_text = serializers.ListField(child=serializers.CharField(), help_text="一、基本情况")
    total = RowOutput()
    levels = RowOutput(many=True)
    categories = RowOutput(many=True)
    institutions = RowOutput(many=True, help_text="省级或全国范围：各培训机构")


class AnnualApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("programme", int, description="培训计划编号；缺省为第一个"),
            OpenApiParameter("year", int, description="年度；缺省为今年"),
            OpenApiParameter(
                "scope",
                str,
                description="national、province:330000 或 org:<培训机构编号>；缺省为本人所在范围",
            ),
        ],
        responses={200: SummaryOutput},
        description="年度工作总结（培训机构年度培训工作总结）的统计数：开办培训班、培训人次、"
        "合格人数、合格率、计划班次与执行率，合计、按培训级别、按专业大类及按培训机构。",
    )
    def get(self, request: Request) -> Response:
        programme, year, chosen, _choices = _choose(request.user, request.query_params)
        if programme is None:
            raise serializers.ValidationError(
                {"programme": [_("没有按半年计划管理班次的培训计划。")]}
            )
        if chosen is None:
            raise serializers.ValidationError(
                {"scope": [_("您所管辖的范围内还没有开展该培训计划的培训机构。")]}
            )
        summary = annual.annual_summary(
            user=request.user, programme=programme, year=year, chosen=chosen
        )
        return Response(SummaryOutput(summary).data)
