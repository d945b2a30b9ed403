"""Certificates over the API: the same selectors and services as the pages, scoped the same way;
public verification (no login) under the same per-address limit as the page."""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from shipei.accounts import scope
from shipei.classes.models import TrainingClass
from shipei.core.errors import DomainError
from shipei.enrollment.models import Enrollment
from shipei.programmes.models import Programme

from . import batches, eligibility, selectors, services, signing
from .credential import enveloped
from .limits import verify_over_limit
from .models import Batch, Certificate


def register(router: DefaultRouter) -> None:
    router.register("certificates", CertificateViewSet, basename="certificate")
    router.register("certificate-batches", BatchViewSet, basename="certificate-batch")


class CertificateOutput(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    replaced_by = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "enrollment",
            "programme",
            "item",
            "holder_name",
            "programme_title",
            "title",
            "hours",
            "starts_on",
            "ends_on",
            "issuer",
            "issued_on",
            "status",
            "status_label",
            "revoked_on",
            "revoked_reason",
            "revoked_note",
            "replaces",
            "replaced_by",
            "qr_payload",
        ]

    def get_replaced_by(self, obj: Certificate) -> int | None:
        return getattr(getattr(obj, "replaced_by", None), "pk", None)


class IssueInput(serializers.Serializer):
    enrollment = serializers.IntegerField(help_text="报名编号")


class RevokeInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Certificate.Reason.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReissueInput(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CertificateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """结业证书：列表与详情按报名的可见范围；发证、撤销、换发由承训机构或计划主管单位办理。"""

    serializer_class = CertificateOutput
    filterset_fields = ["programme", "status", "enrollment"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Certificate.objects.none()
        return selectors.certificate_list(user=self.request.user).select_related("replaced_by")

    @extend_schema(request=IssueInput, responses={201: CertificateOutput})
    def create(self, request: Request) -> Response:
        data = _valid(IssueInput, request)
        enrollment = get_object_or_404(
            Enrollment.objects.filter(scope.enrollments_q(request.user)), pk=data["enrollment"]
        )
        certificate = services.certificate_issue(actor=request.user, enrollment=enrollment)
        return Response(CertificateOutput(certificate).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RevokeInput, responses={200: CertificateOutput})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        data = _valid(RevokeInput, request)
        certificate = services.certificate_revoke(
            actor=request.user, certificate=self.get_object(), **data
        )
        return Response(CertificateOutput(certificate).data)

    @extend_schema(request=ReissueInput, responses={201: CertificateOutput})
    @action(detail=True, methods=["post"])
    def reissue(self, request: Request, pk: str | None = None) -> Response:
        data = _valid(ReissueInput, request)
        certificate = services.certificate_reissue(
            actor=request.user, certificate=self.get_object(), **data
        )
        return Response(CertificateOutput(certificate).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["get"])
    def credential(self, request: Request, pk: str | None = None) -> Response:
        """签名的电子凭证（Open Badges 3.0，VC-JWT，以 EnvelopedVerifiableCredential 包装）。"""
        return Response(enveloped(self.get_object().credential))


def _valid(serializer: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    s = serializer(data=request.data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


class CertificateBatchInput(serializers.Serializer):
    programme = serializers.IntegerField(help_text="培训计划编号")
    training_class = serializers.IntegerField(required=False, allow_null=True, help_text="班次编号")


class CertificateBatchOutput(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Batch
        fields = ["id", "programme", "training_class", "status", "skipped", "progress"]

    def get_progress(self, obj: Batch) -> dict[str, Any]:
        return batches.batch_progress(obj)


class BatchViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """批量发证：后台逐人发证，可查询进度；中断后自动从断点继续。"""

    serializer_class = CertificateBatchOutput

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Batch.objects.none()
        requested = Batch.objects.filter(requested_by=self.request.user)
        return requested.select_related("programme", "training_class__project__base")

    @extend_schema(request=CertificateBatchInput, responses={202: CertificateBatchOutput})
    def create(self, request: Request) -> Response:
        data = _valid(CertificateBatchInput, request)
        programme = get_object_or_404(Programme, pk=data["programme"])
        klass = None
        if data.get("training_class"):
            klass = get_object_or_404(
                TrainingClass.objects.filter(project__programme=programme),
                pk=data["training_class"],
            )
        batch = batches.batch_start(actor=request.user, programme=programme, training_class=klass)
        batch.refresh_from_db()
        return Response(CertificateBatchOutput(batch).data, status=status.HTTP_202_ACCEPTED)


class VerifyInput(serializers.Serializer):
    number = serializers.CharField(max_length=80, required=False, allow_blank=True)
    payload = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text="证书二维码中的签名内容"
    )
    credential = serializers.CharField(
        max_length=20000, required=False, allow_blank=True, help_text="电子凭证（VC-JWT）"
    )


class VerifyView(APIView):
    """公开核验（无需登录，按来源地址限频）：按证书编号、二维码签名内容或电子凭证核验。"""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=VerifyInput, responses={200: dict})
    def post(self, request: Request) -> Response:
        if verify_over_limit(request._request):
            raise VerifyLimited()
        data = _valid(VerifyInput, request)
        if data.get("credential"):
            claims = signing.jwt_verify(data["credential"])
            if claims is None:
                verdict = selectors.Verdict("invalid")
            else:
                verdict = selectors.verify_number(str(claims.get("identifier", "")))
                if verdict.certificate and verdict.certificate.credential != data["credential"]:
                    verdict = selectors.Verdict("invalid", number=verdict.number)
        elif data.get("payload"):
            verdict = selectors.verify_payload(data["payload"])
        else:
            verdict = selectors.verify_number(data.get("number", ""))
        return Response(_verdict(verdict))


class VerifyLimited(DomainError):
    code = "verify_limited"
    status = 429
    retry_after = 60
    template = "查询过于频繁，请一分钟后再试。"


def _verdict(verdict: selectors.Verdict) -> dict[str, Any]:
    out: dict[str, Any] = {"state": verdict.state, "number": verdict.number}
    c = verdict.certificate
    if c is not None:
        out.update(
            holder=c.masked_name,
            programme=c.programme_title,
            title=c.title,
            hours=eligibility.hours_text(c.hours) or None,
            issuer=c.issuer,
            issued_on=c.issued_on.isoformat(),
            revoked_on=c.revoked_on.isoformat() if c.revoked_on else None,
            revoked_reason=c.get_revoked_reason_display() if c.revoked_reason else None,
        )
    return out
