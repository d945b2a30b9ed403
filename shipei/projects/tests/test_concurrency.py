"""The base's cap under concurrent submissions (PostgreSQL: row locks are real there)."""

import threading
from typing import Any

import pytest
from django.db import close_old_connections

from shipei.orgs.models import Designation
from shipei.projects import services
from shipei.projects.errors import BaseCapReached
from shipei.projects.models import Project

from .conftest import make_programme, make_project

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_submissions_at_cap_minus_one_let_exactly_one_through(base_admin: Any) -> None:
    """One place left under the cap and two applications submitted at the same moment: the
    base's row lock makes the second one count the first, so exactly one gets through."""
    Designation.objects.create(
        organisation=base_admin.org, kind="dual_teacher_base", year_from=2023, year_to=2027
    )
    programme = make_programme(base_caps={"per_kind": {"dual_teacher_base": 3}})
    earlier = make_project(base_admin, programme, n_classes=2)
    services.project_submit(actor=base_admin.user, project=earlier)
    racers = [make_project(base_admin, programme, title=f"并发项目{i}") for i in range(2)]
    barrier = threading.Barrier(len(racers))
    outcomes: list[str] = []

    def submit(project: Project) -> None:
        try:
            barrier.wait()
            services.project_submit(actor=base_admin.user, project=project)
            outcomes.append("submitted")
        except BaseCapReached as exc:
            outcomes.append(exc.code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=submit, args=(p,)) for p in racers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["project_cap_reached", "submitted"]
    statuses = sorted(
        Project.objects.filter(pk__in=[p.pk for p in racers]).values_list("status", flat=True)
    )
    assert statuses == [Project.Status.DRAFT, Project.Status.SUBMITTED]
