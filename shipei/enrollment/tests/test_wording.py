"""What each enrollment event says to the teacher: who decided and what happens next, in the
words a teacher uses (issue 12)."""

import pytest

from shipei.enrollment.wording import REASON_IN_TITLE, teacher_notice


def notice(action: str, **given: object) -> tuple[str, str] | None:
    facts = {"by": None, "next_by": None, "admitted": False, "waitlisted": False, "reason": ""}
    return teacher_notice(action, **{**facts, **given})


@pytest.mark.parametrize(
    ("action", "given", "title", "body"),
    [
        ("submitted", {"next_by": "school_coordinator"}, "已提交报名", "下一步：等待学校审核。"),
        (
            "submitted",
            {"waitlisted": True},
            "已进入候补",
            "名额已满，有名额空出时将按报名先后依次递补。",
        ),
        ("submitted", {"admitted": True}, "已被录取", ""),
        (
            "approved",
            {"by": "school_coordinator", "next_by": "base_admin"},
            "学校已审核通过",
            "下一步：等待培训机构审核。",
        ),
        (
            "approved",
            {"by": "base_admin", "admitted": True},
            "已被录取",
            "培训机构已审核通过，您已被录取。",
        ),
        (
            "rejected",
            {"by": "city_admin", "reason": "教龄不足"},
            "未通过审核：教龄不足",
            "市级主管部门未通过您的报名。理由：教龄不足",
        ),
        (
            "returned",
            {"by": "provincial_admin", "reason": "请补充职称证明"},
            "被退回修改：请补充职称证明",
            "省级主管部门退回了报名，修改后可重新提交。理由：请补充职称证明",
        ),
        (
            "resubmitted",
            {"next_by": "national_admin"},
            "已重新提交报名",
            "下一步：等待项目主管部门审核。",
        ),
        ("withdrawn", {"reason": "时间冲突"}, "已撤回报名", "理由：时间冲突"),
        (
            "promoted",
            {"next_by": "city_admin"},
            "已由候补转为正式报名",
            "下一步：等待市级主管部门审核。",
        ),
        (
            "project_cancelled",
            {"reason": "承训单位撤销项目"},
            "培训项目已撤销",
            "承训单位撤销项目。名额已释放，可另行报名。",
        ),
    ],
)
def test_each_event_is_said_in_a_teachers_words(action, given, title, body):
    assert notice(action, **given) == (title, body)


def test_a_long_reason_is_shortened_in_the_title_only():
    reason = "材料" * REASON_IN_TITLE
    title, body = notice("rejected", by="school_coordinator", reason=reason)

    assert title == "未通过审核：" + reason[: REASON_IN_TITLE - 1] + "…"
    assert body.endswith(f"理由：{reason}")


def test_a_decision_without_a_reason_has_no_empty_reason_line():
    assert notice("rejected", by="school_coordinator") == ("未通过审核", "学校未通过您的报名。")


def test_events_a_teacher_is_not_told_of_say_nothing():
    assert notice("imported") is None
