"""The project workflow's rules: each refusal says why in Chinese and changes nothing."""

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from shipei.accounts.models import Role, RoleAssignment
from shipei.audit.models import AuditEntry
from shipei.classes import services as class_services
from shipei.classes.errors import ProjectLocked
from shipei.core.errors import InvalidTransition, NotPermitted
from shipei.orgs.models import Designation
from shipei.projects import attachments, services
from shipei.projects.errors import (
    ApplicationClosed,
    BaseCapReached,
    CancelNeedsNationalAdmin,
    ExpertNotEligible,
    NoDesignation,
    NotEnoughReviews,
    ReasonRequired,
    ReviewAlreadySubmitted,
)
from shipei.projects.models import Project, Review
from shipei.projects.selectors import review_queue

from .conftest import (
    GOOD_SCORES,
    a_class,
    make_actor,
    make_programme,
    make_project,
    policy_002,
    project_fields,
)


def snapshot(project: Project) -> tuple[Any, ...]:
    project = Project.objects.get(pk=project.pk)
    return (
        project.status,
        project.status_reason,
        project.review_round,
        project.submitted_at,
        project.published_at,
        Review.objects.filter(project=project).count(),
        project.classes.count(),
    )


# --- application ----------------------------------------------------------------------------


def test_base_admin_creates_a_draft_with_a_class_and_it_is_audited(
    base_admin, programme, designated
):
    project = make_project(base_admin, programme)

    assert project.status == Project.Status.DRAFT
    assert project.base == designated
    assert project.base_kind == Designation.Kind.DUAL_TEACHER_BASE
    assert list(project.classes.values_list("seq", flat=True)) == [1]
    entry = AuditEntry.objects.get(action="project.created")
    assert entry.actor == base_admin.user and entry.org == designated


def test_a_project_names_the_major_classes_it_trains_from_the_catalogue_only(
    base_admin, programme, designated
):
    project = make_project(base_admin, programme, field_classes=["自动化类", "机电设备类"])
    assert project.field_classes == ["自动化类", "机电设备类"]

    with pytest.raises(ValidationError) as refused:
        services.project_update(actor=base_admin.user, project=project, field_classes=["数控类"])
    assert "“数控类”不是职业教育专业目录中的专业类" in str(refused.value)
    project.refresh_from_db()
    assert project.field_classes == ["自动化类", "机电设备类"]


def test_base_without_a_designation_for_the_year_cannot_apply(base_admin, programme, tree):
    Designation.objects.create(
        organisation=tree["hz_base"], kind="dual_teacher_base", year_from=2019, year_to=2023
    )
    with pytest.raises(ValidationError) as exc:
        make_project(base_admin, programme)

    assert "请选择本单位可申报的项目类别" in str(exc.value)
    assert not Project.objects.exists()


def test_item_of_another_kind_of_base_is_refused(base_admin, programme, designated):
    with pytest.raises(ValidationError, match="请选择本单位可申报的项目类别"):
        make_project(base_admin, programme, item="principal_base")


def test_base_admin_of_another_base_may_not_apply_for_this_base(programme, designated, tree):
    other = make_actor(Role.BASE_ADMIN, tree["nj_school"])
    with pytest.raises(NotPermitted):
        services.project_create(
            actor=other.user, programme=programme, base=designated, **project_fields()
        )


def test_provincial_admin_sees_but_may_not_apply(zhejiang_admin, programme, designated):
    with pytest.raises(NotPermitted):
        services.project_create(
            actor=zhejiang_admin.user, programme=programme, base=designated, **project_fields()
        )


def test_a_base_with_no_capped_designation_gets_a_clear_message(base_admin, tree):
    programme = make_programme()
    # A designation the programme does not cap, and an item not tied to a kind of base.
    policy = programme.policy
    policy["items"].append({"code": "open", "label": "通用项目", "kind": "training_kind"})
    programme.save()
    Designation.objects.create(organisation=tree["hz_base"], kind="provincial_base")

    with pytest.raises(
        NoDesignation, match="杭州职业技术学院在2024年没有可申报本计划项目的基地认定"
    ):
        make_project(base_admin, reloaded(programme), item="open")


