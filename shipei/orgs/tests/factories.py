from typing import Any

import factory

from shipei.orgs import services
from shipei.orgs.models import Organisation, Region


def build_tree() -> dict[str, Organisation]:
    """A small two-province tree built through the real service (paths and checks included)."""
    r = {
        code: Region.objects.get(code=code)
        for code in ("110000", "330000", "330100", "320000", "320100")
    }
    moe = services.org_bootstrap(parent=None, name="教育部", kind=Organisation.Kind.MINISTRY)
    zj = services.org_bootstrap(
        parent=moe, name="浙江省教育厅", kind=Organisation.Kind.PROVINCE_EDU, region=r["330000"]
    )
    hz = services.org_bootstrap(
        parent=zj, name="杭州市教育局", kind=Organisation.Kind.CITY_EDU, region=r["330100"]
    )
    hz_school = services.org_bootstrap(
        parent=hz,
        name="杭州市中策职业学校",
        kind=Organisation.Kind.SCHOOL,
        region=r["330100"],
        school_kind=Organisation.SchoolKind.SECONDARY,
        school_code="3133010901",
    )
    hz_base = services.org_bootstrap(
        parent=hz,
        name="杭州职业技术学院",
        kind=Organisation.Kind.SCHOOL,
        region=r["330100"],
        school_kind=Organisation.SchoolKind.HIGHER,
        school_code="4133012863",
    )
    js = services.org_bootstrap(
        parent=moe, name="江苏省教育厅", kind=Organisation.Kind.PROVINCE_EDU, region=r["320000"]
    )
    nj = services.org_bootstrap(
        parent=js, name="南京市教育局", kind=Organisation.Kind.CITY_EDU, region=r["320100"]
    )
    nj_school = services.org_bootstrap(
        parent=nj,
        name="南京市莫愁中等专业学校",
        kind=Organisation.Kind.SCHOOL,
        region=r["320100"],
        school_kind=Organisation.SchoolKind.SECONDARY,
        school_code="3132010122",
    )
    return {
        "moe": moe,
        "zj": zj,
        "hz": hz,
        "hz_school": hz_school,
        "hz_base": hz_base,
        "js": js,
        "nj": nj,
        "nj_school": nj_school,
    }


class SchoolFactory(factory.django.DjangoModelFactory):
    """A school under a given parent; the path is set the way the service sets it."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试职业学校{n}")
    kind = Organisation.Kind.SCHOOL
    school_kind = Organisation.SchoolKind.SECONDARY
    school_code = factory.Sequence(lambda n: f"41{n:08d}")

    @classmethod
    def _create(
        cls, model_class: Any, *args: Any, parent: Organisation, **kwargs: Any
    ) -> Organisation:
        return services.org_bootstrap(parent=parent, **kwargs)
