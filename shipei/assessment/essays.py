"""Essays: a trainee submits one per attempt of an essay component, at least the policy's
length (字数 counted as Word/WPS count it, ``text.length``); near-duplicates in the programme
(the class's among them) are flagged for the reviewer with the passages they share, never
refused. A failed essay may be written again as a retry, as far as the policy's retries go."""

from functools import reduce
from operator import or_
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shipei.audit.services import record
from shipei.enrollment.models import Enrollment

from . import components as comp
from . import text
from .errors import (
    AttemptDecided,
    EssayAlreadySubmitted,
    EssayTooShort,
    NoRetryLeft,
    NotYourTest,
    WrongKind,
)
from .models import Attempt, Essay, EssayBand, EssayMatch
from .services import component_of, current_attempt, require_may_take

S = Attempt.Status


def _attempt_for_submission(enrollment: Enrollment, c: Any, assessment: Any) -> Attempt:
    """The attempt a new submission belongs to: the open one, or after a failure the retry
    (opened here: writing again is how a trainee asks for it)."""
    attempt = current_attempt(enrollment, c.code)
    if attempt.status == S.OPEN:
        if hasattr(attempt, "essay"):
            at = timezone.localtime(attempt.essay.submitted_at)
            raise EssayAlreadySubmitted(at=f"{at:%Y-%m-%d %H:%M}")
        return attempt
    if attempt.status == S.PASSED:
        raise AttemptDecided(
            name=enrollment.person.name,
            component=c.label,
            number=attempt.number,
            status=attempt.get_status_display(),
        )
    if attempt.number >= comp.tries(assessment):
        raise NoRetryLeft(
            component=c.label,
            tries=comp.tries(assessment),
            retries=assessment.retries,
            name=enrollment.person.name,
        )
    return Attempt.objects.create(
        enrollment=enrollment, component=c.code, number=attempt.number + 1
    )


@transaction.atomic
def essay_submit(
    *, actor: Any, enrollment: Enrollment, component: str, title: str, body: str
) -> Essay:
    assessment, c = component_of(enrollment, component)
    if c.kind_of != "essay":
        raise WrongKind(component=c.label, kind="论文")
    if getattr(actor, "person_id", None) != enrollment.person_id:
        raise NotYourTest()
    length = text.length(body)
    minimum = assessment.essay_min_chars
    if minimum is not None and length < minimum:
        raise EssayTooShort(length=length, minimum=minimum)
    require_may_take(enrollment, c, assessment)
    attempt = _attempt_for_submission(enrollment, c, assessment)
    essay = Essay.objects.create(
        attempt=attempt,
        programme=enrollment.programme,
        title=title.strip()[:200],
        text=body,
        length=length,
    )
    matches = _flag_near_duplicates(essay, enrollment)
    record(
        actor,
        "assessment.essay_submitted",
        essay,
        org=enrollment.base,
        enrollment=enrollment.pk,
        component=c.code,
        number=attempt.number,
        length=length,
        similar=len(matches),
    )
    return essay


def _flag_near_duplicates(essay: Essay, enrollment: Enrollment) -> list[EssayMatch]:
    """Store the essay's bands, find the earlier essays of the programme that share one, and
    flag those at or above the threshold both ways (each reviewer sees the other essay)."""
    grams = text.shingles(essay.text)
    digests = text.band_digests(text.signature(grams))
    EssayBand.objects.bulk_create(
        [
            EssayBand(essay=essay, programme_id=essay.programme_id, band=band, digest=digest)
            for band, digest in enumerate(digests)
        ]
    )
    same_band = reduce(or_, (Q(band=b, digest=d) for b, d in enumerate(digests)))
    candidates = (
        Essay.objects.filter(
            pk__in=EssayBand.objects.filter(same_band, programme_id=essay.programme_id)
            .exclude(essay=essay)
            .values("essay_id")
        )
        .exclude(attempt__enrollment__person_id=enrollment.person_id)  # one's own earlier try
        .select_related("attempt__enrollment")
    )
    out = []
    for other in candidates:
        other_grams = text.shingles(other.text)
        similarity = text.jaccard(grams, other_grams)
        if similarity < text.THRESHOLD:
            continue
        same_class = other.attempt.enrollment.training_class_id == enrollment.training_class_id
        for a, b, b_grams in ((essay, other, other_grams), (other, essay, grams)):
            out.append(
                EssayMatch(
                    essay=a,
                    other=b,
                    similarity=round(similarity, 3),
                    same_class=same_class,
                    passages=text.shared_passages(a.text, b_grams),
                )
            )
    EssayMatch.objects.bulk_create(out, ignore_conflicts=True)
    return out[::2]
