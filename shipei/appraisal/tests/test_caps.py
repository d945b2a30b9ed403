"""The caps a confirmed assessment sets are what the projects app holds the bases to in the
next year (projects.selectors.base_cap), where that year's policy adjusts caps by performance."""

import pytest

from shipei.appraisal.services import appraisal_compute, appraisal_confirm
from shipei.projects import services as projects
from shipei.projects.errors import AdjustedCapReached, BaseCapReached
from shipei.projects.models import Project
from shipei.projects.tests.conftest import make_project

from .conftest import make_programme


@pytest.fixture
def confirmed(national_admin, scene):
    appraisal_compute(actor=national_admin.user, programme=scene.programme)
    appraisal_confirm(actor=national_admin.user, programme=scene.programme)
    return scene


def test_a_confirmed_cap_binds_next_years_submissions_only_where_the_policy_adjusts_caps(
    confirmed,
):
    """B scored 100 and may publish 4 projects in 2025 instead of the policy's 2."""
    b_admin = confirmed.b_admin
    adjusted = make_programme("p2025", 2025)  # the 002 preset adjusts caps by performance
    fixed = make_programme("p2025-fixed", 2025, base_caps={"adjusted_by_performance": False})

    three = make_project(b_admin, adjusted, n_classes=3)
    assert projects.project_submit(actor=b_admin.user, project=three).status == "submitted"
    one_more = make_project(b_admin, adjusted, n_classes=2)
    with pytest.raises(AdjustedCapReached, match=r"根据上一年度考核，本基地.*最多发布 4 个项目"):
        projects.project_submit(actor=b_admin.user, project=one_more)
    assert Project.objects.get(pk=one_more.pk).status == Project.Status.DRAFT

    elsewhere = make_project(b_admin, fixed, n_classes=3)
    with pytest.raises(BaseCapReached, match="每个基地最多发布 2 个项目"):
        projects.project_submit(actor=b_admin.user, project=elsewhere)


def test_the_assessed_years_own_programmes_keep_their_caps(confirmed):
    """The 2024 assessment sets 2025's caps, never 2024's."""
    b_admin = confirmed.b_admin
    same_year = make_programme("p2024-b", 2024)
    with pytest.raises(BaseCapReached, match="最多发布 2 个项目"):
        projects.project_submit(
            actor=b_admin.user, project=make_project(b_admin, same_year, n_classes=3)
        )
