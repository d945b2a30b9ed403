"""What an import keeps for its uploader: error copies and background jobs, a day at most."""

import datetime

from django.utils import timezone

from shipei.core import excel, uploads


def test_a_kept_file_comes_back_only_to_its_user_and_by_its_token() -> None:
    token = uploads.keep_file(uploads.REPORTS, 7, b"copy", ".xlsx")

    assert uploads.kept_file(uploads.REPORTS, 7, token, ".xlsx") == b"copy"
    assert excel.open_report(7, token) == b"copy"  # error copies are kept files
    assert uploads.kept_file(uploads.REPORTS, 8, token, ".xlsx") is None
    assert uploads.kept_file(uploads.REPORTS, 7, "../7/" + token, ".xlsx") is None
    assert uploads.kept_file(uploads.REPORTS, 7, "0" * 32, ".xlsx") is None


def test_files_older_than_a_day_go_when_their_user_next_keeps_one(monkeypatch) -> None:
    old = excel.save_report(9, b"yesterday's personal data")
    later = timezone.now() + uploads.LIFETIME + datetime.timedelta(minutes=1)
    monkeypatch.setattr(uploads.timezone, "now", lambda: later)

    new = excel.save_report(9, b"today")

    assert excel.open_report(9, old) is None
    assert excel.open_report(9, new) == b"today"


def test_a_job_keeps_its_state_while_it_runs_and_drops_its_upload_when_it_ends() -> None:
    token = uploads.job_create(
        user_id=11, data=b"rows", filename="名单" * 60 + ".xlsx", programme=3, layout="x"
    )
    state = uploads.job_state(11, token)
    assert state == {
        "status": "queued",
        "phase": "check",
        "done": 0,
        "total": 0,
        "programme": 3,
        "layout": "x",
        "filename": ("名单" * 60)[:100],
    }
    assert uploads.job_upload(11, token) == b"rows"

    state["status"] = "running"
    uploads.job_progress(11, token, state)("write", 40, 100)
    running = uploads.job_state(11, token)
    assert (running["status"], running["phase"], running["done"], running["total"]) == (
        "running",
        "write",
        40,
        100,
    )

    assert uploads.job_finish(11, token, state, "done", counts={"enrolled": 100}) == "done"
    assert uploads.job_state(11, token)["counts"] == {"enrolled": 100}
    assert uploads.job_upload(11, token) is None
    assert uploads.job_state(12, token) is None  # another user's token names nothing
