"""Surveys over the API: the forms the caller has to fill in (with their questions), submitting
one, and the results of a class, project, base or programme. The same selectors and services
as the pages, scoped the same way; a submitted anonymous answer is not returned or named."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from shipei.core.errors import NotFound

from . import results, selectors, services
from .models import Survey


def register(router: DefaultRouter) -> None:
    router.register("surveys", SurveyViewSet, basename="survey")


class SurveyQuestionOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField(help_text="single 单选、multiple 多选、scale 评分、text 文字")
    choices = serializers.ListField(child=serializers.CharField())
    required = serializers.BooleanField()
    scale_max = serializers.IntegerField(help_text="评分题的最高分（最低 1 分）")
    section = serializers.CharField()


class SurveyOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    form = serializers.CharField()
    label = serializers.SerializerMethodField()
    anonymous = serializers.SerializerMethodField()
    training_class = serializers.IntegerField(source="training_class_id", allow_null=True)
    project = serializers.IntegerField(source="project_id")
    closes_at = serializers.DateTimeField()
    questions = serializers.SerializerMethodField()

    def get_label(self, survey: Any) -> str:
        return selectors.form_of(survey).label

    def get_anonymous(self, survey: Any) -> bool:
        return selectors.form_of(survey).anonymous

    @extend_schema_field(SurveyQuestionOutput(many=True))
    def get_questions(self, survey: Any) -> list[dict[str, Any]]:
        return [x.model_dump(mode="json") for x in selectors.survey_questions(survey)]


class SurveyAnswersInput(serializers.Serializer):
    answers = serializers.DictField(
        help_text="题目代码 → 答案：单选、评分、文字为一个值，多选为值的列表"
    )


class SurveySubmitOutput(serializers.Serializer):
    message = serializers.CharField()


class SurveyRowOutput(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.IntegerField()


class SurveyQuestionResultOutput(serializers.Serializer):
    code = serializers.CharField(source="question.code")
    label = serializers.CharField(source="question.label")
    kind = serializers.CharField(source="question.kind")
    answered = serializers.IntegerField()
    rows = SurveyRowOutput(many=True)
    mean = serializers.FloatField(allow_null=True)
    texts = serializers.ListField(child=serializers.CharField(), help_text="文字意见，不含填写人")


class SurveyWithheldOutput(serializers.Serializer):
    survey = serializers.IntegerField()
    reason = serializers.CharField()


class SurveyResultsOutput(serializers.Serializer):
    title = serializers.CharField()
    form = serializers.CharField()
    surveys_counted = serializers.IntegerField()
    responses = serializers.IntegerField()
    withheld = SurveyWithheldOutput(many=True)
    questions = SurveyQuestionResultOutput(many=True)


class SurveyViewSet(viewsets.GenericViewSet):
    serializer_class = SurveyOutput
    queryset = Survey.objects.none()  # for the schema: every action reads through selectors

    @extend_schema(
        responses=SurveyOutput(many=True),
        description="待我填写：调用者可以填写、尚未填写且未截止的问卷，含题目。",
    )
    def list(self, request: Request) -> Response:
        return Response(SurveyOutput(selectors.to_fill(request.user), many=True).data)

    @extend_schema(
        request=SurveyAnswersInput,
        responses={201: SurveySubmitOutput},
        description="提交答卷：每人一次，截止前，必答题须作答，选项须在题目的选项之内。"
        "匿名问卷的答卷不记录填写人和时间，也不返回答卷编号。",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        data = SurveyAnswersInput(data=request.data)
        data.is_valid(raise_exception=True)
        survey = selectors.survey_get(request.user, int(pk) if pk.isdigit() else 0)
        if selectors.respondent(request.user, survey) is None:
            raise NotFound()
        services.response_submit(
            user=request.user, survey=survey, answers=data.validated_data["answers"]
        )
        return Response({"message": "已提交，感谢您的评价。"}, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("programme", int, required=True, description="培训计划编号"),
            OpenApiParameter("form", str, required=True, description="问卷代码"),
            OpenApiParameter("class", int, description="班次编号"),
            OpenApiParameter("project", int, description="项目编号"),
            OpenApiParameter("base", int, description="培训基地（机构）编号"),
        ],
        responses={200: SurveyResultsOutput},
        description="问卷结果：调用者管理范围内，某计划某问卷的结果，可限定班次、项目或基地。"
        "只统计已截止的问卷；匿名问卷答卷少于政策规定份数（默认 5 份）的班次不统计。",
    )
    @action(detail=False, methods=["get"])
    def results(self, request: Request) -> Response:
        level = selectors.level(request.user, request.query_params)
        res = results.results(
            level.surveys,
            level.form,
            selectors.template_questions(level.programme, level.form.code),
        )
        return Response(
            SurveyResultsOutput(
                {
                    "title": level.title,
                    "form": level.form.label,
                    "surveys_counted": len(res.counted),
                    "responses": res.responses,
                    "withheld": [{"survey": s.pk, "reason": r} for s, r in res.withheld],
                    "questions": [x for x in res.questions if x.answered],
                }
            ).data
        )
