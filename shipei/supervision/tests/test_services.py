import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shipei.audit.models import AuditEntry
from shipei.classes.tests.conftest import make_004
from shipei.core.errors import InvalidTransition, NotPermitted
from shipei.notifications.models import Notification
from shipei.supervision import errors, sampling, services
from shipei.supervision.models import Inspection, InspectionFile, SpotCheck

from .conftest import draw, hz_inspection, through


def sample_of(spot_check: SpotCheck) -> list[int]:
    return sorted(spot_check.inspections.values_list("training_class_id", flat=True))


# ---- the method ----------------------------------------------------------------------------


def test_same_seed_and_inputs_give_the_same_sample_and_another_seed_another():
    strata = {"": list(range(1, 41))}
    sizes = {"": 5}

    first = sampling.draw("12345", strata, sizes)

    assert sampling.draw("12345", strata, sizes) == first
    assert sampling.draw("12346", strata, sizes) != first
    assert len(set(first)) == 5 and set(first) <= set(strata[""])


def test_allocation_is_proportional_with_the_largest_remainders_and_sums_to_n():
    strata = {"a": list(range(5)), "b": list(range(5, 8)), "c": list(range(8, 10))}

    # exact shares 2.5, 1.5, 1.0: floors 2, 1, 1; the one left goes to the tie's smaller key
    assert sampling.allocate(strata, 5) == {"a": 3, "b": 1, "c": 1}
    for n in range(1, 11):
        sizes = sampling.allocate(strata, n)
        assert sum(sizes.values()) == n
        assert all(sizes[k] <= len(strata[k]) for k in strata)


def test_a_percentage_rounds_up_to_whole_items():
    assert sampling.sample_size(10, percent=25) == 3
    assert sampling.sample_size(7, percent=100) == 7
    assert sampling.sample_size(3, percent=1) == 1


# ---- the draw ------------------------------------------------------------------------------


def test_draw_records_seed_population_and_sample_and_is_audited(world, national_admin):
    spot_check = draw(national_admin, world, size_value=4)

    assert spot_check.seed == "20260601" and spot_check.seed_entered
    assert spot_check.inputs["population"] == sorted(c.pk for c in world.classes)
    assert spot_check.population_size == 10 and spot_check.sample_size == 4
    assert spot_check.inspections.count() == 4
    assert set(spot_check.inspections.values_list("status", flat=True)) == {"drawn"}
    entry = AuditEntry.objects.get(action="supervision.drawn")
    assert entry.data["seed"] == "20260601" and entry.data["sample"] == sample_of(spot_check)


def test_a_draw_with_the_same_seed_and_inputs_picks_the_same_classes(world, national_admin):
    first = draw(national_admin, world, size_value=4)
    again = draw(national_admin, world, size_value=4)
    other = draw(national_admin, world, size_value=4, seed="778")

    assert sample_of(again) == sample_of(first)
    assert sample_of(other) != sample_of(first)


def test_without_a_seed_the_system_draws_one_and_records_it(world, national_admin):
    spot_check = draw(national_admin, world, seed="")

    assert spot_check.seed.isdigit() and not spot_check.seed_entered
    assert services.spot_check_reproduce(spot_check).matches


def test_reproduction_from_the_record_matches_and_a_changed_sample_does_not(world, national_admin):
    spot_check = draw(national_admin, world, size_value=4, stratify="region")
    assert services.spot_check_reproduce(spot_check).matches

    chosen = set(sample_of(spot_check))
    outsider = next(c for c in world.classes if c.pk not in chosen)
    Inspection.objects.filter(pk=spot_check.inspections.first().pk).update(training_class=outsider)

    result = services.spot_check_reproduce(spot_check)
    assert not result.matches and result.sample != result.recorded


def test_stratified_by_region_gives_each_province_its_share(world, national_admin):
    spot_check = draw(
        national_admin, world, size_kind="percent", size_value="50", stratify="region"
    )

    strata = {s["label"]: s for s in spot_check.inputs["strata"]}
    assert set(strata) == {"浙江省", "江苏省"}
    assert strata["浙江省"]["size"] == 3 and strata["江苏省"]["size"] == 2
    assert spot_check.sample_size == 5 == spot_check.inspections.count()
    js = spot_check.inspections.filter(base__region__code__startswith="32").count()
    assert js == 2


