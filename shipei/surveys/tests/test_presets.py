"""The notices' forms come with the presets: loading one stores its questions, and a template
an admin built since is kept until the preset is reset."""

from shipei.presets.loader import preset_load
from shipei.programmes.models import Programme
from shipei.surveys import selectors, services
from shipei.surveys.models import SurveyTemplate

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
