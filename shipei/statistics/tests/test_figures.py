from decimal import Decimal

import pytest

from shipei.enrollment.models import Enrollment
from shipei.statistics import figures
from shipei.statistics.models import Delta, OrgFigure

from .conftest import attend, certify

S = Enrollment.Status


def both_ways(year: int, tree) -> None:
    """The summaries (with the unfolded deltas) equal a plain recount from the raw tables,
    nationally and for each province."""
    assert figures.from_summaries(year=year, area=None) == figures.from_raw(
        year=year, path=None, unit="area"
    )
    for key in ("zj", "js"):
        area = tree[key]
        assert figures.from_summaries(year=year, area=area.pk) == figures.from_raw(
            year=year, path=area.path, unit="org"
        )


def test_hand_counted_figures_of_the_small_world(world, tree, this_year):
    national = figures.from_summaries(year=this_year, area=None)

    assert national.total.n == 6
    assert national.statuses == {S.PASSED: 3, S.FAILED: 1, S.SUBMITTED: 1, S.WITHDRAWN: 1}
    assert national.total.admitted == 4  # passed and failed were admitted
    assert national.total.certs == 2
    assert national.total.hours == Decimal("30.5")
    assert national.units[tree["zj"].pk].n == 3
    assert national.units[tree["zj"].pk].pass_rate == pytest.approx(2 / 3)
    assert national.units[tree["js"].pk].completion_rate == 1.0
    assert national.projects[world.c004.project.pk].n == 6
    assert national.bases[tree["hz_base"].pk].passed == 3
    zhejiang = figures.from_summaries(year=this_year, area=tree["zj"].pk)
    assert list(zhejiang.units) == [tree["hz_school"].pk]
    assert zhejiang.total.hours == Decimal("24.0")


def test_summaries_equal_a_recount_after_a_mix_of_changes_and_folds(world, tree, this_year):
    both_ways(this_year, tree)
    assert figures.fold() > 0
    assert not Delta.objects.exists()
    both_ways(this_year, tree)

    # A withdrawal, a pass, a revoked certificate, hours corrected and removed, a new one.
    world.js[1].status = S.WITHDRAWN
    world.js[1].save()
    cert = world.zj[0].certificates.get()
    cert.status = cert.Status.REVOKED
    cert.save()
    record = world.zj[2].attendance.get()
    record.hours = Decimal("4")
    record.save()
    both_ways(this_year, tree)  # half folded, half in the tail
    figures.fold()
    world.js[0].attendance.get().delete()
    certify(world.js[0], 3)
    attend(world.js[2], world.session, "1.5")
    world.zj[2].org = tree["hz_base"]  # the teacher's school corrected: its hours move too
    world.zj[2].save()
    both_ways(this_year, tree)
    figures.fold()
    figures.fold()  # nothing left: changes nothing
    both_ways(this_year, tree)
    national = figures.from_summaries(year=this_year, area=None)
    assert national.total.certs == 2
    assert national.total.hours == Decimal("21.5")  # 8 + 8 + 4 + 1.5
    assert national.statuses[S.WITHDRAWN] == 2


def test_rebuild_recomputes_the_summaries_from_scratch(world, tree, this_year):
    figures.fold()
    OrgFigure.objects.update(n=999)  # summaries gone wrong

    figures.rebuild()

    assert not Delta.objects.exists()
    both_ways(this_year, tree)
    assert figures.from_summaries(year=this_year, area=None).total.n == 6


def test_a_year_without_enrollments_has_empty_figures(world, this_year):
    empty = figures.from_summaries(year=this_year - 3, area=None)
    assert empty.total.n == 0 and not empty.units and not empty.months


def test_a_closed_class_counts_its_passed_and_failed_trainees_both_ways(
    base_admin, tree, this_year
):
    """The close moves the trainees (certificates.completion): the figures count 结业 from it."""
    from shipei.certificates.tests.test_completion import closed_class

    closed_class(base_admin, tree)

    both_ways(this_year, tree)
    national = figures.from_summaries(year=this_year, area=None)
    assert (national.total.passed, national.total.failed) == (1, 2)
    assert national.total.admitted == 3  # the withdrawn, the no-show and the waiting are not
    assert national.units[tree["zj"].pk].pass_rate == pytest.approx(1 / 3)
    figures.fold()
    both_ways(this_year, tree)
    assert figures.from_summaries(year=this_year, area=None).total.passed == 1
