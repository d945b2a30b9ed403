"""Organisation pages."""

import re

from shipei.orgs import services
from shipei.orgs.models import Organisation, Region


def test_detail_page_offers_no_edit_of_the_admins_own_organisation(client, city_admin, tree):
    client.force_login(city_admin.user)
    assert (
        f"/orgs/{tree['hz'].pk}/edit/" not in client.get(f"/orgs/{tree['hz'].pk}/").content.decode()
    )
    school = client.get(f"/orgs/{tree['hz_school'].pk}/").content.decode()
    assert f"/orgs/{tree['hz_school'].pk}/edit/" in school


def test_the_list_shows_a_schools_level_with_its_type_and_its_code_under_its_name(
    client, national_admin, tree
):
    client.force_login(national_admin.user)

    response = client.get("/orgs/")

    html = response.content.decode()
    assert "学校（中职）" in html
    assert re.search(r"杭州市中策职业学校</a><div[^>]*>学校标识码 3133010901</div>", html)
    headers = [str(column.header) for column in response.context["table"].columns]
    assert headers == ["名称", "类型", "地区", "上级单位", "基地认定", "状态", "更新时间"]


def test_the_region_filter_offers_the_provinces_of_a_national_admins_organisations(
    client, national_admin, tree
):
    client.force_login(national_admin.user)

    form = client.get("/orgs/").context["form"]

    assert [r.name for r in form.fields["region"].queryset] == ["江苏省", "浙江省"]
    assert [v for v, _label in form.fields["kind"].choices] == [
        "",
        "ministry",
        "province_edu",
        "city_edu",
        "school",
    ]


def test_a_provincial_admin_filters_by_the_cities_of_its_province(client, zhejiang_admin, tree):
    services.org_bootstrap(
        parent=tree["zj"],
        name="宁波职业技术学院",
        kind=Organisation.Kind.SCHOOL,
        region=Region.objects.get(code="330200"),
        school_kind=Organisation.SchoolKind.HIGHER,
        school_code="4133010863",
    )
    client.force_login(zhejiang_admin.user)

    form = client.get("/orgs/").context["form"]
    ningbo = client.get("/orgs/", {"region": "330200"}).content.decode()

    assert form.fields["region"].label == "所在城市"
    assert [r.name for r in form.fields["region"].queryset] == ["杭州市", "宁波市"]
    assert "宁波职业技术学院" in ningbo and "杭州市中策职业学校" not in ningbo


def test_a_base_admin_with_one_organisation_is_offered_no_choice_of_kind_or_region(
    client, base_admin
):
    client.force_login(base_admin.user)

    response = client.get("/orgs/")

    assert list(response.context["form"].fields) == ["q", "active"]
    assert "地区</label>" not in response.content.decode()


def test_adding_a_designation_offers_a_chinese_blank_choice(client, national_admin, tree):
    client.force_login(national_admin.user)

    html = client.get(f"/orgs/{tree['hz_base'].pk}/").content.decode()

    assert '<option value="">请选择</option>' in html
    assert "---------" not in html


def test_a_city_creates_a_research_institute_and_a_general_high_school(client, city_admin, tree):
    client.force_login(city_admin.user)
    form = client.get("/orgs/new/").content.decode()
    assert ">科研院所<" in form and ">普通高中<" in form and ">普通本科<" in form
    hangzhou = Region.objects.get(code="330100").pk

    client.post(
        "/orgs/new/",
        {
            "name": "杭州市机电研究所",
            "kind": "research_institute",
            "parent": tree["hz"].pk,
            "region": hangzhou,
        },
    )
    client.post(
        "/orgs/new/",
        {
            "name": "杭州第十四中学",
            "kind": "school",
            "parent": tree["hz"].pk,
            "region": hangzhou,
            "school_kind": "general_high",
            "school_code": "3133000014",
        },
    )

    institute = Organisation.objects.get(name="杭州市机电研究所")
    assert (institute.kind, institute.parent, institute.region_id) == (
        "research_institute",
        tree["hz"],
        hangzhou,
    )
    assert Organisation.objects.get(name="杭州第十四中学").school_kind == "general_high"
    # Nothing sits under a research institute: it is offered as no one's parent.
    parents = client.get("/orgs/new/").content.decode()
    assert f'<option value="{tree["hz"].pk}"' in parents
    assert f'<option value="{institute.pk}"' not in parents
