"""Writes of spot checks: the draw (recorded so that anyone can redo it), and each inspection's
steps drawn -> assigned -> inspected -> responded -> closed, each audited, through one table
(models.MOVES), with messages to the inspector and the base (notices.py)."""

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.audit.lifecycle import Lifecycle
from shipei.audit.services import record
from shipei.core.errors import NotPermitted
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme
from shipei.projects.attachments import ATTACHMENT_TYPES

from . import errors, notices, sampling, selectors
from .models import MOVES, Inspection, InspectionFile, SpotCheck

LIFECYCLE = Lifecycle(MOVES)
S = Inspection.Status

# Photos from a phone's camera and scanned documents; a phone photo is a few MB.
FILE_SUFFIXES = (".jpg", ".jpeg", ".png", ".pdf")
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 9


# ---- the draw ----------------------------------------------------------------------------------


@transaction.atomic
def spot_check_draw(
    *,
    actor: Any,
    programme: Programme,
    target: str,
    size_kind: str,
    size_value: Any,
    area: Organisation | None = None,
    stratify: str = "",
    seed: str = "",
    title: str = "",
) -> SpotCheck:
    """Draw classes or projects of `programme` at random from the bases under `area` (the
    drawer's own subtree by default), by the method of sampling.py, and record the seed and
    every input with the sample."""
    if not scope.has_any(actor, selectors.MANAGE):
        raise NotPermitted()
    area = area or scope.top_org(actor, selectors.MANAGE)
    if area is None or not scope.allows(actor, selectors.MANAGE, area):
        raise errors.OutsideArea(area=getattr(area, "name", ""))
    if target not in SpotCheck.Target.values or stratify not in SpotCheck.Stratify.values:
        raise NotPermitted()
    seed_text = unicodedata.normalize("NFKC", str(seed or "")).strip()
    entered = bool(seed_text)
    if entered and not (
        seed_text.isascii() and seed_text.isdigit() and len(seed_text) <= sampling.SEED_DIGITS
    ):
        raise errors.BadSeed(digits=sampling.SEED_DIGITS)
    seed_text = seed_text or sampling.new_seed()

    pop = selectors.population(programme=programme, target=target, area=area, stratify=stratify)
    if not pop.ids:
        raise errors.EmptyPopulation(area=area.name, target=SpotCheck.Target(target).label)
    count, percent = _size(size_kind, size_value, len(pop.ids))
    n = sampling.sample_size(len(pop.ids), count=count, percent=percent)
    sizes = sampling.allocate(pop.strata, n)
    sample = sampling.draw(seed_text, pop.strata, sizes)

    spot_check = SpotCheck.objects.create(
        title=title.strip()[:200]
        or _("%(programme)s %(date)s抽检")
        % {"programme": programme.title, "date": timezone.localdate().isoformat()},
        programme=programme,
        target=target,
        area=area,
        stratify=stratify,
        size_kind=size_kind,
        size_value=Decimal(count) if count is not None else percent,
        sample_size=n,
        population_size=len(pop.ids),
        seed=seed_text,
        seed_entered=entered,
        method=sampling.METHOD,
        inputs={
            "method": sampling.METHOD,
            "rule": pop.rule,
            "population": pop.ids,
            "stratify": stratify,
            "strata": [
                {"key": k, "label": pop.labels[k], "ids": pop.strata[k], "size": sizes[k]}
                for k in sorted(pop.strata)
            ],
            "size": {"kind": size_kind, "value": str(count if count is not None else percent)},
        },
        drawn_by=actor,
    )
    stratum_of = {pk: k for k, ids in pop.strata.items() for pk in ids}
    is_class = target == SpotCheck.Target.CLASS
    Inspection.objects.bulk_create(
        [
            Inspection(
                spot_check=spot_check,
                project_id=pop.project_of[pk],
                training_class_id=pk if is_class else None,
                base_id=pop.base_of[pk],
                stratum=stratum_of[pk],
            )
            for pk in sample
        ]
    )
    record(
        actor,
        "supervision.drawn",
        spot_check,
        org=area,
        seed=seed_text,
        seed_entered=entered,
        population=len(pop.ids),
        sample=sample,
    )
    return spot_check


