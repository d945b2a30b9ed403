"""The pages: the phone sheet, scope (404) and role (403), the 附件5 export, the trainee's
test and essay."""

import io

import pytest
from openpyxl import load_workbook

from shipei.assessment.models import Attempt, Question, Score
from shipei.audit.models import AuditEntry, DisclosedPerson


def test_the_sheet_saves_drafts_then_submits_and_shows_the_lock(client, trainees, scorers, cls):
    me = scorers.teaching[0]
    client.force_login(me)
    url = f"/assessment/classes/{cls.pk}/sheet/process/"
    e = trainees[0].enrollment
    assert client.post(url, {f"s_{e.pk}": "78", "action": "save"}).status_code == 302
    assert Score.objects.get(scorer=me).submitted_at is None
    client.post(url, {f"s_{e.pk}": "80", "action": "submit"})
    page = client.get(url).content.decode()
    assert "已提交" in page and "我的评分 80 分" in page


def test_one_wrong_value_saves_nothing_and_is_marked_beside_its_trainee(
    client, trainees, scorers, cls
):
    client.force_login(scorers.teaching[0])
    a, b = trainees[0].enrollment, trainees[1].enrollment
    response = client.post(
        f"/assessment/classes/{cls.pk}/sheet/process/",
        {f"s_{a.pk}": "88", f"s_{b.pk}": "120", "action": "submit"},
    )
    assert response.status_code == 200
    assert "分数“120”无效" in response.content.decode()
    assert not Score.objects.exists()


def test_a_barred_trainee_has_no_field_and_the_reason_shows(client, trainees, scorers, cls):
    client.force_login(scorers.assessing[0])
    page = client.get(f"/assessment/classes/{cls.pk}/sheet/final/").content.decode()
    assert "过程性考核尚未合格" in page
    assert f'name="s_{trainees[0].enrollment.pk}"' not in page


def test_a_core_teacher_of_another_role_gets_403_and_an_outsider_404(
    client, trainees, scorers, cls, jiangsu_admin
):
    client.force_login(scorers.assessing[0])
    assert client.get(f"/assessment/classes/{cls.pk}/sheet/process/").status_code == 403
    client.force_login(jiangsu_admin.user)
    assert client.get(f"/assessment/classes/{cls.pk}/").status_code == 404
    assert client.get(f"/assessment/classes/{cls.pk}/export/").status_code == 404


def test_the_score_sheet_has_the_附件5_columns_masked_by_default(
    client, trainees, scorers, cls, base_admin
):
    for user, v in zip(scorers.teaching, ("70", "80"), strict=True):
        Score.objects.create(
            attempt=Attempt.objects.get_or_create(
                enrollment=trainees[0].enrollment, component="process"
            )[0],
            scorer=user,
            value=v,
        )
    client.force_login(base_admin.user)
    response = client.get(f"/assessment/classes/{cls.pk}/export/")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[0] == "序号")
    assert rows[head][:6] == ["序号", "姓名", "性别", "身份证号码", "单位", "联系电话"]
    assert rows[head][6] == "成绩" and rows[head][-1] == "证书编号"
    assert rows[head + 1][6:8] == ["过程性考核", "终结性考核"]
    first = rows[head + 2]
    assert first[1] in {t.person.name for t in trainees}
    assert "*" in first[3] and "*" in first[5]
    assert first[-1] in (None, "")
    assert any("授课骨干教师" in (r[0] or "") for r in rows[:head])


def test_a_full_export_shows_ids_to_who_may_reveal_them_and_is_audited(
    client, trainees, cls, zhejiang_admin
):
    client.force_login(zhejiang_admin.user)
    response = client.get(f"/assessment/classes/{cls.pk}/export/?full=1")
    ws = load_workbook(io.BytesIO(response.content)).active
    ids = [r[3].value for r in ws.iter_rows() if r[3].value and r[3].value != "身份证号码"]
    assert trainees[0].person._id_number() in ids
    entry = AuditEntry.objects.get(action="assessment.exported_full")
    assert DisclosedPerson.objects.filter(entry=entry).count() == 3


