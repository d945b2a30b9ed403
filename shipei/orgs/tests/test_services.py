import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import uscc

from shipei.audit.models import AuditEntry
from shipei.core.errors import NotPermitted
from shipei.orgs import services
from shipei.orgs.errors import OrgHasDependants, OrgMoveIntoOwnSubtree
from shipei.orgs.models import Designation, Organisation, Region


def _new_school(actor, parent, **extra):
    fields = {
        "name": "杭州市新建职业学校",
        "kind": Organisation.Kind.SCHOOL,
        "school_kind": Organisation.SchoolKind.SECONDARY,
        "school_code": "3133019999",
        "region": Region.objects.get(code="330100"),
    }
    fields.update(extra)
    return services.org_create(actor=actor.user, parent=parent, **fields)


def test_create_school_sets_path_under_parent_and_records_who_did_it(zhejiang_admin, tree):
    org = _new_school(zhejiang_admin, tree["hz"])
    assert org.path == f"{tree['hz'].path}{org.pk}/"
    assert org.depth == tree["hz"].depth + 1
    assert (
        AuditEntry.objects.get(action="org.created", target_id=str(org.pk)).actor
        == zhejiang_admin.user
    )


def test_create_outside_scope_is_refused(jiangsu_admin, tree):
    with pytest.raises(NotPermitted):
        _new_school(jiangsu_admin, tree["hz"])
    assert not Organisation.objects.filter(name="杭州市新建职业学校").exists()


def test_school_under_education_department_needs_a_school_code(zhejiang_admin, tree):
    with pytest.raises(ValidationError) as exc:
        _new_school(zhejiang_admin, tree["hz"], school_code="")
    assert "学校标识码" in exc.value.message_dict["school_code"][0]


def test_technical_school_may_have_no_school_code(national_admin, tree):
    hr = services.org_bootstrap(
        parent=None, name="人力资源和社会保障部", kind=Organisation.Kind.MINISTRY
    )
    prov = services.org_bootstrap(
        parent=hr,
        name="浙江省人力资源和社会保障厅",
        kind=Organisation.Kind.PROVINCE_HR,
        region=Region.objects.get(code="330000"),
    )
    school = services.org_bootstrap(
        parent=prov,
        name="杭州技师学院",
        kind=Organisation.Kind.SCHOOL,
        school_kind=Organisation.SchoolKind.TECHNICAL,
        school_code=None,
    )
    assert school.school_code is None


def test_bad_school_code_and_duplicate_code_are_refused(zhejiang_admin, tree):
    with pytest.raises(ValidationError, match="10位数字"):
        _new_school(zhejiang_admin, tree["hz"], school_code="31330")
    with pytest.raises(ValidationError):
        _new_school(zhejiang_admin, tree["hz"], school_code=tree["hz_school"].school_code)


def test_enterprise_needs_a_valid_credit_code(zhejiang_admin, tree):
    base = "91330106MA2B3K7P5"
    with pytest.raises(ValidationError, match="统一社会信用代码"):
        services.org_create(
            actor=zhejiang_admin.user,
            parent=tree["zj"],
            name="某科技有限公司",
            kind=Organisation.Kind.ENTERPRISE,
            credit_code=base + "0" if uscc.calc_check_digit(base) != "0" else base + "1",
        )
    org = services.org_create(
        actor=zhejiang_admin.user,
        parent=tree["zj"],
        name="某科技有限公司",
        kind=Organisation.Kind.ENTERPRISE,
        credit_code=(base + uscc.calc_check_digit(base)).lower(),
    )
    assert org.credit_code == base + uscc.calc_check_digit(base)


def test_city_bureau_cannot_sit_under_another_city_or_a_school(zhejiang_admin, tree):
    with pytest.raises(ValidationError, match="不能设在"):
        services.org_create(
            actor=zhejiang_admin.user,
            parent=tree["hz"],
            name="宁波市教育局",
            kind=Organisation.Kind.CITY_EDU,
            region=Region.objects.get(code="330200"),
        )


def test_too_long_name_is_refused(zhejiang_admin, tree):
    with pytest.raises(ValidationError) as exc:
        _new_school(zhejiang_admin, tree["hz"], name="职" * 101)
    assert "name" in exc.value.message_dict


