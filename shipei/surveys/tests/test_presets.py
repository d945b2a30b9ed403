"""The notices' forms come with the presets: loading one stores its questions, and a template
an admin built since is kept until the preset is reset."""

from shipei.presets.loader import preset_data, preset_load, preset_slugs
from shipei.programmes.models import Programme
from shipei.surveys import selectors, services
from shipei.surveys.models import SurveyTemplate
from shipei.surveys.questions import parse

from .conftest import END, P004


def test_loading_the_preset_stores_its_forms_and_keeps_an_admins_edit(db):
    preset_load(P004)
    programme = Programme.objects.get(preset=P004)
    assert set(
        SurveyTemplate.objects.filter(programme=programme).values_list("code", flat=True)
    ) == {
        END,
        "core_teacher_feedback",
        "institution_feedback",
    }
    labels = [q.label for q in selectors.template_questions(programme, "institution_feedback")]
    assert labels[-1] == "13. 您认为部中心开展工学一体化教师培训管理服务工作需要完善的地方"
    mine = [{"code": "only", "label": "总体评价", "kind": "scale"}]
    services.template_save(programme=programme, code=END, questions=mine)
    preset_load(P004)
    assert [q.code for q in selectors.template_questions(programme, END)] == ["only"]
    preset_load(P004, reset=True)
    assert len(selectors.template_questions(programme, END)) > 50


def test_every_presets_forms_parse_and_name_a_form_of_its_policy():
    for slug in preset_slugs():
        data = preset_data(slug)
        forms = {f["code"]: f for f in data["policy"].get("evaluation", [])}
        for code, template in (data.get("surveys") or {}).items():
            assert code in forms, (slug, code)
            assert parse(template["questions"]), (slug, code)
    guopei = preset_data("moe-2024-guopei-demonstration")
    assert {f["code"] for f in guopei["policy"]["evaluation"]} == set(guopei["surveys"])
