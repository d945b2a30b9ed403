import datetime

from django.utils import timezone

from shipei.accounts.models import Role
from shipei.appraisal.indicators import all_indicators
from shipei.supervision.models import Inspection

from .conftest import actor, draw, through


def _carried_out_in(inspection: Inspection, year: int) -> None:
    when = datetime.datetime(year, 12, 31, 23, 30, tzinfo=timezone.get_default_timezone())
    Inspection.objects.filter(pk=inspection.pk).update(inspected_at=when)


def test_spot_check_is_an_indicator_of_the_annual_assessment():
    assert all_indicators()["spot_check"].label == "抽检评价"


def test_the_score_is_the_mean_of_the_closed_checks_of_the_year_and_none_without_any(
    world, national_admin, expert, base_admin
):
    hz, nb, nj = (world.bases[k].pk for k in ("hz", "nb", "nj"))
    spot_check = draw(national_admin, world, size_kind="percent", size_value=100)
    at_hz = list(spot_check.inspections.filter(base_id=hz))
    for inspection, rating in zip(at_hz[:3], ("excellent", "pass", "fail"), strict=True):
        through(inspection, national_admin, expert, base_admin, "closed", rating=rating)
        _carried_out_in(inspection, 2026)
    # Carried out on the last evening of 2025 (Beijing time): 2025's, not 2026's.
    through(at_hz[3], national_admin, expert, base_admin, "closed", rating="fail")
    _carried_out_in(at_hz[3], 2025)
    # Inspected in 2026 but not closed: not counted yet.
    nb_admin = actor(Role.BASE_ADMIN, world.bases["nb"])
    at_nb = spot_check.inspections.filter(base_id=nb).first()
    through(at_nb, national_admin, expert, nb_admin, "responded")
    _carried_out_in(at_nb, 2026)

    compute = all_indicators()["spot_check"].compute

    assert compute(2026, [hz, nb, nj]) == {hz: (95 + 70 + 30) / 3, nb: None, nj: None}
    assert compute(2025, [hz]) == {hz: 30}