def reloaded(programme: Any) -> Any:
    """The programme read afresh (its typed policy is cached on the instance)."""
    return type(programme).objects.get(pk=programme.pk)


def test_update_changes_fields_and_classes_only_in_draft(base_admin, draft, submitted):
    with pytest.raises(ProjectLocked, match="只有草稿或退回修改的项目可以修改"):
        services.project_update(actor=base_admin.user, project=draft, title="改名")
    with pytest.raises(ProjectLocked):
        class_services.class_add(actor=base_admin.user, project=draft, **a_class())

    assert Project.objects.get(pk=draft.pk).title == "职业院校数字化教学能力提升研修"
    assert draft.classes.count() == 1


def test_update_adds_changes_and_removes_classes_keeping_numbers_in_order(base_admin, draft):
    first = draft.classes.get()
    services.project_update(
        actor=base_admin.user,
        project=draft,
        title="新名称",
        classes=[
            {"pk": first.pk, **a_class(40, capacity=40)},
            a_class(60),
            a_class(80),
        ],
    )
    second = draft.classes.get(seq=2)
    services.project_update(
        actor=base_admin.user, project=draft, classes=[{"pk": second.pk, "delete": True}]
    )

    rows = list(draft.classes.order_by("seq").values_list("seq", "capacity"))
    assert rows == [(1, 40), (2, 50)]
    assert Project.objects.get(pk=draft.pk).title == "新名称"
    assert AuditEntry.objects.filter(action="class.removed").count() == 1


# --- submission -----------------------------------------------------------------------------


def test_submit_moves_the_draft_on_and_records_who_did_it(base_admin, draft):
    services.project_submit(actor=base_admin.user, project=draft)

    draft.refresh_from_db()
    assert draft.status == Project.Status.SUBMITTED
    assert draft.submitted_at is not None
    assert AuditEntry.objects.get(action="project.submitted").actor == base_admin.user


def test_submit_after_the_application_deadline_is_refused_with_the_deadline(
    base_admin, designated, draft
):
    # Notice 002 as printed: applications close on 5月6日 (23:59 Asia/Shanghai).
    draft.programme.policy = policy_002()
    draft.programme.save()
    draft.programme.__dict__.pop("_rules")  # the typed policy is cached on the instance
    before = snapshot(draft)

    with pytest.raises(ApplicationClosed) as exc:
        services.project_submit(actor=base_admin.user, project=draft)

    assert exc.value.message == "项目申报已于 2024-05-06 23:59 截止。"
    assert snapshot(draft) == before
    assert not AuditEntry.objects.filter(action="project.submitted").exists()


def test_submit_lists_every_missing_field_and_the_missing_class(base_admin, programme, designated):
    project = services.project_create(
        actor=base_admin.user,
        programme=programme,
        base=designated,
        item="dual_teacher_base",
        title="未填完的项目",
    )

    with pytest.raises(ValidationError) as exc:
        services.project_submit(actor=base_admin.user, project=project)

    problems = exc.value.message_dict
    assert problems["mode"] == ["请填写培训方式。"]
    assert problems["days"] == ["请填写培训天数。"]
    assert problems["hours"] == ["请填写学时。"]
    assert problems["audience"] == ["请填写培训对象。"]
    assert problems["outline"] == ["请填写内容大纲。"]
    assert problems["classes"] == ["请至少添加一个班次。"]
    assert Project.objects.get(pk=project.pk).status == Project.Status.DRAFT