def test_move_rewrites_every_descendant_path(national_admin, tree):
    child = services.org_bootstrap(
        parent=tree["hz_school"], name="中策校区分部", kind=Organisation.Kind.OTHER
    )
    services.org_update(
        actor=national_admin.user,
        org=tree["hz_school"],
        parent=tree["nj"],
        region=Region.objects.get(code="320100"),
    )
    tree["hz_school"].refresh_from_db()
    child.refresh_from_db()
    assert tree["hz_school"].path.startswith(tree["nj"].path)
    assert child.path == f"{tree['hz_school'].path}{child.pk}/"
    assert child.depth == tree["hz_school"].depth + 1


def test_move_into_own_subtree_is_refused(national_admin, tree):
    with pytest.raises(OrgMoveIntoOwnSubtree):
        services.org_update(actor=national_admin.user, org=tree["zj"], parent=tree["hz"])


def test_deactivate_refuses_while_children_are_active(zhejiang_admin, tree):
    with pytest.raises(OrgHasDependants, match="下级单位"):
        services.org_set_active(actor=zhejiang_admin.user, org=tree["hz"], active=False)
    services.org_set_active(actor=zhejiang_admin.user, org=tree["hz_base"], active=False)
    tree["hz_base"].refresh_from_db()
    assert not tree["hz_base"].is_active


def test_alias_must_not_be_another_organisation_name(zhejiang_admin, tree):
    services.org_alias_add(actor=zhejiang_admin.user, org=tree["hz_base"], name="杭州职院")
    with pytest.raises(ValidationError):
        services.org_alias_add(
            actor=zhejiang_admin.user, org=tree["hz_base"], name="杭州市中策职业学校"
        )
    with pytest.raises(ValidationError):
        services.org_alias_add(actor=zhejiang_admin.user, org=tree["hz_school"], name="杭州职院")


def test_one_organisation_can_be_school_and_base_with_several_designations(zhejiang_admin, tree):
    services.designation_add(
        actor=zhejiang_admin.user,
        org=tree["hz_base"],
        kind=Designation.Kind.DUAL_TEACHER_BASE,
        year_from=2023,
        year_to=2027,
    )
    services.designation_add(
        actor=zhejiang_admin.user,
        org=tree["hz_base"],
        kind=Designation.Kind.X_EVALUATION_ORG,
        year_from=2020,
    )
    kinds = set(tree["hz_base"].designations.values_list("kind", flat=True))
    assert kinds == {Designation.Kind.DUAL_TEACHER_BASE, Designation.Kind.X_EVALUATION_ORG}
    assert tree["hz_base"].kind == Organisation.Kind.SCHOOL


def test_designation_years_must_be_ordered(zhejiang_admin, tree):
    with pytest.raises(ValidationError):
        services.designation_add(
            actor=zhejiang_admin.user,
            org=tree["hz_base"],
            kind=Designation.Kind.DUAL_TEACHER_BASE,
            year_from=2027,
            year_to=2023,
        )


def test_region_data_has_bingtuan_and_aliases_match_short_names(db):
    from shipei.orgs.selectors import region_index

    index = region_index()
    assert index["兵团"].code == "660000"
    assert index["内蒙古"].name == "内蒙古自治区"
    assert index["杭州"].name == "杭州市"
    assert Region.objects.filter(level="province").count() == 32


def test_a_refused_move_leaves_the_other_changes_unsaved(national_admin, tree):
    with pytest.raises(ValidationError, match="不属于上级单位所在的省份"):
        services.org_update(
            actor=national_admin.user, org=tree["hz"], parent=tree["js"], name="新名称"
        )
    tree["hz"].refresh_from_db()
    assert tree["hz"].name == "杭州市教育局" and tree["hz"].parent == tree["zj"]


def test_duplicate_codes_are_reported_on_their_field(zhejiang_admin, tree):
    with pytest.raises(ValidationError) as exc:
        _new_school(zhejiang_admin, tree["hz"], school_code=tree["hz_school"].school_code)
    assert exc.value.message_dict["school_code"] == ["该学校标识码已被另一所学校使用。"]
    assert "__all__" not in exc.value.message_dict


def test_city_bureau_must_lie_in_its_province(zhejiang_admin, tree):
    with pytest.raises(ValidationError, match="不属于上级单位所在的省份"):
        services.org_create(
            actor=zhejiang_admin.user,
            parent=tree["zj"],
            name="南京市某局",
            kind=Organisation.Kind.CITY_EDU,
            region=Region.objects.get(code="320100"),
        )
