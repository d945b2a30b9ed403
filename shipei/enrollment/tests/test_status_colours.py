"""A status has one colour, and its word, on every page that shows it (issue 12: 审核中 was green
on the dashboard and amber elsewhere). The colours come from one mapping per lifecycle; these
tests render every place that shows a status and fail when one of them drifts from it."""

import re
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from shipei.enrollment import services
from shipei.enrollment import tables as enrollment_tables
from shipei.enrollment.models import STATUS_BADGES, Enrollment
from shipei.projects import tables as project_tables
from shipei.projects.models import STATUS_BADGES as PROJECT_BADGES
from shipei.projects.models import Project

pytestmark = pytest.mark.django_db
BADGE_CLASSES = {"sp-badge-ok", "sp-badge-warn", "sp-badge-off"}


def badge_of(html: str, word: str) -> set[str]:
    """The classes of every badge on the page that says `word`."""
    found = re.findall(r'<span class="badge ([^"]+)">\s*' + re.escape(word) + r"\s*</span>", html)
    assert found, f"no badge saying {word}"
    return set(found)


def test_every_status_has_one_of_the_house_colours():
    assert set(STATUS_BADGES) == set(Enrollment.Status.values)
    assert set(PROJECT_BADGES) == set(Project.Status.values)
    assert set(STATUS_BADGES.values()) | set(PROJECT_BADGES.values()) <= BADGE_CLASSES


def test_in_review_is_amber_and_admitted_green():
    assert STATUS_BADGES[Enrollment.Status.SUBMITTED] == "sp-badge-warn"
    assert STATUS_BADGES[Enrollment.Status.ADMITTED] == "sp-badge-ok"


@pytest.mark.parametrize("status", Enrollment.Status.values)
def test_an_enrollment_status_has_its_colour_on_every_page(
    client: Any, teacher: Any, self_programme: Any, status: str
) -> None:
    enrollment = services.enrollment_submit(
        actor=teacher.user,
        programme=self_programme,
        item="p1",
        person=teacher.person,
        channel="self_registration",
    )
    # Live, whatever the status: the dashboard lists live enrollments only.
    Enrollment.objects.filter(pk=enrollment.pk).update(status=status)
    enrollment.refresh_from_db()
    word, colour = enrollment.get_status_display(), STATUS_BADGES[status]
    client.force_login(teacher.user)

    places = {
        "_status.html": render_to_string("enrollment/_status.html", {"enrollment": enrollment}),
        "list tables": str(
            enrollment_tables.EnrollmentTable([enrollment]).rows[0].get_cell("status")
        ),
        "dashboard": client.get(reverse("dashboard")).content.decode(),
        "我的报名": client.get(reverse("enrollment:mine")).content.decode(),
        "报名详情": client.get(enrollment.get_absolute_url()).content.decode(),
        "报名": client.get(reverse("enrollment:apply")).content.decode(),
    }

    assert {place: badge_of(html, word) for place, html in places.items()} == {
        place: {colour} for place in places
    }


@pytest.mark.parametrize("status", Project.Status.values)
def test_a_project_status_has_its_colour_on_every_page(
    client: Any, teacher: Any, open_class: Any, status: str
) -> None:
    project = open_class.project
    Project.objects.filter(pk=project.pk).update(status=status)
    project.refresh_from_db()
    word, colour = project.get_status_display(), PROJECT_BADGES[status]

    places = {
        "_status.html": render_to_string("projects/_status.html", {"project": project}),
        "tables": str(project_tables.ProjectTable([project]).rows[0].get_cell("status")),
    }
    client.force_login(teacher.user)
    catalogue = client.get(reverse("projects:catalogue_detail", args=[project.pk]))
    if catalogue.status_code == 200:  # listed in the catalogue
        places["项目目录"] = catalogue.content.decode()

    assert {place: badge_of(html, word) for place, html in places.items()} == {
        place: {colour} for place in places
    }
