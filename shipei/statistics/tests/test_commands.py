from django.core.management import call_command

from shipei.statistics import figures
from shipei.statistics.models import Delta, OrgFigure


def test_fold_command_empties_the_deltas_into_the_summaries(world, this_year, capsys):
    before = figures.from_summaries(year=this_year, area=None)
    call_command("statistics_fold")
    assert not Delta.objects.exists()
    assert figures.from_summaries(year=this_year, area=None) == before
    assert "已汇总" in capsys.readouterr().out


def test_rebuild_command_replaces_wrong_summaries(world, tree, this_year, capsys):
    call_command("statistics_fold")
    OrgFigure.objects.all().delete()
    call_command("statistics_rebuild")
    assert figures.from_summaries(year=this_year, area=None) == figures.from_raw(
        year=this_year, path=None, unit="area"
    )
    assert "统计汇总已重建" in capsys.readouterr().out
