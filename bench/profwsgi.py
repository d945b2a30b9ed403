"""The app's WSGI application with each enrollment submission profiled (cProfile, the CPU of the
thread that serves it): where a submission's time goes under gunicorn, among the other workers,
PostgreSQL and the clients, which the in-process profile (submit_profile.py) does not show.

Bench-only: ``enroll_burst.py --profile DIR`` serves ``bench.profwsgi:application``. Each thread
writes its profile to ``DIR/<pid>-<thread>.prof`` every 200 submissions; read them together with
``pstats.Stats(*paths)``. The profiler slows the submissions about fourfold, and calls the more,
the more they are short: read it for where the time goes, never for how much.
"""

import cProfile
import os
import threading
import time
from pathlib import Path
from typing import Any

from shipei.wsgi import application as app

PROFILED = "/api/v1/enrollments/"
DIRECTORY = Path(os.environ.get("BENCH_PROFILE_DIR", "."))
_local = threading.local()


def application(environ: dict[str, Any], start_response: Any) -> Any:
    if environ.get("PATH_INFO") != PROFILED:
        return app(environ, start_response)
    if not hasattr(_local, "profile"):
        _local.profile, _local.served = cProfile.Profile(time.thread_time), 0
    _local.profile.enable()
    try:
        return app(environ, start_response)
    finally:
        _local.profile.disable()
        _local.served += 1
        if _local.served % 200 == 0:
            _local.profile.dump_stats(DIRECTORY / f"{os.getpid()}-{threading.get_ident()}.prof")