def test_stratified_by_base_kind_sizes_sum_to_the_sample(world, national_admin):
    spot_check = draw(national_admin, world, size_value=5, stratify="base_kind")

    sizes = {s["key"]: s["size"] for s in spot_check.inputs["strata"]}
    assert sizes == {"dual_teacher_base": 3, "enterprise_practice_base": 2}
    assert spot_check.inspections.count() == 5


def test_projects_can_be_drawn_and_draft_and_cancelled_ones_never(world, national_admin):
    spot_check = draw(national_admin, world, target="project", size_value=10)

    titles = set(spot_check.inspections.values_list("project__title", flat=True))
    assert len(titles) == 10 and not titles & {"草稿项目", "撤销项目"}


def test_a_province_draws_only_from_its_own_subtree(world, zhejiang_admin):
    spot_check = draw(zhejiang_admin, world, size_kind="percent", size_value=100)

    assert spot_check.area == zhejiang_admin.org
    assert spot_check.population_size == 6
    assert not spot_check.inspections.filter(base__region__code__startswith="32").exists()


@pytest.mark.parametrize(
    ("kind", "value", "error", "message"),
    [
        ("count", 0, errors.BadSampleCount, "抽取数量应在 1 到 10 之间"),
        ("count", 11, errors.BadSampleCount, "当前为 11"),
        ("count", "2.5", errors.BadSampleCount, "抽取数量应在"),
        ("percent", 0, errors.BadSamplePercent, "抽取比例应大于 0"),
        ("percent", "100.5", errors.BadSamplePercent, "当前为 100.5"),
        ("percent", "abc", errors.BadSamplePercent, "抽取比例"),
    ],
)
def test_a_size_out_of_bounds_is_refused_and_nothing_saved(
    world, national_admin, kind, value, error, message
):
    with pytest.raises(error, match=message):
        draw(national_admin, world, size_kind=kind, size_value=value)
    assert not SpotCheck.objects.exists() and not Inspection.objects.exists()


def test_an_empty_population_is_refused(world, national_admin):
    empty = make_004("p-empty")

    with pytest.raises(errors.EmptyPopulation, match="没有可抽检的班次"):
        services.spot_check_draw(
            actor=national_admin.user,
            programme=empty,
            target="class",
            size_kind="count",
            size_value=1,
        )
    assert not SpotCheck.objects.exists()


def test_a_draw_outside_the_actors_scope_is_refused_and_nothing_saved(world, zhejiang_admin, tree):
    with pytest.raises(errors.OutsideArea, match="江苏省教育厅”不在您的管辖范围内"):
        draw(zhejiang_admin, world, area=tree["js"])
    assert not SpotCheck.objects.exists()
    assert not AuditEntry.objects.filter(action="supervision.drawn").exists()


def test_a_base_or_a_city_may_not_draw(world, base_admin, city_admin):
    for who in (base_admin, city_admin):
        with pytest.raises(NotPermitted):
            draw(who, world)
    assert not SpotCheck.objects.exists()


def test_a_seed_that_is_not_a_number_is_refused(world, national_admin):
    with pytest.raises(errors.BadSeed, match="随机种子只能是"):
        draw(national_admin, world, seed="abc")
    assert not SpotCheck.objects.exists()


def test_a_seed_in_full_width_digits_is_read_as_digits(world, national_admin):
    assert draw(national_admin, world, seed="２０２６").seed == "2026"


# ---- the inspection's steps ----------------------------------------------------------------


@pytest.fixture
def case(world, zhejiang_admin):
    return hz_inspection(draw(zhejiang_admin, world, size_kind="percent", size_value=100))