def test_submit_refuses_a_fee_above_the_items_cap(base_admin, designated):
    programme = make_programme()
    programme.policy["items"][1]["fee_cap_yuan"] = 2000
    programme.save()
    project = make_project(base_admin, reloaded(programme), fee_yuan=2800)

    with pytest.raises(ValidationError) as exc:
        services.project_submit(actor=base_admin.user, project=project)

    assert exc.value.message_dict["fee_yuan"] == [
        "收费标准不得超过 2,000 元/人（国家级职业教育“双师型”教师培训基地项目的上限）。"
    ]
    assert Project.objects.get(pk=project.pk).status == Project.Status.DRAFT


def test_submit_refuses_shares_below_the_policy_minimums(base_admin, designated):
    programme = make_programme(content={"practice_share_min": 0.5, "video_share_min": 0.3})
    project = make_project(base_admin, programme, practice_share=Decimal("0.4"))

    with pytest.raises(ValidationError) as exc:
        services.project_submit(actor=base_admin.user, project=project)

    assert exc.value.message_dict["practice_share"] == ["实践课程占比不得低于 50%，现为 40%。"]
    assert exc.value.message_dict["video_share"] == ["请填写视频资源占比（不低于 30%）。"]


def test_submit_refuses_an_offline_class_without_a_place(base_admin, programme, designated):
    project = make_project(base_admin, programme, n_classes=0)
    class_services.class_add(actor=base_admin.user, project=project, **a_class(place=""))

    with pytest.raises(ValidationError) as exc:
        services.project_submit(actor=base_admin.user, project=project)

    assert exc.value.message_dict["classes"] == ["第1期：线下培训请填写培训地点。"]


def test_submit_over_the_cap_counts_every_class_as_a_project(base_admin, designated):
    programme = make_programme(base_caps={"per_kind": {"dual_teacher_base": 3}})
    first = make_project(base_admin, programme, n_classes=2)
    services.project_submit(actor=base_admin.user, project=first)
    second = make_project(base_admin, programme, n_classes=2)
    before = snapshot(second)

    with pytest.raises(BaseCapReached) as exc:
        services.project_submit(actor=base_admin.user, project=second)

    assert exc.value.message == (
        "国家级职业教育“双师型”教师培训基地每个基地最多发布 3 个项目（一个班次计为一个项目）；"
        "本基地已申报 2 个，本项目有 2 个班次，超出上限。"
    )
    assert snapshot(second) == before
    third = make_project(base_admin, programme, n_classes=1)
    services.project_submit(actor=base_admin.user, project=third)
    assert Project.objects.get(pk=third.pk).status == Project.Status.SUBMITTED


def test_cancelled_and_rejected_projects_free_their_places(
    base_admin, national_admin, expert, designated
):
    programme = make_programme(base_caps={"per_kind": {"dual_teacher_base": 1}})
    first = make_project(base_admin, programme)
    services.project_submit(actor=base_admin.user, project=first)
    services.project_cancel(actor=base_admin.user, project=first, reason="方案调整")
    second = make_project(base_admin, programme)

    services.project_submit(actor=base_admin.user, project=second)

    assert Project.objects.get(pk=second.pk).status == Project.Status.SUBMITTED


def test_a_returned_project_is_fixed_and_resubmitted_into_a_new_review_round(
    base_admin, national_admin, expert, reviewed
):
    services.project_decide(
        actor=national_admin.user, project=reviewed, decision="return", reason="请补充实践安排"
    )
    services.project_update(actor=base_admin.user, project=reviewed, days=8)
    services.project_submit(actor=base_admin.user, project=reviewed)
    services.project_assign_experts(
        actor=national_admin.user, project=reviewed, experts=[expert.user]
    )

    reviewed.refresh_from_db()
    assert reviewed.status == Project.Status.IN_REVIEW
    assert reviewed.review_round == 2
    assert reviewed.reviews.filter(round=2, submitted_at__isnull=True).count() == 1
    # The first round's review does not count for the second round's approval.
    with pytest.raises(
        NotEnoughReviews, match="须有 1 位专家提交评审意见后才能通过，目前已提交 0 位"
    ):
        services.project_decide(actor=national_admin.user, project=reviewed, decision="approve")


