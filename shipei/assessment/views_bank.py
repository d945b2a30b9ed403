"""The question bank of a programme's on-line tests: the list, the Excel template and the
all-or-nothing import, for those who manage the programme."""

import functools

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shipei.core import excel
from shipei.core.errors import NotFound
from shipei.core.views_util import import_page
from shipei.programmes.models import Programme

from . import questions
from .models import Question


def _bank_programme(request: HttpRequest, pk: int) -> Programme:
    programme = Programme.objects.filter(pk=pk).first()
    if programme is None or not questions.may_keep(request.user, programme):
        raise NotFound()
    return programme


@require_GET
@login_required
def bank(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _bank_programme(request, pk)
    found = list(Question.objects.filter(programme=programme).order_by("-is_active", "pk")[:500])
    return render(
        request,
        "assessment/bank.html",
        {
            "programme": programme,
            "questions": found,
            "active": sum(1 for q in found if q.is_active),
            "breadcrumbs": [
                (str(programme), programme.get_absolute_url()),
                (_("在线测试题库"), None),
            ],
        },
    )


@require_GET
@login_required
def bank_template(request: HttpRequest, pk: int) -> HttpResponse:
    _bank_programme(request, pk)
    content = excel.template_workbook(questions.COLUMNS, title=_("题库"), notes=questions.NOTES)
    return excel.xlsx_response(content, _("题库导入模板.xlsx"))


@require_http_methods(["GET", "POST"])
@login_required
def bank_import(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _bank_programme(request, pk)
    url = reverse("assessment:bank", args=[programme.pk])
    return import_page(
        request,
        action=questions.MANAGE,
        parse=functools.partial(questions.parse_bank, programme=programme),
        apply=functools.partial(questions.bank_import, programme=programme),
        done_message=_("题库已导入：新增 %(created)d 道试题。"),
        success_url=url,
        page={
            "title": _("导入试题：%(p)s") % {"p": programme},
            "template_url": reverse("assessment:bank_template", args=[programme.pk]),
            "template_name": _("题库导入模板（.xlsx）"),
            "fill_hint": "".join(questions.NOTES[:3]),
            "breadcrumbs": [
                (str(programme), programme.get_absolute_url()),
                (_("在线测试题库"), url),
                (_("导入试题"), None),
            ],
        },
    )