def test_an_inspection_goes_from_drawn_to_closed_audited_and_told(
    case, zhejiang_admin, city_admin, base_admin
):
    through(case, zhejiang_admin, city_admin, base_admin, "closed")

    case.refresh_from_db()
    assert case.status == Inspection.Status.CLOSED
    assert case.rating == "good" and case.score == 85
    assert case.files.get().kind == InspectionFile.Kind.FINDING
    actions = list(
        AuditEntry.objects.filter(target_type="supervision.inspection", target_id=str(case.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "supervision.assigned",
        "supervision.inspected",
        "supervision.responded",
        "supervision.closed",
    ]
    inspector_titles = Notification.objects.filter(user=city_admin.user).values_list(
        "title", flat=True
    )
    assert any(t.startswith("请检查") for t in inspector_titles)
    base_titles = Notification.objects.filter(user=base_admin.user).values_list("title", flat=True)
    assert any(t.startswith("抽检结果待回复") for t in base_titles)
    assert any(t.startswith("抽检已结案") for t in base_titles)


def test_the_base_is_told_nothing_before_the_inspection(
    case, zhejiang_admin, city_admin, base_admin
):
    through(case, zhejiang_admin, city_admin, base_admin, "assigned")

    assert not Notification.objects.filter(user=base_admin.user).exists()


def test_a_rating_outside_the_scale_is_refused(case, zhejiang_admin, city_admin, base_admin):
    through(case, zhejiang_admin, city_admin, base_admin, "assigned")

    with pytest.raises(errors.BadRating, match="优秀、良好、合格或不合格"):
        services.inspection_record(
            actor=city_admin.user, inspection=case, findings="好", rating="5"
        )
    case.refresh_from_db()
    assert case.status == "assigned" and case.rating == "" and case.findings == ""


def test_only_the_assigned_inspector_records_the_finding(case, zhejiang_admin, city_admin, expert):
    through(case, zhejiang_admin, city_admin, None, "assigned")

    with pytest.raises(errors.NotTheInspector):
        services.inspection_record(actor=expert.user, inspection=case, findings="好", rating="good")
    case.refresh_from_db()
    assert case.status == "assigned"


def test_a_file_that_is_not_a_photo_or_pdf_is_refused_and_nothing_kept(
    case, zhejiang_admin, city_admin
):
    through(case, zhejiang_admin, city_admin, None, "assigned")
    fake = SimpleUploadedFile("现场.jpg", b"MZ\x90\x00 not a photo")

    with pytest.raises(errors.BadFile, match="文件内容与扩展名"):
        services.inspection_record(
            actor=city_admin.user, inspection=case, findings="好", rating="good", files=[fake]
        )
    with pytest.raises(errors.BadFile, match="只能上传照片"):
        services.inspection_record(
            actor=city_admin.user,
            inspection=case,
            findings="好",
            rating="good",
            files=[SimpleUploadedFile("a.exe", b"MZ")],
        )
    case.refresh_from_db()
    assert case.status == "assigned" and not InspectionFile.objects.exists()


def test_a_response_by_someone_not_of_the_base_is_refused(
    case, zhejiang_admin, city_admin, base_admin, nj_base_admin
):
    through(case, zhejiang_admin, city_admin, base_admin, "inspected")

    with pytest.raises(errors.NotTheBase, match="只有“杭州职业技术学院”的管理员可以回复"):
        services.inspection_respond(actor=nj_base_admin.user, inspection=case, response="已整改")
    case.refresh_from_db()
    assert case.status == "inspected" and case.response == ""


@pytest.mark.parametrize(
    ("reached", "step"),
    [("drawn", "record"), ("drawn", "close"), ("assigned", "respond"), ("inspected", "close")],
)
def test_a_step_out_of_order_is_refused(
    case, zhejiang_admin, city_admin, base_admin, reached, step
):
    if reached != "drawn":
        through(case, zhejiang_admin, city_admin, base_admin, reached)
    calls = {
        "record": lambda: services.inspection_record(
            actor=city_admin.user, inspection=case, findings="好", rating="good"
        ),
        "respond": lambda: services.inspection_respond(
            actor=base_admin.user, inspection=case, response="已整改"
        ),
        "close": lambda: services.inspection_close(actor=zhejiang_admin.user, inspection=case),
    }

    with pytest.raises(InvalidTransition, match="当前状态为"):
        calls[step]()
    case.refresh_from_db()
    assert case.status == reached and case.closed_at is None


def test_only_admins_or_experts_in_reach_may_be_sent(case, zhejiang_admin, expert, base_admin):
    # 赵检查 is the ministry's expert: beyond a province's reach.
    with pytest.raises(errors.NotInspectable, match="不能担任检查人"):
        services.inspection_assign(
            actor=zhejiang_admin.user, inspection=case, inspector=expert.user
        )
    with pytest.raises(errors.NotInspectable):
        services.inspection_assign(
            actor=zhejiang_admin.user, inspection=case, inspector=base_admin.user
        )
    case.refresh_from_db()
    assert case.status == "drawn" and case.inspector is None


def test_another_province_may_neither_assign_nor_close(case, jiangsu_admin, city_admin):
    with pytest.raises(NotPermitted):
        services.inspection_assign(
            actor=jiangsu_admin.user, inspection=case, inspector=city_admin.user
        )