def test_a_correction_needs_the_base_and_a_reason(client, trainees, scorers, cls, base_admin):
    e = trainees[0].enrollment
    for user in scorers.teaching:
        client.force_login(user)
        client.post(
            f"/assessment/classes/{cls.pk}/sheet/process/", {f"s_{e.pk}": "50", "action": "submit"}
        )
    score = Score.objects.first()
    client.force_login(scorers.teaching[0])
    assert client.get(f"/assessment/scores/{score.pk}/correct/").status_code == 403
    client.force_login(base_admin.user)
    response = client.post(f"/assessment/scores/{score.pk}/correct/", {"value": "70", "reason": ""})
    assert response.status_code == 200 and Score.objects.get(pk=score.pk).value == 50
    client.post(f"/assessment/scores/{score.pk}/correct/", {"value": "70", "reason": "誊录错误"})
    assert Score.objects.get(pk=score.pk).value == 70
    assert Attempt.objects.get(enrollment=e).score == 60


@pytest.fixture
def quiz(cls):
    programme = cls.project.programme
    policy = programme.policy
    policy["assessment"]["components"].append(
        {
            "code": "quiz",
            "label": "在线测试",
            "kind": "online_test",
            "test_questions": 2,
            "test_minutes": 10,
        }
    )
    programme.policy = policy
    programme.save()
    for n in range(3):
        Question.objects.create(
            programme=programme,
            kind="true_false",
            text=f"判断{n}",
            options=["正确", "错误"],
            answer=[0],
        )


def test_a_trainee_takes_the_test_and_sees_the_score(client, trainees, quiz):
    t = trainees[0]
    client.force_login(t.user)
    assert "开始测试" in client.get("/assessment/mine/").content.decode()
    response = client.post(f"/assessment/mine/{t.enrollment.pk}/quiz/test/")
    paper_url = response["Location"]
    from shipei.assessment.models import Paper

    paper = Paper.objects.get()
    data = {f"q_{q}": "0" for q in paper.questions}
    page = client.post(paper_url, {**data, "action": "finish"}).content.decode()
    assert "答对 2/2 题，成绩 100 分" in page
    assert Attempt.objects.get(component="quiz").status == Attempt.Status.PASSED


def test_another_trainee_cannot_open_the_paper(client, trainees, quiz):
    client.force_login(trainees[0].user)
    client.post(f"/assessment/mine/{trainees[0].enrollment.pk}/quiz/test/")
    from shipei.assessment.models import Paper

    client.force_login(trainees[1].user)
    assert client.get(f"/assessment/papers/{Paper.objects.get().pk}/").status_code == 404


def test_a_short_essay_is_refused_on_the_page_and_the_text_kept(client, writers):
    t = writers[0]
    client.force_login(t.user)
    url = f"/assessment/mine/{t.enrollment.pk}/essay/essay/"
    page = client.post(url, {"title": "心得", "body": "太短了"}).content.decode()
    assert "论文字数为 3 字" in page and "太短了" in page


def test_the_class_page_says_pending_until_a_trainee_can_no_longer_pass(
    client, trainees, cls, base_admin
):
    """A trainee with nothing scored yet is 待评定, not 不合格; one whose process assessment
    failed with its retry used is 不合格."""
    failed = trainees[1].enrollment
    for number in (1, 2):
        Attempt.objects.create(
            enrollment=failed, component="process", number=number, status="failed", score=50
        )
    client.force_login(base_admin.user)
    page = client.get(f"/assessment/classes/{cls.pk}/").content.decode()
    # The table's rows only: the signed-in admin's name (made up) may be a trainee's too.
    table = page.split("<tbody", 1)[1]
    rows = {t.person.name: table.split(t.person.name, 1)[1].split("</tr>", 1)[0] for t in trainees}
    assert "待评定</span></td>" in rows[trainees[0].person.name]
    assert "不合格</span></td>" in rows[trainees[1].person.name]
    assert "未合格</span></td>" not in page