# --- experts --------------------------------------------------------------------------------


def test_assigning_an_expert_starts_the_review(national_admin, expert, submitted):
    services.project_assign_experts(
        actor=national_admin.user, project=submitted, experts=[expert.user]
    )

    submitted.refresh_from_db()
    assert submitted.status == Project.Status.IN_REVIEW
    assert submitted.reviews.get().expert == expert.user
    assert AuditEntry.objects.get(action="project.experts_assigned").data["experts"] == [
        expert.user.pk
    ]


def test_an_expert_from_the_applying_base_is_refused(national_admin, base_expert, submitted):
    before = snapshot(submitted)

    with pytest.raises(ExpertNotEligible) as exc:
        services.project_assign_experts(
            actor=national_admin.user, project=submitted, experts=[base_expert.user]
        )

    assert exc.value.message == (
        f"{base_expert.person.name}不能评审该项目：属于申报单位或其下级单位，须回避。"
    )
    assert snapshot(submitted) == before


def test_a_user_without_the_expert_role_cannot_be_assigned(
    national_admin, school_coordinator, submitted
):
    with pytest.raises(ExpertNotEligible, match="未担任评审专家"):
        services.project_assign_experts(
            actor=national_admin.user, project=submitted, experts=[school_coordinator.user]
        )


def test_a_provincial_admin_may_not_assign_experts(zhejiang_admin, expert, submitted):
    with pytest.raises(NotPermitted):
        services.project_assign_experts(
            actor=zhejiang_admin.user, project=submitted, experts=[expert.user]
        )
    assert Project.objects.get(pk=submitted.pk).status == Project.Status.SUBMITTED


def test_experts_cannot_be_assigned_to_a_draft(national_admin, expert, draft):
    with pytest.raises(InvalidTransition, match="当前状态为“草稿”，不能执行此操作"):
        services.project_assign_experts(
            actor=national_admin.user, project=draft, experts=[expert.user]
        )
    assert not Review.objects.exists()


# --- scoring --------------------------------------------------------------------------------


def test_expert_scores_every_criterion_and_the_total_is_kept(expert, in_review):
    review = in_review.reviews.get()

    services.review_submit(actor=expert.user, review=review, scores=GOOD_SCORES, comment="可行")

    review.refresh_from_db()
    assert review.total == 85
    assert review.scores == GOOD_SCORES
    assert review.submitted_at is not None
    assert AuditEntry.objects.get(action="review.submitted").actor == expert.user


def test_another_expert_may_not_score_a_review_not_assigned_to_it(tree, in_review):
    stranger = make_actor(Role.EXPERT_REVIEWER, tree["moe"], person_org=tree["nj_school"])
    review = in_review.reviews.get()

    with pytest.raises(NotPermitted, match="只有分配到该项目的评审专家可以评分"):
        services.review_submit(actor=stranger.user, review=review, scores=GOOD_SCORES, comment="x")
    assert Review.objects.get(pk=review.pk).submitted_at is None


def test_an_expert_whose_role_was_withdrawn_may_not_score(expert, in_review):
    RoleAssignment.objects.filter(user=expert.user).update(is_active=False)
    with pytest.raises(NotPermitted):
        services.review_submit(
            actor=expert.user, review=in_review.reviews.get(), scores=GOOD_SCORES, comment="x"
        )


def test_a_score_out_of_range_says_which_criterion_and_the_range(expert, in_review):
    review = in_review.reviews.get()

    with pytest.raises(ValidationError) as exc:
        services.review_submit(
            actor=expert.user,
            review=review,
            scores={**GOOD_SCORES, "content": 21, "fee": -1},
            comment="",
        )

    problems = exc.value.message_dict
    assert problems["score_content"] == ["“内容设计”的得分应为 0～20 之间的整数。"]
    assert problems["score_fee"] == ["“收费标准”的得分应为 0～20 之间的整数。"]
    assert problems["comment"] == ["请填写评审意见。"]
    review.refresh_from_db()
    assert review.submitted_at is None and review.scores == {}


