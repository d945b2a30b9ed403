"""Rows kept a few seconds per process (core.recent): read once, forgotten on a change."""

from shipei.core import recent
from shipei.core.recent import Recent


def test_a_row_is_read_once_within_its_seconds_and_again_after_them(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(recent.time, "monotonic", lambda: clock[0])
    reads = []
    kept = Recent(lambda pk: reads.append(pk) or f"row {pk} read {len(reads)}", seconds=5)

    assert kept.get(1) == "row 1 read 1"
    clock[0] += 4.9
    assert kept.get(1) == "row 1 read 1"
    clock[0] += 0.2
    assert kept.get(1) == "row 1 read 2"
    kept.forget(1)
    assert kept.get(1) == "row 1 read 3"
    assert kept.get(2) == "row 2 read 4"
    kept.clear()
    assert (kept.get(1), kept.get(2)) == ("row 1 read 5", "row 2 read 6")


def test_a_read_overtaken_by_a_change_is_answered_but_not_kept():
    """Another thread saved the row (and forgot it) while this one was reading it: what this one
    read may be from before the save, so the next caller reads again."""
    reads = []

    def load(pk):
        reads.append(pk)
        if len(reads) == 1:
            kept.clear()  # the change, committed meanwhile
        return f"read {len(reads)}"

    kept = Recent(load)
    assert kept.get(1) == "read 1"
    assert kept.get(1) == "read 2"
    assert kept.get(1) == "read 2"


def test_a_row_that_is_gone_is_none_and_not_kept():
    rows = {}
    kept = Recent(rows.get)
    assert kept.get(3) is None
    rows[3] = "now here"
    assert kept.get(3) == "now here"
