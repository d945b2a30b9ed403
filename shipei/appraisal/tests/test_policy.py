"""The assessment's settings are a section of the programme's policy, edited in the programme's
editor like the others: weights by indicator code, bands of totals, how a band changes the cap."""

from shipei.programmes.models import Programme
from shipei.programmes.tests.test_views import _section_post

from .conftest import make_programme


def test_the_admin_edits_weights_and_bands_in_the_policy_editor(client, national_admin, tree):
    programme = make_programme("p-edit", 2024)
    client.force_login(national_admin.user)
    url = f"/programmes/{programme.pk}/edit/appraisal/"
    page = client.get(url).content.decode()
    assert "考核指标权重" in page and "得分段与上限调整" in page and "satisfaction 满意度" in page
    data = _section_post(programme, "appraisal")
    data.update({"weights-2-value": "10", "s-cap_change": "percent", "bands-2-change": "20"})

    assert client.post(url, data).status_code == 302

    settings = Programme.objects.get(pk=programme.pk).rules.appraisal
    assert {k: int(v) for k, v in settings.weights.items()} == {
        "execution": 40,
        "pass_rate": 30,
        "satisfaction": 10,
    }
    assert settings.cap_change == "percent" and settings.band_for(90).change == 20
    shown = client.get(programme.get_absolute_url()).content.decode()
    assert "基地年度考核" in shown and "按本年度上限的百分比增减" in shown


def test_a_negative_weight_typed_in_the_editor_is_refused_and_nothing_changes(
    client, national_admin, tree
):
    programme = make_programme("p-edit-bad", 2024)
    before = programme.policy
    client.force_login(national_admin.user)
    data = {**_section_post(programme, "appraisal"), "weights-0-value": "-5"}

    response = client.post(f"/programmes/{programme.pk}/edit/appraisal/", data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "指标权重不能为负数：execution" in page or "确保该值大于或等于0" in page
    assert Programme.objects.get(pk=programme.pk).policy == before