def test_a_missing_score_is_asked_for(expert, in_review):
    scores = {k: v for k, v in GOOD_SCORES.items() if k != "length"}
    with pytest.raises(ValidationError) as exc:
        services.review_submit(
            actor=expert.user, review=in_review.reviews.get(), scores=scores, comment="好"
        )
    assert exc.value.message_dict["score_length"] == ["请为“项目时长”打分。"]


def test_a_submitted_review_cannot_be_changed(expert, reviewed):
    review = reviewed.reviews.get()

    with pytest.raises(ReviewAlreadySubmitted, match=r"评审意见已于 .* 提交，不能再修改"):
        services.review_submit(
            actor=expert.user, review=review, scores={**GOOD_SCORES, "fee": 1}, comment="改"
        )
    assert Review.objects.get(pk=review.pk).scores["fee"] == 15


# --- decision, publication, cancellation ----------------------------------------------------


def test_approval_needs_the_policy_number_of_submitted_reviews(national_admin, in_review):
    before = snapshot(in_review)
    with pytest.raises(NotEnoughReviews):
        services.project_decide(actor=national_admin.user, project=in_review, decision="approve")
    assert snapshot(in_review) == before


def test_return_and_reject_need_a_reason(national_admin, reviewed):
    with pytest.raises(ReasonRequired, match="请填写退回修改的理由"):
        services.project_decide(actor=national_admin.user, project=reviewed, decision="return")
    with pytest.raises(ReasonRequired, match="请填写不予通过的理由"):
        services.project_decide(
            actor=national_admin.user, project=reviewed, decision="reject", reason="  "
        )
    assert Project.objects.get(pk=reviewed.pk).status == Project.Status.IN_REVIEW


def test_approve_then_publish_puts_the_project_in_the_catalogue(national_admin, reviewed):
    services.project_decide(actor=national_admin.user, project=reviewed, decision="approve")
    services.project_publish(actor=national_admin.user, project=reviewed)

    reviewed.refresh_from_db()
    assert reviewed.status == Project.Status.PUBLISHED
    assert reviewed.published_at is not None
    assert {"project.approved", "project.published"} <= set(
        AuditEntry.objects.values_list("action", flat=True)
    )


def test_publishing_a_draft_is_a_forged_transition_and_changes_nothing(national_admin, draft):
    before = snapshot(draft)
    with pytest.raises(InvalidTransition, match="当前状态为“草稿”"):
        services.project_publish(actor=national_admin.user, project=draft)
    assert snapshot(draft) == before
    assert not AuditEntry.objects.filter(action="project.published").exists()


def test_approving_a_returned_project_is_refused(national_admin, reviewed):
    services.project_decide(
        actor=national_admin.user, project=reviewed, decision="return", reason="补充"
    )
    before = snapshot(reviewed)

    with pytest.raises(InvalidTransition, match="当前状态为“退回修改”"):
        services.project_decide(actor=national_admin.user, project=reviewed, decision="approve")
    assert snapshot(reviewed) == before


def test_a_stale_object_cannot_sneak_a_second_decision_through(national_admin, reviewed):
    stale = Project.objects.get(pk=reviewed.pk)
    services.project_decide(
        actor=national_admin.user, project=reviewed, decision="reject", reason="不符合要求"
    )

    with pytest.raises(InvalidTransition, match="未通过"):
        services.project_decide(actor=national_admin.user, project=stale, decision="approve")
    assert Project.objects.get(pk=reviewed.pk).status == Project.Status.REJECTED


def test_batch_publish_is_all_or_nothing(national_admin, approved, draft):
    with pytest.raises(InvalidTransition):
        services.project_publish_batch(actor=national_admin.user, projects=[approved, draft])
    assert Project.objects.get(pk=approved.pk).status == Project.Status.APPROVED


def test_base_admin_may_not_publish_its_own_project(base_admin, approved):
    with pytest.raises(NotPermitted):
        services.project_publish(actor=base_admin.user, project=approved)