def _size(kind: str, value: Any, population: int) -> tuple[int | None, Decimal | None]:
    """(count, None) or (None, percent), within the bounds, else the error saying which."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    try:
        number = Decimal(text.rstrip("%"))
    except InvalidOperation:
        number = None
    if kind == SpotCheck.SizeKind.PERCENT:
        if number is None or not number.is_finite() or not 0 < number <= 100:
            raise errors.BadSamplePercent(p=text or "--")
        return None, number.quantize(Decimal("0.01"))
    if kind != SpotCheck.SizeKind.COUNT:
        raise NotPermitted()
    if number is None or number != number.to_integral_value() or not 1 <= number <= population:
        raise errors.BadSampleCount(population=population, n=text or "--")
    return int(number), None


@dataclass
class Reproduction:
    """A draw done again from its record: the sample it gives, whether it is the one recorded,
    and whether today's population is still the recorded one (projects come and go later)."""

    matches: bool
    sample: list[int]
    recorded: list[int]
    sizes: dict[str, int]
    population_unchanged: bool


def spot_check_reproduce(spot_check: SpotCheck) -> Reproduction:
    """Recompute the sample from the recorded seed and inputs alone: the sizes from the
    recorded size and strata, then the draw; it matches when both agree with the record."""
    inputs = spot_check.inputs
    strata = {s["key"]: s["ids"] for s in inputs["strata"]}
    population = inputs["population"]
    size = inputs["size"]
    n = sampling.sample_size(
        len(population),
        count=int(size["value"]) if size["kind"] == SpotCheck.SizeKind.COUNT else None,
        percent=Decimal(size["value"]) if size["kind"] == SpotCheck.SizeKind.PERCENT else None,
    )
    sizes = sampling.allocate(strata, n)
    sample = sampling.draw(spot_check.seed, strata, sizes)
    recorded = sorted(
        i.training_class_id if spot_check.target == SpotCheck.Target.CLASS else i.project_id
        for i in spot_check.inspections.all()
    )
    partition = sorted(pk for ids in strata.values() for pk in ids) == sorted(population)
    sizes_recorded = {s["key"]: s["size"] for s in inputs["strata"]}
    now = selectors.population(
        programme=spot_check.programme,
        target=spot_check.target,
        area=spot_check.area,
        stratify=spot_check.stratify,
    )
    return Reproduction(
        matches=partition and sizes == sizes_recorded and sample == recorded,
        sample=sample,
        recorded=recorded,
        sizes=sizes,
        population_unchanged=now.ids == population,
    )


# ---- the inspection's steps --------------------------------------------------------------------


def _locked(inspection: Inspection) -> Inspection:
    """The row, locked for the step; the caller's object gets its current state."""
    fresh = Inspection.objects.select_for_update().get(pk=inspection.pk)
    for f in Inspection._meta.concrete_fields:
        setattr(inspection, f.attname, getattr(fresh, f.attname))
    return inspection


@transaction.atomic
def inspection_assign(*, actor: Any, inspection: Inspection, inspector: Any) -> Inspection:
    """An admin over the draw's area sends an inspector (again, until the check is done)."""
    scope.require(actor, selectors.MANAGE, inspection.spot_check.area)
    _locked(inspection)
    LIFECYCLE.check(inspection, S.ASSIGNED)
    if not selectors.inspector_choices(actor).filter(pk=inspector.pk).exists():
        raise errors.NotInspectable(name=inspector.display_name)
    inspection.inspector = inspector
    inspection.assigned_at = timezone.now()
    LIFECYCLE.move(
        inspection,
        S.ASSIGNED,
        actor=actor,
        action="supervision.assigned",
        org=inspection.base,
        fields=["inspector", "assigned_at"],
        inspector=inspector.pk,
    )
    notices.assigned(inspection)
    return inspection


