"""What an import keeps for the user who uploaded it, for a day at most: the error copy of a list
with problems, and the upload and state of an import run in the background.

Kept in file storage, not in the database: a background import writes in one transaction, and
its progress must be visible to the polling page while it runs. Uploads and error copies hold
personal data in clear: an upload goes as soon as its job ends, and whatever is left after a day
goes when the same user next keeps something. A file is found by its random token and only in
its user's folder.
"""

import datetime
import json
import uuid
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

LIFETIME = datetime.timedelta(days=1)
REPORTS = "import_reports"
JOBS = "import_jobs"


def _path(kind: str, user_id: int, token: str, suffix: str) -> str:
    return f"{kind}/{user_id}/{token}{suffix}"


def keep_file(kind: str, user_id: int, content: bytes, suffix: str) -> str:
    """Keep `content` for the user; the returned token names it (in a URL, say)."""
    _drop_old(f"{kind}/{user_id}")
    token = uuid.uuid4().hex
    default_storage.save(_path(kind, user_id, token, suffix), ContentFile(content))
    return token


def kept_file(kind: str, user_id: int, token: str, suffix: str) -> bytes | None:
    if not token.isalnum():
        return None
    path = _path(kind, user_id, token, suffix)
    try:
        with default_storage.open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return None


def drop_file(kind: str, user_id: int, token: str, suffix: str) -> None:
    path = _path(kind, user_id, token, suffix)
    if default_storage.exists(path):
        default_storage.delete(path)


def _replace(kind: str, user_id: int, token: str, suffix: str, content: bytes) -> None:
    drop_file(kind, user_id, token, suffix)
    default_storage.save(_path(kind, user_id, token, suffix), ContentFile(content))


def _drop_old(folder: str) -> None:
    if not default_storage.exists(folder):
        return
    cutoff = timezone.now() - LIFETIME
    for name in default_storage.listdir(folder)[1]:
        path = f"{folder}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)


# ---- background jobs -------------------------------------------------------------------------
# A job is its upload and its state: "queued", "running" (with phase, done and total), then
# "done" or "failed" with what its page shows. The task that runs it takes the user and token.


def job_create(*, user_id: int, data: bytes, filename: str, **params: Any) -> str:
    """Queue an upload; `params` (what the task needs: a programme, a layout) go in its state."""
    token = keep_file(JOBS, user_id, data, ".upload")
    state = {"status": "queued", "phase": "check", "done": 0, "total": 0, **params}
    job_write(user_id, token, {**state, "filename": filename[:100]})
    return token


def job_state(user_id: int, token: str) -> dict[str, Any] | None:
    content = kept_file(JOBS, user_id, token, ".json")
    try:
        return json.loads(content) if content is not None else None
    except ValueError:
        return None


def job_write(user_id: int, token: str, state: dict[str, Any]) -> None:
    _replace(JOBS, user_id, token, ".json", json.dumps(state, ensure_ascii=False).encode())


def job_upload(user_id: int, token: str) -> bytes | None:
    return kept_file(JOBS, user_id, token, ".upload")


def job_progress(
    user_id: int, token: str, state: dict[str, Any]
) -> Callable[[str, int, int], None]:
    """A callback that records how far the job is: its phase, and rows done of the total."""

    def progress(phase: str, done: int, total: int) -> None:
        state.update(phase=phase, done=done, total=total)
        job_write(user_id, token, state)

    return progress


def job_finish(user_id: int, token: str, state: dict[str, Any], status: str, **data: Any) -> str:
    """Record the outcome ("done" or "failed", and what the page shows) and drop the upload."""
    state.update(status=status, **data)
    job_write(user_id, token, state)
    drop_file(JOBS, user_id, token, ".upload")
    return status