def test_base_withdraws_before_publication_but_not_after(base_admin, national_admin, published):
    with pytest.raises(CancelNeedsNationalAdmin, match="须由部级管理员撤销"):
        services.project_cancel(actor=base_admin.user, project=published, reason="不办了")
    with pytest.raises(ReasonRequired):
        services.project_cancel(actor=national_admin.user, project=published, reason="")

    services.project_cancel(actor=national_admin.user, project=published, reason="基地条件变化")

    published.refresh_from_db()
    assert published.status == Project.Status.CANCELLED
    assert published.status_reason == "基地条件变化"


def test_a_running_project_cannot_be_cancelled(national_admin, published):
    Project.objects.filter(pk=published.pk).update(status=Project.Status.RUNNING)
    with pytest.raises(InvalidTransition, match="实施中"):
        services.project_cancel(actor=national_admin.user, project=published, reason="x")


# --- attachments ----------------------------------------------------------------------------


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_pdf_is_attached_under_a_random_name(base_admin, draft, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("培训方案.pdf", PDF, content_type="application/pdf")

    attachment = attachments.attachment_add(actor=base_admin.user, project=draft, upload=upload)

    assert attachment.name == "培训方案.pdf"
    assert attachment.size == len(PDF)
    assert attachment.file.name.startswith(f"projects/{draft.pk}/")
    assert "培训方案" not in attachment.file.name
    assert (tmp_path / attachment.file.name).read_bytes() == PDF

    attachments.attachment_remove(actor=base_admin.user, attachment=attachment)
    assert not draft.attachments.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00", "只能上传 PDF、Word、Excel、PowerPoint、JPG 或 PNG 文件"),
        ("方案.pdf", b"MZ\x90\x00 not a pdf", "文件内容与扩展名“.pdf”不符"),
        ("空.docx", b"", "文件是空的"),
    ],
)
def test_a_bad_attachment_is_refused(base_admin, draft, settings, tmp_path, name, content, message):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError, match=message):
        attachments.attachment_add(
            actor=base_admin.user, project=draft, upload=SimpleUploadedFile(name, content)
        )
    assert not draft.attachments.exists()


def test_an_attachment_over_20_mb_is_refused(base_admin, draft, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = SimpleUploadedFile("大.pdf", PDF)
    big.size = 20 * 1024 * 1024 + 1
    with pytest.raises(ValidationError, match="文件不能超过 20 MB"):
        attachments.attachment_add(actor=base_admin.user, project=draft, upload=big)


def test_attachments_are_frozen_once_submitted(base_admin, submitted, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ProjectLocked):
        attachments.attachment_add(
            actor=base_admin.user,
            project=submitted,
            upload=SimpleUploadedFile("a.pdf", PDF),
        )


def test_a_province_does_for_its_own_programme_what_the_ministry_does_for_its_own(
    zhejiang_admin, jiangsu_admin, base_admin, designated, expert
):
    programme = make_programme("zj-own")
    programme.owner = zhejiang_admin.org
    programme.save()
    project = services.project_submit(
        actor=base_admin.user, project=make_project(base_admin, programme)
    )
    assert list(review_queue(user=zhejiang_admin.user)) == [project]
    assert list(review_queue(user=jiangsu_admin.user)) == []
    with pytest.raises(NotPermitted):
        services.project_assign_experts(
            actor=jiangsu_admin.user, project=project, experts=[expert.user]
        )
    services.project_assign_experts(
        actor=zhejiang_admin.user, project=project, experts=[expert.user]
    )
    review = project.reviews.get(expert=expert.user)
    services.review_submit(actor=expert.user, review=review, scores=GOOD_SCORES, comment="好")
    services.project_decide(actor=zhejiang_admin.user, project=project, decision="approve")
    published = services.project_publish(actor=zhejiang_admin.user, project=project)
    assert published.status == Project.Status.PUBLISHED
