"""Computing and confirming the annual assessment, against the values worked out by hand in
conftest.scene; and each kind of bad input, refused in Chinese with nothing changed."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from shipei.appraisal import indicators
from shipei.appraisal.errors import (
    AlreadyConfirmed,
    NoProposal,
    RunNotPermitted,
    UnknownIndicator,
)
from shipei.appraisal.models import AppraisalRow, AppraisalRun
from shipei.appraisal.services import appraisal_compute, appraisal_confirm, proposal
from shipei.audit.models import AuditEntry
from shipei.programmes.errors import PolicyInvalid
from shipei.programmes.policy import Appraisal
from shipei.programmes.services import programme_update_policy
from shipei.projects.models import BaseCapOverride

from .conftest import make_programme


def row(run: AppraisalRun, base) -> AppraisalRow:
    return run.rows.get(base=base)


def test_totals_ranks_and_proposals_are_the_hand_computed_ones(national_admin, scene):
    run = appraisal_compute(actor=national_admin.user, programme=scene.programme)

    a, b, c = row(run, scene.a), row(run, scene.b), row(run, scene.c)
    assert a.scores == {"execution": 75.0, "pass_rate": 80.0, "satisfaction": 80.0}
    assert (a.total, a.rank, a.cap_now, a.change, a.cap_proposed) == (Decimal("78.00"), 2, 2, 0, 2)
    assert b.scores == {"execution": 100.0, "pass_rate": 100.0, "satisfaction": None}
    assert b.shares == {"execution": 0.5714, "pass_rate": 0.4286}
    assert (b.total, b.rank, b.change, b.cap_proposed) == (Decimal("100.00"), 1, 2, 4)
    assert b.partial and not a.partial
    assert c.scores == {"execution": None, "pass_rate": None, "satisfaction": None}
    assert (c.total, c.rank, c.change, c.cap_proposed) == (None, None, None, None)
    assert run.rows.count() == 3  # the base whose designation ended in 2023 is not assessed
    assert run.status == AppraisalRun.Status.DRAFT
    entry = AuditEntry.objects.get(action="appraisal.computed")
    assert entry.actor == national_admin.user and entry.data["bases"] == 3


def test_a_percentage_change_is_rounded_and_never_takes_the_cap_below_the_minimum():
    settings = Appraisal(
        weights={"execution": 1},
        cap_change="percent",
        bands=[{"min_total": 85, "change": 25}, {"min_total": 0, "change": -50}],
        min_cap=2,
    )
    assert proposal(settings, Decimal("90"), 20) == (5, 25)
    assert proposal(settings, Decimal("85"), 3) == (1, 4)  # 0.75 rounds up to 1
    assert proposal(settings, Decimal("40"), 20) == (-10, 10)
    assert proposal(settings, Decimal("40"), 3) == (-1, 2)  # -1.5 → -2 would go below 2
    assert proposal(settings, None, 20) == (None, None)


def test_recomputing_before_confirmation_replaces_the_rows_with_todays_data(national_admin, scene):
    appraisal_compute(actor=national_admin.user, programme=scene.programme)
    programme = scene.programme
    settings = programme.rules.appraisal.model_dump(mode="json")
    settings["weights"] = {"execution": 1, "pass_rate": 0, "satisfaction": 0}
    programme_update_policy(
        actor=national_admin.user, programme=programme, sections={"appraisal": settings}
    )

    run = appraisal_compute(actor=national_admin.user, programme=programme)

    assert row(run, scene.a).total == Decimal("75.00")  # a weight of 0 never counts
    assert row(run, scene.a).cap_proposed == 2
    assert AppraisalRun.objects.count() == 1 and run.rows.count() == 3


def test_confirming_sets_next_years_caps_and_freezes_the_run(national_admin, scene):
    appraisal_compute(actor=national_admin.user, programme=scene.programme)

    run = appraisal_confirm(actor=national_admin.user, programme=scene.programme)

    caps = {(o.base, o.year): o.cap for o in BaseCapOverride.objects.all()}
    assert caps == {(scene.a, 2025): 2, (scene.b, 2025): 4}  # C has no score: left as it is
    assert run.status == AppraisalRun.Status.CONFIRMED and run.confirmed_by == national_admin.user
    assert set(run.rows.filter(confirmed=True).values_list("base", flat=True)) == {
        scene.a.pk,
        scene.b.pk,
    }
    assert AuditEntry.objects.filter(action="project.cap_adjusted").count() == 2
    assert AuditEntry.objects.get(action="appraisal.confirmed").data["adjusted"] == 2
    with pytest.raises(AlreadyConfirmed, match="已锁定，不能再重新计算"):
        appraisal_compute(actor=national_admin.user, programme=scene.programme)


def test_only_the_chosen_rows_are_confirmed(national_admin, scene):
    run = appraisal_compute(actor=national_admin.user, programme=scene.programme)

    appraisal_confirm(
        actor=national_admin.user, programme=scene.programme, row_ids=[row(run, scene.b).pk]
    )

    assert list(BaseCapOverride.objects.values_list("base", "cap")) == [(scene.b.pk, 4)]


def test_confirming_twice_is_refused_and_changes_nothing(national_admin, scene):
    appraisal_compute(actor=national_admin.user, programme=scene.programme)
    appraisal_confirm(actor=national_admin.user, programme=scene.programme)
    BaseCapOverride.objects.filter(base=scene.b).update(cap=9)

    with pytest.raises(AlreadyConfirmed, match=r"2024年度考核已于 .* 确认"):
        appraisal_confirm(actor=national_admin.user, programme=scene.programme)

    assert BaseCapOverride.objects.get(base=scene.b).cap == 9
    assert AuditEntry.objects.filter(action="appraisal.confirmed").count() == 1


def test_a_provincial_admin_may_neither_compute_nor_confirm(national_admin, zhejiang_admin, scene):
    with pytest.raises(RunNotPermitted, match="只有部级管理员"):
        appraisal_compute(actor=zhejiang_admin.user, programme=scene.programme)
    assert not AppraisalRun.objects.exists()
    appraisal_compute(actor=national_admin.user, programme=scene.programme)

    with pytest.raises(RunNotPermitted, match="只有部级管理员可以计算和确认"):
        appraisal_confirm(actor=zhejiang_admin.user, programme=scene.programme)

    assert not BaseCapOverride.objects.exists()
    assert AppraisalRun.objects.get().status == AppraisalRun.Status.DRAFT


def test_a_row_without_a_score_cannot_be_confirmed(national_admin, scene):
    run = appraisal_compute(actor=national_admin.user, programme=scene.programme)

    with pytest.raises(NoProposal, match="杭州科技职业技术学院没有可用的考核数据"):
        appraisal_confirm(
            actor=national_admin.user,
            programme=scene.programme,
            row_ids=[row(run, scene.a).pk, row(run, scene.c).pk],
        )

    assert not BaseCapOverride.objects.exists()
    assert AppraisalRun.objects.get().status == AppraisalRun.Status.DRAFT


def test_an_unknown_indicator_code_in_the_policy_is_named_and_nothing_is_computed(
    national_admin, tree
):
    programme = make_programme(
        "p-unknown", 2024, appraisal={"weights": {"execution": 50, "spot_chek": 50}}
    )

    with pytest.raises(UnknownIndicator, match="“spot_chek”不存在（可用的指标：execution、"):
        appraisal_compute(actor=national_admin.user, programme=programme)

    assert not AppraisalRun.objects.exists()


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"execution": -10, "pass_rate": 50}, "指标权重不能为负数：execution"),
        ({"execution": 0, "pass_rate": 0}, "各项指标的权重之和须大于 0"),
    ],
)
def test_negative_weights_or_weights_summing_to_zero_are_refused_and_the_policy_kept(
    national_admin, scene, weights, message
):
    programme = scene.programme
    before = programme.policy
    settings = programme.rules.appraisal.model_dump(mode="json")
    settings["weights"] = weights

    with pytest.raises(PolicyInvalid, match=message):
        programme_update_policy(
            actor=national_admin.user, programme=programme, sections={"appraisal": settings}
        )

    programme.refresh_from_db()
    assert programme.policy == before
    with pytest.raises(ValidationError, match=message):
        Appraisal(weights=weights)


def test_a_year_without_bases_gives_an_empty_run_not_an_error(national_admin, tree):
    programme = make_programme("p-empty", 2030)

    run = appraisal_compute(actor=national_admin.user, programme=programme)

    assert run.rows.count() == 0 and run.year == 2030


def test_an_indicator_another_app_registers_counts_with_its_weight(national_admin, scene):
    def site_visit(year, base_ids):
        return {pk: 50.0 if pk == scene.a.pk else None for pk in base_ids}

    indicators.register(indicators.Indicator("site_visit", "实地走访", site_visit))
    try:
        programme = scene.programme
        settings = programme.rules.appraisal.model_dump(mode="json")
        settings["weights"] = {"execution": 40, "site_visit": 60}
        programme_update_policy(
            actor=national_admin.user, programme=programme, sections={"appraisal": settings}
        )
        run = appraisal_compute(actor=national_admin.user, programme=programme)
    finally:
        indicators._REGISTRY.pop("site_visit")

    assert row(run, scene.a).total == Decimal("60.00")  # 0.4 × 75 + 0.6 × 50
    assert row(run, scene.b).total == Decimal("100.00")  # no visit: execution alone
    assert run.indicators == {"execution": "项目执行率", "site_visit": "实地走访"}
