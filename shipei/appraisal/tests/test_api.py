"""The assessment over the API: the same services and scope as the pages."""

from shipei.appraisal.models import AppraisalRun
from shipei.core.tests.api_helpers import api_as, error
from shipei.projects.models import BaseCapOverride


def test_the_ministry_computes_and_confirms_chosen_rows(national_admin, scene):
    api = api_as(national_admin)
    address = f"/api/v1/appraisals/{scene.programme.pk}/"
    assert api.get(address).json()["run"] is None

    body = api.post(f"{address}compute/").json()
    assert body["run"]["status"] == "draft" and body["may_run"]
    assert body["run"]["weights"] == {"execution": 40.0, "pass_rate": 30.0, "satisfaction": 30.0}
    first = body["rows"][0]
    assert (first["base_name"], first["rank"], first["total"]) == (
        "南京工业职业技术大学",
        1,
        "100.00",
    )
    assert first["scores"]["satisfaction"] is None and first["partial"]

    body = api.post(f"{address}confirm/", {"rows": [first["id"]]}, format="json").json()
    assert body["run"]["status"] == "confirmed"
    assert [r["confirmed"] for r in body["rows"]] == [True, False, False]
    assert BaseCapOverride.objects.get().cap == 4
    error(api.post(f"{address}confirm/", {}, format="json"), 409, "appraisal_confirmed")


def test_a_province_reads_its_bases_and_may_not_confirm(national_admin, zhejiang_admin, scene):
    api_as(national_admin).post(f"/api/v1/appraisals/{scene.programme.pk}/compute/")
    api = api_as(zhejiang_admin)
    address = f"/api/v1/appraisals/{scene.programme.pk}/"

    assert api.get(address).json()["run"] is None  # not yet confirmed
    error(api.post(f"{address}confirm/", {}, format="json"), 403, "appraisal_not_permitted")
    assert AppraisalRun.objects.get().status == "draft"

    api_as(national_admin).post(f"{address}confirm/", {}, format="json")
    rows = api.get(address).json()["rows"]
    assert {r["base_name"] for r in rows} == {"杭州职业技术学院", "杭州科技职业技术学院"}


def test_bad_row_ids_are_refused_in_chinese(national_admin, scene):
    api = api_as(national_admin)
    address = f"/api/v1/appraisals/{scene.programme.pk}/"
    api.post(f"{address}compute/")

    body = error(api.post(f"{address}confirm/", {"rows": ["x"]}, format="json"), 400)

    assert "rows" in body["fields"]
    assert AppraisalRun.objects.get().status == "draft"


def test_a_programme_out_of_reach_is_404(school_coordinator, scene):
    response = api_as(school_coordinator).get(f"/api/v1/appraisals/{scene.programme.pk}/")
    assert response.status_code == 404
