"""继续教育学时 over the API: ledger lines, claims (filed by the teacher with the proof as a
multipart upload, decided by the school) and transcripts. The same selectors and services as
the pages, scoped the same way."""

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from shipei.assessment import selectors as assessment

from . import selectors, services, transcripts
from .models import Claim, Entry


def register(router: DefaultRouter) -> None:
    router.register("credits", EntryViewSet, basename="credit")
    router.register("credit-claims", ClaimViewSet, basename="credit-claim")
    router.register("transcripts", TranscriptViewSet, basename="transcript")


class EntryOutput(serializers.ModelSerializer):
    teacher = serializers.CharField(source="person.name", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = Entry
        fields = [
            "id",
            "person",
            "teacher",
            "year",
            "source",
            "source_label",
            "title",
            "organiser",
            "starts_on",
            "ends_on",
            "hours",
            "number",
            "programme",
            "certificate",
            "claim",
        ]


class EntryQuery(serializers.Serializer):
    person = serializers.IntegerField(required=False)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)


@extend_schema_view(
    list=extend_schema(
        parameters=[EntryQuery],
        description="继续教育学时台账：本人的，以及管理范围内教师的学时记录（结业证书计入的和"
        "审核通过的校外培训）。",
    ),
    retrieve=extend_schema(description="查看一条学时记录。"),
)
class EntryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EntryOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Entry.objects.none()
        qs = selectors.entry_list(user=self.request.user)
        if self.action == "list":
            query = EntryQuery(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            found = query.validated_data
            if "person" in found:
                qs = qs.filter(person_id=found["person"])
            if "year" in found:
                qs = qs.filter(year=found["year"])
        return qs


class ClaimOutput(serializers.ModelSerializer):
    teacher = serializers.CharField(source="person.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "person",
            "teacher",
            "title",
            "organiser",
            "starts_on",
            "ends_on",
            "hours",
            "proof_name",
            "status",
            "status_label",
            "reason",
            "decided_at",
            "created_at",
        ]


class ClaimInput(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    organiser = serializers.CharField(max_length=500)
    starts_on = serializers.CharField(max_length=20)
    ends_on = serializers.CharField(max_length=20)
    hours = serializers.CharField(max_length=20)
    proof = serializers.FileField()


class ClaimReturnInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


@extend_schema_view(
    list=extend_schema(description="校外培训学时申报：本人的、本校待审核的、管理范围内教师的。"),
    retrieve=extend_schema(description="查看一条申报。"),
)
class ClaimViewSet(viewsets.GenericViewSet):
    serializer_class = ClaimOutput
    filter_backends: list[Any] = []
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Claim.objects.none()
        return selectors.claim_list(user=self.request.user)

    def list(self, request: Request) -> Response:
        return Response(ClaimOutput(self.get_queryset(), many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ClaimOutput(selectors.claim_get(user=request.user, pk=pk)).data)

    @extend_schema(
        request={"multipart/form-data": ClaimInput},
        responses={201: ClaimOutput},
        description="教师本人申报校外培训学时，附证明材料（PDF、JPG、PNG，≤ 10 MB）。学时须大于 0"
        "且每天不超过 12 学时，日期在 2000–2100 年间且不晚于今天；同一培训不能重复申报。",
    )
    def create(self, request: Request) -> Response:
        data = ClaimInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            claim = services.claim_submit(actor=request.user, **data.validated_data)
        except ValidationError as exc:
            raise ApiValidationError(exc.message_dict) from None
        return Response(ClaimOutput(claim).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None, responses={200: ClaimOutput}, description="学校通过申报，计入台账。"
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        claim = selectors.claim_get(user=request.user, pk=pk)
        claim = services.claim_decide(actor=request.user, claim=claim, approve=True)
        return Response(ClaimOutput(claim).data)

    @extend_schema(
        request=ClaimReturnInput,
        responses={200: ClaimOutput},
        description="学校退回申报，须写明原因。",
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str) -> Response:
        data = ClaimReturnInput(data=request.data)
        data.is_valid(raise_exception=True)
        claim = selectors.claim_get(user=request.user, pk=pk)
        claim = services.claim_decide(
            actor=request.user,
            claim=claim,
            approve=False,
            reason=data.validated_data.get("reason", ""),
        )
        return Response(ClaimOutput(claim).data)


class TranscriptLine(serializers.Serializer):
    enrollment = serializers.IntegerField(source="enrollment.pk")
    teacher = serializers.CharField(source="enrollment.person.name")
    programme = serializers.CharField()
    title = serializers.CharField()
    training_class = serializers.CharField(source="klass")
    scores = serializers.DictField(child=serializers.CharField())
    overall = serializers.CharField()
    result = serializers.CharField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    attended_hours = serializers.DecimalField(source="attended", max_digits=6, decimal_places=1)
    certificate_number = serializers.CharField(source="number")


class TranscriptOutput(serializers.Serializer):
    title = serializers.CharField()
    lines = TranscriptLine(many=True)


class TranscriptViewSet(viewsets.ViewSet):
    """成绩单 of a teacher (本人或管理范围内) or of a class (承办或评分者)."""

    @extend_schema(
        parameters=[OpenApiParameter("pk", int, OpenApiParameter.PATH, description="人员编号")],
        responses={200: TranscriptOutput},
        description="教师的成绩单：各培训的考核项目与成绩、学时、出勤学时、证书编号。",
    )
    @action(detail=False, methods=["get"], url_path=r"people/(?P<pk>\d+)")
    def person(self, request: Request, pk: str) -> Response:
        teacher = selectors.person_get(user=request.user, pk=pk)
        return Response(TranscriptOutput(transcripts.of_person(teacher)).data)

    @extend_schema(
        parameters=[OpenApiParameter("pk", int, OpenApiParameter.PATH, description="班次编号")],
        responses={200: TranscriptOutput},
        description="班次的成绩单：每位学员的考核成绩、学时、出勤学时、证书编号。",
    )
    @action(detail=False, methods=["get"], url_path=r"classes/(?P<pk>\d+)")
    def training_class(self, request: Request, pk: str) -> Response:
        klass = assessment.class_get(user=request.user, pk=pk)
        return Response(TranscriptOutput(transcripts.of_class(klass)).data)
