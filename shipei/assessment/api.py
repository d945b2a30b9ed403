"""Assessment over the API, with the same selectors, services and scope as the pages:
attempts in reach, scores (the sheet a scorer sees, a score saved or submitted), results,
on-line tests (start, answer, hand in) and essays."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from shipei.core.errors import NotFound, NotPermitted

from . import components as comp
from . import essays, papers, selectors, services
from .models import Attempt, Paper, Question


def register(router: DefaultRouter) -> None:
    router.register("assessment/attempts", AttemptViewSet, basename="assessment-attempt")
    router.register("assessment/papers", PaperViewSet, basename="assessment-paper")


class AttemptOutput(serializers.ModelSerializer):
    trainee = serializers.CharField(source="enrollment.person.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Attempt
        fields = [
            "id",
            "enrollment",
            "trainee",
            "component",
            "number",
            "status",
            "status_label",
            "score",
            "decided_at",
        ]


class ScoreInput(serializers.Serializer):
    enrollment = serializers.IntegerField(help_text="学员报名编号")
    component = serializers.CharField(max_length=40, help_text="考核项目代码，如 process、final")
    value = serializers.CharField(max_length=10, help_text="分数，0～100，最多一位小数")
    submit = serializers.BooleanField(default=False, help_text="true：提交（此后不能修改）")
    comment = serializers.CharField(max_length=500, required=False, default="")


class ScoreOutput(serializers.Serializer):
    scorer = serializers.CharField(source="scorer.__str__")
    value = serializers.DecimalField(max_digits=5, decimal_places=1)
    submitted_at = serializers.DateTimeField()


class SheetRowOutput(serializers.Serializer):
    enrollment = serializers.IntegerField(source="enrollment.pk")
    trainee = serializers.CharField(source="enrollment.person.name")
    attempt = AttemptOutput(allow_null=True)
    mine = ScoreOutput(allow_null=True)
    others = ScoreOutput(many=True, help_text="其他评分人已提交的分数：本人提交后才返回")
    barred = serializers.CharField(allow_null=True, help_text="不能参加的原因")


class ComponentResultOutput(serializers.Serializer):
    component = serializers.CharField(source="component.code")
    label = serializers.CharField()
    state = serializers.CharField()
    score = serializers.DecimalField(
        source="attempt.score", max_digits=5, decimal_places=1, allow_null=True, default=None
    )
    number = serializers.IntegerField(source="attempt.number", allow_null=True, default=None)
    passed = serializers.BooleanField()
    barred = serializers.CharField(allow_null=True)


class ResultOutput(serializers.Serializer):
    enrollment = serializers.IntegerField(source="enrollment.pk")
    passed = serializers.BooleanField(help_text="每项考核均合格")
    reason = serializers.CharField(help_text="未合格的原因")
    overall = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    components = ComponentResultOutput(many=True)


class EssayInput(serializers.Serializer):
    enrollment = serializers.IntegerField()
    component = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(help_text="正文；字数按 Word/WPS 统计")


class EssayOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    length = serializers.IntegerField(help_text="字数")
    similar = serializers.IntegerField(help_text="标记的相似论文数（供评阅参考）")


@extend_schema_view(
    list=extend_schema(description="考核记录：调用者可查看的班次的学员，以及本人的。"),
    retrieve=extend_schema(description="查看一条考核记录。"),
)
class AttemptViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AttemptOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Attempt.objects.none()
        return selectors.attempt_list(user=self.request.user)

    def get_object(self) -> Attempt:
        try:
            return self.get_queryset().get(pk=int(self.kwargs["pk"]))
        except (Attempt.DoesNotExist, ValueError):
            raise NotFound() from None

    @extend_schema(
        parameters=[
            OpenApiParameter("training_class", int, required=True, description="班次编号"),
            OpenApiParameter("component", str, required=True, description="考核项目代码"),
        ],
        responses={200: SheetRowOutput(many=True)},
        description="评分表：本班每位学员的本次考核、本人的评分、可见的他人评分（本人提交后）和不能参加的原因。",
    )
    @action(detail=False, methods=["get"])
    def sheet(self, request: Request) -> Response:
        pk = request.query_params.get("training_class", "")
        if not pk.isdigit():
            raise NotFound()
        cls = selectors.class_get(user=request.user, pk=int(pk))
        c = comp.component(comp.for_class(cls), request.query_params.get("component", ""))
        if c is None:
            raise NotFound()
        if not selectors.is_scorer(request.user, cls, c):
            raise NotPermitted()
        return Response(SheetRowOutput(selectors.sheet(request.user, cls, c), many=True).data)

    @extend_schema(
        request=ScoreInput,
        responses={200: AttemptOutput},
        description="评分：保存草稿或提交（提交后不能修改，只能由培训机构管理员更正）。"
        "只有该考核项目的评分人可以评分；缺勤超过上限或过程性考核未合格的学员不能评分。",
    )
    @action(detail=False, methods=["post"])
    def score(self, request: Request) -> Response:
        data = ScoreInput(data=request.data)
        data.is_valid(raise_exception=True)
        found = data.validated_data
        enrollment = selectors.enrollment_get(user=request.user, pk=found["enrollment"])
        score = services.score_save(
            actor=request.user,
            enrollment=enrollment,
            component=found["component"],
            value=found["value"],
            submit=found["submit"],
            comment=found["comment"],
        )
        score.attempt.refresh_from_db()
        return Response(AttemptOutput(score.attempt).data)

    @extend_schema(
        parameters=[OpenApiParameter("enrollment", int, required=True, description="学员报名编号")],
        responses={200: ResultOutput},
        description="学员的考核结果：各项考核的最近一次成绩和状态，是否全部合格及原因。",
    )
    @action(detail=False, methods=["get"])
    def result(self, request: Request) -> Response:
        pk = request.query_params.get("enrollment", "")
        if not pk.isdigit():
            raise NotFound()
        enrollment = selectors.enrollment_get(user=request.user, pk=int(pk))
        return Response(ResultOutput(selectors.result_for(enrollment)).data)

    @extend_schema(
        request=EssayInput,
        responses={201: EssayOutput},
        description="提交论文（学员本人）：字数不少于培训计划的要求；相似论文只标记给评阅人，不会被拒收。",
    )
    @action(detail=False, methods=["post"])
    def essay(self, request: Request) -> Response:
        data = EssayInput(data=request.data)
        data.is_valid(raise_exception=True)
        found = data.validated_data
        enrollment = selectors.enrollment_get(user=request.user, pk=found["enrollment"])
        essay = essays.essay_submit(
            actor=request.user,
            enrollment=enrollment,
            component=found["component"],
            title=found["title"],
            body=found["text"],
        )
        out = {"id": essay.pk, "title": essay.title, "length": essay.length}
        return Response(EssayOutput({**out, "similar": essay.matches.count()}).data, status=201)


class QuestionOutput(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["id", "kind", "text", "options"]  # never the answer


class PaperOutput(serializers.ModelSerializer):
    questions = serializers.SerializerMethodField()
    score = serializers.DecimalField(
        source="attempt.score", max_digits=5, decimal_places=1, read_only=True
    )

    class Meta:
        model = Paper
        fields = [
            "id",
            "attempt",
            "questions",
            "answers",
            "started_at",
            "deadline",
            "finished_at",
            "correct",
            "score",
        ]

    def get_questions(self, paper: Paper) -> list[dict]:
        by_id = Question.objects.in_bulk(paper.questions)
        return [QuestionOutput(by_id[q]).data for q in paper.questions]


class StartInput(serializers.Serializer):
    enrollment = serializers.IntegerField()
    component = serializers.CharField(max_length=40)


class AnswerInput(serializers.Serializer):
    question = serializers.IntegerField()
    choices = serializers.ListField(
        child=serializers.IntegerField(), help_text="所选选项的序号，从 0 起"
    )


@extend_schema_view(
    retrieve=extend_schema(description="本人的在线测试试卷（截止后自动交卷）。"),
)
class PaperViewSet(viewsets.GenericViewSet):
    serializer_class = PaperOutput
    lookup_value_regex = r"\d+"
    queryset = Paper.objects.none()  # the schema's path type; get_object finds the trainee's own

    def get_object(self, *, settle: bool = True) -> Paper:
        found = Paper.objects.filter(
            pk=self.kwargs.get("pk") if str(self.kwargs.get("pk", "")).isdigit() else 0,
            attempt__enrollment__person_id=getattr(self.request.user, "person_id", None) or 0,
        ).first()
        if found is None:
            raise NotFound()
        return papers.finish_if_due(found) if settle else found

    def retrieve(self, request: Request, pk: Any = None) -> Response:
        return Response(PaperOutput(self.get_object()).data)

    @extend_schema(
        request=StartInput,
        responses={201: PaperOutput},
        description="开始在线测试（学员本人）：抽取试卷并开始计时；已有未交卷的试卷则返回它；"
        "不合格后按培训计划的补考次数可再考。",
    )
    def create(self, request: Request) -> Response:
        data = StartInput(data=request.data)
        data.is_valid(raise_exception=True)
        enrollment = selectors.enrollment_get(
            user=request.user, pk=data.validated_data["enrollment"]
        )
        paper = papers.paper_start(
            actor=request.user, enrollment=enrollment, component=data.validated_data["component"]
        )
        return Response(PaperOutput(paper).data, status=201)

    @extend_schema(
        request=AnswerInput,
        responses={200: PaperOutput},
        description="作答一题。截止时间由服务器掌握：截止后不再保存，试卷按已保存的作答自动交卷。",
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: Any = None) -> Response:
        data = AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        paper = papers.paper_answer(
            actor=request.user, paper=self.get_object(settle=False), **data.validated_data
        )
        return Response(PaperOutput(paper).data)

    @extend_schema(request=None, responses={200: PaperOutput}, description="交卷并自动评分。")
    @action(detail=True, methods=["post"])
    def finish(self, request: Request, pk: Any = None) -> Response:
        paper = papers.paper_finish(actor=request.user, paper=self.get_object())
        paper.attempt.refresh_from_db()
        return Response(PaperOutput(paper).data)
