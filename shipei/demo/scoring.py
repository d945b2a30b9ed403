"""The assessment of the 004 classes being assessed and closed, as notice 004's policy has it:
the process assessment scored by the class's 2 teaching core teachers (授课骨干教师), the final
by its 3 assessing ones (考核骨干教师), each result the mean of their scores against the pass
mark of 60; a process not passed bars the final. Each scorer submits their scores through the
assessment service, as their phone sheet does.

The closed class: 魏涛's process falls short (53.5) and, retried once as the policy allows,
again (57), so he may not take the final; the other three pass both. Once the class closes the
base issues its certificates as a batch does: the three who passed get one, 魏涛 is passed
over. The class being assessed: the process is decided, two assessors submitted the final and
the third has their sheet still to fill; 严斌, over the absence limit, is barred from both."""

from shipei.accounts.models import User
from shipei.assessment import components as comp
from shipei.assessment import selectors as assessment
from shipei.assessment import services as scoring
from shipei.certificates import services as certificates
from shipei.certificates.errors import NotEligible
from shipei.classes.models import TrainingClass
from shipei.enrollment.models import CHAIN_COMPLETED, Enrollment
from shipei.programmes.policy import Component
from shipei.staffing.models import Assignment

Trainees = dict[str, Enrollment]  # a class's enrollments by their trainee's name

# What each scorer types, by trainee and in the order of the component's scorers (their
# places in the class); a trainee not named is barred from it, a scorer with no score in a
# row (the assessing class's third assessor) has not scored yet.
SCORES = {
    "closed": {
        "process": {"华晓东": (88, 91), "金玲": (82, 79), "魏涛": (55, 52), "陶然": (76, 80)},
        "final": {"华晓东": (90, 86, 88), "金玲": (78, 84, 81), "陶然": (72, 69, 75)},
    },
    "assessing": {
        "process": {"张慧": (85, 88), "孔令杰": (74, 70), "曹婷": (90, 87)},
        "final": {"张慧": (86, 83), "孔令杰": (71, 76), "曹婷": (92, 89)},
    },
}
# The retry the base opens after a failed try (policy ``retries``: 1), and its scores.
RETRIES = {"closed": {"process": {"魏涛": (58, 56)}}}


def scorers(cls: TrainingClass, role: str | None) -> list[User]:
    """The core teachers in `role` who accepted a place in the class, in the order of their
    places."""
    people = (
        Assignment.objects.filter(training_class=cls, role=role, status=Assignment.Status.ACCEPTED)
        .order_by("pk")
        .values_list("core_teacher__person_id", flat=True)
    )
    by_person = {u.person_id: u for u in User.objects.filter(person_id__in=list(people))}
    return [by_person[p] for p in people]


def _submit(
    scorer: User, c: Component, typed: dict[str, tuple[int, ...]], n: int, trainees: Trainees
) -> None:
    """The scorer's (n-th) score of each trainee named, submitted from their sheet."""
    for name, values in typed.items():
        if n < len(values):
            scoring.score_save(
                actor=scorer,
                enrollment=trainees[name],
                component=c.code,
                value=values[n],
                submit=True,
            )


def assess(institution: User, cls: TrainingClass, trainees: Trainees, end: str) -> None:
    """Every scorer of each component submits their scores, the process first (it bars the
    final until passed); a retry of a failed try is opened by the base and scored again."""
    if end not in SCORES:
        return
    for c in comp.for_class(cls).components:
        people = scorers(cls, comp.staff_role(c))
        for n, scorer in enumerate(people):
            _submit(scorer, c, SCORES[end].get(c.code, {}), n, trainees)
        retried = RETRIES.get(end, {}).get(c.code, {})
        for name in retried:
            scoring.attempt_retry(actor=institution, enrollment=trainees[name], component=c.code)
        for n, scorer in enumerate(people if retried else []):
            _submit(scorer, c, retried, n, trainees)


def certify(institution: User, cls: TrainingClass) -> None:
    """The base issues the closed class's certificates as its batch does: to every trainee,
    passing over those the service refuses (魏涛: his assessment not passed)."""
    enrollments = Enrollment.objects.filter(training_class=cls, status__in=CHAIN_COMPLETED)
    for e in enrollments.order_by("pk"):
        try:
            certificates.certificate_issue(actor=institution, enrollment=e)
        except NotEligible:
            continue


def sheets_to_fill(cls: TrainingClass) -> list[tuple[User, Component]]:
    """The class's scorers whose sheet of a component still has a trainee to score (open to
    them: not barred, not decided, not yet submitted by them)."""
    out = []
    for c in comp.for_class(cls).components:
        for scorer in scorers(cls, comp.staff_role(c)):
            rows = assessment.sheet(scorer, cls, c)
            if any(not (r.locked or r.barred or r.decided) for r in rows):
                out.append((scorer, c))
    return out