@transaction.atomic
def inspection_record(
    *,
    actor: Any,
    inspection: Inspection,
    findings: str,
    rating: str,
    files: Sequence[Any] = (),
) -> Inspection:
    """The inspector records what was found, its photos and documents, and the rating."""
    _locked(inspection)
    LIFECYCLE.check(inspection, S.INSPECTED)
    if inspection.inspector_id != getattr(actor, "pk", None):
        raise errors.NotTheInspector()
    if rating not in Inspection.Rating.values:
        raise errors.BadRating()
    if not (findings or "").strip():
        raise errors.FindingsMissing()
    check_files(files)
    inspection.findings = findings.strip()
    inspection.rating = rating
    inspection.inspected_at = timezone.now()
    with _stored(inspection, InspectionFile.Kind.FINDING, files, actor):
        LIFECYCLE.move(
            inspection,
            S.INSPECTED,
            actor=actor,
            action="supervision.inspected",
            org=inspection.base,
            fields=["findings", "rating", "inspected_at"],
            rating=rating,
            files=len(files),
        )
    notices.inspected(inspection)
    return inspection


@transaction.atomic
def inspection_respond(
    *, actor: Any, inspection: Inspection, response: str, files: Sequence[Any] = ()
) -> Inspection:
    """The base answers the finding (what it has put right), with its documents."""
    _locked(inspection)
    LIFECYCLE.check(inspection, S.RESPONDED)
    if not scope.allows(actor, selectors.RESPOND, inspection.base):
        raise errors.NotTheBase(base=inspection.base.name)
    if not (response or "").strip():
        raise errors.ResponseMissing()
    check_files(files)
    inspection.response = response.strip()
    inspection.responded_by = actor
    inspection.responded_at = timezone.now()
    with _stored(inspection, InspectionFile.Kind.RESPONSE, files, actor):
        LIFECYCLE.move(
            inspection,
            S.RESPONDED,
            actor=actor,
            action="supervision.responded",
            org=inspection.base,
            fields=["response", "responded_by", "responded_at"],
            files=len(files),
        )
    notices.responded(inspection)
    return inspection


@transaction.atomic
def inspection_close(*, actor: Any, inspection: Inspection, note: str = "") -> Inspection:
    """An admin over the draw's area closes the case after the base's response."""
    scope.require(actor, selectors.MANAGE, inspection.spot_check.area)
    _locked(inspection)
    LIFECYCLE.check(inspection, S.CLOSED)
    inspection.closing_note = (note or "").strip()[:500]
    inspection.closed_by = actor
    inspection.closed_at = timezone.now()
    LIFECYCLE.move(
        inspection,
        S.CLOSED,
        actor=actor,
        action="supervision.closed",
        org=inspection.base,
        fields=["closing_note", "closed_by", "closed_at"],
    )
    notices.closed(inspection)
    return inspection


# ---- attachments ---------------------------------------------------------------------------------


def file_problem(upload: Any) -> str:
    """Why an upload cannot be kept ("" if it can): type, size and content."""
    name = PurePath(getattr(upload, "name", "") or "").name
    suffix = PurePath(name).suffix.lower()
    if suffix not in FILE_SUFFIXES:
        return _("只能上传照片（JPG、PNG）或 PDF 文件。")
    if upload.size > MAX_FILE_BYTES:
        return _("文件不能超过 10 MB。")
    if upload.size == 0:
        return _("文件是空的，请重新选择。")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(ATTACHMENT_TYPES[suffix]):
        return _("文件内容与扩展名“%(ext)s”不符，请上传原始文件。") % {"ext": suffix}
    return ""


def check_files(files: Sequence[Any]) -> None:
    if len(files) > MAX_FILES:
        raise errors.BadFile(
            name=files[MAX_FILES].name, problem=_("每次最多上传 %(n)d 个文件。") % {"n": MAX_FILES}
        )
    for upload in files:
        problem = file_problem(upload)
        if problem:
            raise errors.BadFile(name=PurePath(upload.name or "").name, problem=problem)


class _stored:
    """Store the files with the step; if the step fails after that, the files go again (a row
    rolled back leaves no file behind)."""

    def __init__(self, inspection: Inspection, kind: str, files: Iterable[Any], actor: Any):
        self.args = (inspection, kind, list(files), actor)
        self.saved: list[InspectionFile] = []

    def __enter__(self) -> None:
        inspection, kind, files, actor = self.args
        for upload in files:
            name = PurePath(upload.name).name[-200:]
            kept = InspectionFile(
                inspection=inspection, kind=kind, name=name, size=upload.size, uploaded_by=actor
            )
            kept.file.save(name, upload, save=False)
            self.saved.append(kept)
            kept.save()

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:
            for kept in self.saved:
                kept.file.storage.delete(kept.file.name)
