"""Who draws on which core teachers, and who sees whose staffing: a province's own programme
draws on the province's core teachers and the national ones, never on another province's; a
user of another province finds nothing of it on the pages, in the API or in the exports."""

import io
from types import SimpleNamespace

import openpyxl
import pytest
from django.urls import reverse

from shipei.accounts.models import Role, RoleAssignment, User
from shipei.accounts.tests.factories import PersonFactory
from shipei.core.tests.api_helpers import api_as, error
from shipei.orgs import services as org_services
from shipei.orgs.models import Organisation
from shipei.staffing import selectors, services
from shipei.staffing.models import Assignment

from .conftest import in_days, make_class, make_core_teacher, make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre(tree: dict[str, Organisation]) -> Organisation:
    """A national centre under the ministry, under no province: its core teachers serve all."""
    return org_services.org_bootstrap(
        parent=tree["moe"], name="全国技工院校师资研修中心", kind=Organisation.Kind.MINISTRY_UNIT
    )


@pytest.fixture
def setting(tree, centre):
    """Zhejiang's own programme with one class at 杭州职业技术学院 (2 teaching + 3 assessing
    places); two Zhejiang and two national core teachers fit, and five Jiangsu ones."""
    programme = make_programme(tree["zj"], code="p-zj")
    klass = make_class(programme, tree["hz_base"], start=in_days(40))
    own = [make_core_teacher(tree["hz_school"]) for _ in range(2)]
    national = [make_core_teacher(centre) for _ in range(2)]
    other = [make_core_teacher(tree["nj_school"]) for _ in range(5)]
    return {
        "programme": programme,
        "klass": klass,
        "own": own,
        "national": national,
        "other": other,
    }


def _proposed(klass) -> set[int]:
    return set(
        Assignment.objects.filter(training_class=klass, status="proposed").values_list(
            "core_teacher", flat=True
        )
    )


def test_a_provinces_programme_draws_on_its_own_and_the_national_core_teachers_only(
    zhejiang_admin, setting
):
    klass = setting["klass"]
    reasons = services.class_recommend(actor=zhejiang_admin.user, training_class=klass)

    fitting = {t.pk for t in setting["own"] + setting["national"]}
    assert _proposed(klass) == fitting  # all four, no Jiangsu teacher though five were free
    # The fifth place stays open, and says why: the pool it may draw on is too small.
    assert len(reasons) == 1 and "缺 1 人" in reasons[0]


def test_the_institution_may_prefer_only_core_teachers_its_programme_draws_on(
    client, base_admin, setting
):
    klass, stranger = setting["klass"], setting["other"][0]
    client.force_login(base_admin.user)
    page = client.get(reverse("staffing:class", args=[klass.pk]))
    offered = {t.pk for t in page.context["form"].fields["core_teachers"].queryset}
    assert offered == {t.pk for t in setting["own"] + setting["national"]}
    assert stranger.person.name not in page.content.decode()

    # Asking by number over the API: refused, without giving away whose number it is.
    body = error(
        api_as(base_admin).post(
            f"/api/v1/staffing-classes/{klass.pk}/preferences/",
            {"core_teachers": [stranger.pk]},
            format="json",
        ),
        400,
    )
    assert str(stranger.pk) in str(body["fields"]) and stranger.person.name not in str(body)
    assert not klass.core_preferences.exists()


def test_a_user_of_another_province_finds_nothing_of_the_staffing(
    client, zhejiang_admin, jiangsu_admin, setting
):
    klass, mine = setting["klass"], setting["own"][0]
    half = 1 if klass.starts_on.month <= 6 else 2
    run = services.plan_staff(
        actor=zhejiang_admin.user,
        programme=setting["programme"],
        year=klass.starts_on.year,
        half=half,
    )
    services.class_recommend(actor=zhejiang_admin.user, training_class=klass)  # 4 of 5 places
    proposal = Assignment.objects.filter(training_class=klass).first()

    client.force_login(jiangsu_admin.user)
    assert client.get(reverse("staffing:class", args=[klass.pk])).status_code == 404
    assert client.get(reverse("staffing:teacher_detail", args=[mine.pk])).status_code == 404
    assert client.post(reverse("staffing:invite", args=[proposal.pk])).status_code == 404
    assert client.post(reverse("staffing:class_recommend", args=[klass.pk])).status_code == 404
    # Zhejiang's programme is not Jiangsu's to staff: no half-year page at all.
    assert client.get(reverse("staffing:plan")).status_code == 403
    assert client.get(run.get_absolute_url()).status_code == 404
    pool = {t.pk for t in client.get(reverse("staffing:pool")).context["table"].data}
    assert pool == {t.pk for t in setting["other"]}
    export = client.get(reverse("staffing:pool_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert mine.person.name not in names and setting["other"][0].person.name in names
    assert klass.project.title not in client.get(reverse("staffing:classes")).content.decode()

    api = api_as(jiangsu_admin)
    assert api.get(f"/api/v1/staffing-classes/{klass.pk}/").status_code == 404
    assert api.post(f"/api/v1/staffing-classes/{klass.pk}/recommend/").status_code == 404
    assert api.get(f"/api/v1/core-assignments/{proposal.pk}/").status_code == 404
    assert api.post(f"/api/v1/core-assignments/{proposal.pk}/invite/").status_code == 404
    assert api.get("/api/v1/core-assignments/").json()["results"] == []
    assert api.get(f"/api/v1/staffing-runs/{run.pk}/").status_code == 404
    assert api.get("/api/v1/staffing-runs/").json()["results"] == []
    listed = {r["id"] for r in api.get("/api/v1/core-teachers/").json()["results"]}
    assert mine.pk not in listed
    refused = api.post(
        "/api/v1/staffing-runs/",
        {"programme": setting["programme"].pk, "year": klass.starts_on.year, "half": half},
        format="json",
    )
    assert "programme" in error(refused, 400)["fields"]
    # Nothing of it moved.
    assert Assignment.objects.get(pk=proposal.pk).status == "proposed"


def test_another_institution_does_not_see_or_staff_a_class_it_does_not_run(tree, setting):
    """An institution acts on its own classes only: a base admin elsewhere gets 404."""
    person = PersonFactory(org=tree["hz_school"])
    user = User.objects.create_user(f"p{person.pk}", "Secret123", person=person)
    RoleAssignment.objects.create(user=user, role=Role.BASE_ADMIN, org=tree["hz_school"])
    klass = setting["klass"]
    api = api_as(SimpleNamespace(user=user))
    assert api.get(f"/api/v1/staffing-classes/{klass.pk}/").status_code == 404
    assert api.post(f"/api/v1/staffing-classes/{klass.pk}/recommend/").status_code == 404
    assert selectors.class_list(user=user) == []
