"""The app's work per enrollment submission, in-process: queries and CPU time of each answer.

Never run in CI. Usage (from the repository root):

    .venv/bin/python bench/submit_profile.py [--per-kind 60] [--passes 5] [--cprofile refused_full]

Wall-clock ratios (enroll_burst.py) mean little on a loaded machine; this counts what one
process does for a submission, which other processes do not change much. It drops and creates
the database ``shipei_bench_profile`` on the local PostgreSQL (``BENCH_PG``, as enroll_burst.py),
loads notice 000 and ``--teachers`` teachers with API tokens through ``enroll_burst.load_world``
(the registration windows open), closes 第3期's registration (as rush.py does) and fills one
province's 第1期 quota. Then, through Django's test client (middleware, token authentication and
the API as gunicorn would run them, without HTTP), for each kind of answer the burst and the rush
get:

- ``ceiling``: ``POST /bench/bare/`` (enroll_burst.py's ceiling: token authentication, one INSERT);
- ``accepted``: a first self-registration for 第1期 (201);
- ``replayed``: the same request again, same ``Idempotency-Key`` (200, the first answer);
- ``refused_already``: the same teacher and item with a new key (409 already_enrolled);
- ``refused_full``: a teacher of the province whose quota is full (409 quota_exhausted);
- ``refused_closed``: 第3期, whose registration has closed (400 enrollment_closed);
- ``refused_not_eligible``: a field of 第2期, whose major must match (400 not_eligible);

it sends a few to warm the caches, counts the queries of ``--per-kind`` submissions, then
measures the CPU time (``time.process_time``, this process only) of ``--passes`` rounds of
``--per-kind`` submissions each, and prints queries and CPU ms per submission (the fastest round:
other processes on the machine only ever add to it; and the spread), and each kind's CPU against
the ceiling's. ``--cprofile KIND``: where one kind's time goes; ``--queries``: the SQL of one
submission of each kind. As in enroll_burst.py there is no Redis: a full quota is found full by
its seat statement (the rush's flag of a quota known full is not measured here).
"""

import argparse
import cProfile
import gc
import io
import logging
import os
import pstats
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import enroll_burst  # noqa: E402  (its world and database helpers)

DB_NAME = "shipei_bench_profile"
OPEN, CLOSED, FIELD = "p1", "p3", "p2-f1"
KINDS = [
    ("ceiling", None),
    ("accepted", 201),
    ("replayed", 200),
    ("refused_already", 409),
    ("refused_full", 409),
    ("refused_closed", 400),
    ("refused_not_eligible", 400),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=3000)
    parser.add_argument("--per-kind", type=int, default=60, help="submissions a round")
    parser.add_argument("--passes", type=int, default=5, help="timed rounds of each kind")
    parser.add_argument("--cprofile", choices=[k for k, _ in KINDS], action="append", default=[])
    parser.add_argument("--queries", action="store_true", help="print each kind's SQL")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="shipei-bench-profile-"))
    os.environ.update(
        SHIPEI_ENV="demo",
        SHIPEI_DATA_DIR=str(data_dir),
        DATABASE_URL=f"{enroll_burst.PG}/{DB_NAME}",
        DJANGO_SETTINGS_MODULE="bench.settings",
        ADMISSION_LIMIT="0",
    )
    enroll_burst.DB_NAME = DB_NAME  # its database helpers, on this bench's database
    enroll_burst.fresh_database()
    import django

    django.setup()
    # The app's log lines (one a refusal, as in production) to a file, not the terminal.
    logging.getLogger().handlers[0].setStream(open(data_dir / "app.log", "w"))  # noqa: SIM115
    try:
        world = setup(args.teachers)
        print(
            f"setup: {len(world['teachers'])} teachers; 第1期 full in region {world['full_region']}"
            f"; {os.cpu_count()} CPUs, load " + " ".join(f"{x:.1f}" for x in os.getloadavg())
        )
        measure(world, args)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"kept: database {DB_NAME}, SHIPEI_DATA_DIR={data_dir}")
        else:
            enroll_burst.drop_database()
            shutil.rmtree(data_dir, ignore_errors=True)


def setup(n_teachers: int) -> dict[str, Any]:
    import copy

    from shipei.programmes.models import Programme
    from shipei.quotas.models import Quota

    world = enroll_burst.load_world(n_teachers)
    programme = Programme.objects.get(pk=world["programme"])
    policy = copy.deepcopy(programme.policy)
    for item in policy["items"]:
        if item["code"] == CLOSED:
            item["registration"] = {"opens": "2020-01-01", "closes": "2020-01-31"}
    programme.policy = policy
    programme.save(update_fields=["policy"])
    # The first region's quota for 第1期 full: no seat left, none held (a throwaway database).
    full_region = world["teachers"][0]["region"]
    Quota.objects.filter(programme=programme, item=OPEN, region_id=full_region).update(seats=0)
    world["full_region"] = full_region
    return world


class Submitter:
    """Submissions through the test client, each kind from its own supply of teachers."""

    def __init__(self, world: dict[str, Any]) -> None:
        from django.test import Client

        self.client = Client(HTTP_HOST="127.0.0.1")
        self.programme = world["programme"]
        self.full = [t for t in world["teachers"] if t["region"] == world["full_region"]]
        self.fresh = iter([t for t in world["teachers"] if t["region"] != world["full_region"]])
        self.accepted: list[tuple[dict[str, Any], str]] = []  # (teacher, key)

    def post(self, teacher: dict[str, Any], item: str, key: str) -> Any:
        return self.client.post(
            "/api/v1/enrollments/",
            {"programme": self.programme, "item": item, "person": teacher["person"]},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {teacher['token']}",
            HTTP_IDEMPOTENCY_KEY=key,
        )

    def calls(self, kind: str) -> Iterator[Callable[[], Any]]:
        """Endless calls of one kind, each answered as the kind says."""
        if kind == "ceiling":
            while True:
                t = next(self.fresh)
                yield lambda t=t: self.client.post(
                    "/bench/bare/", HTTP_AUTHORIZATION=f"Token {t['token']}"
                )
        elif kind == "accepted":
            while True:
                t, key = next(self.fresh), uuid.uuid4().hex
                self.accepted.append((t, key))
                yield lambda t=t, key=key: self.post(t, OPEN, key)
        elif kind == "replayed":
            for i in _cycle(len(self.accepted)):
                t, key = self.accepted[i]
                yield lambda t=t, key=key: self.post(t, OPEN, key)
        elif kind == "refused_already":
            for i in _cycle(len(self.accepted)):
                t = self.accepted[i][0]
                yield lambda t=t: self.post(t, OPEN, uuid.uuid4().hex)
        else:
            supply = self.full if kind == "refused_full" else self.accepted_teachers()
            item = {"refused_full": OPEN, "refused_closed": CLOSED}.get(kind, FIELD)
            for i in _cycle(len(supply)):
                yield lambda t=supply[i], item=item: self.post(t, item, uuid.uuid4().hex)

    def accepted_teachers(self) -> list[dict[str, Any]]:
        return [t for t, _ in self.accepted]


def _cycle(n: int) -> Iterator[int]:
    while True:
        yield from range(n)


def measure(world: dict[str, Any], args: argparse.Namespace) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submitter = Submitter(world)
    rows = []
    for kind, expected in KINDS:
        calls = submitter.calls(kind)
        for _ in range(3):  # warm: the process's caches, as a running server has them
            _check(kind, expected, next(calls)())
        counts = []
        for _ in range(args.per_kind):
            call = next(calls)
            with CaptureQueriesContext(connection) as queries:
                _check(kind, expected, call())
            counts.append(len(queries))
        if args.queries:
            print(f"{kind}: the queries of one submission")
            for q in queries.captured_queries:
                print(f"  {q['sql'][:160]}")
        rounds = []
        for _ in range(args.passes):
            batch = [next(calls) for _ in range(args.per_kind)]
            gc.collect()
            start = time.process_time()
            for call in batch:
                call()
            rounds.append((time.process_time() - start) / args.per_kind * 1000)
        if kind in args.cprofile:
            _profile(kind, [next(calls) for _ in range(args.per_kind)])
        rows.append((kind, counts, rounds))

    ceiling = min(rows[0][2])
    print()
    print(
        f"per submission, {args.per_kind} a round, the fastest of {args.passes} rounds "
        f"(CPU of this process: the test client, Django, the app; PostgreSQL not counted):"
    )
    print(f"  {'kind':<22} {'queries':>8} {'CPU ms':>8} {'(rounds)':>16} {'x ceiling':>10}")
    for kind, counts, rounds in rows:
        q = f"{min(counts)}" if min(counts) == max(counts) else f"{min(counts)}-{max(counts)}"
        cpu = min(rounds)
        print(
            f"  {kind:<22} {q:>8} {cpu:8.2f} {f'{min(rounds):.2f}-{max(rounds):.2f}':>16} "
            f"{cpu / ceiling:10.2f}"
        )
    # The burst's mix (enroll_burst.ITEM_MIX and its answers, bench/README.md): what its
    # submissions cost on the whole, against the ceiling.
    cpu = {kind: min(rounds) for kind, _, rounds in rows}
    print(
        f"submit_profile: accepted {cpu['accepted']:.2f} ms, refused "
        + ", ".join(f"{k.removeprefix('refused_')} {cpu[k]:.2f}" for k in cpu if "refused" in k)
        + f" ms; ceiling {ceiling:.2f} ms"
    )


def _check(kind: str, expected: int | None, response: Any) -> None:
    status = response.status_code
    if status != (201 if expected is None else expected):  # the ceiling's INSERT: 201
        raise SystemExit(f"{kind}: HTTP {status} {response.content[:300]!r}")


def _profile(kind: str, batch: list[Callable[[], Any]]) -> None:
    profiler = cProfile.Profile(time.process_time)  # CPU, not the waits for PostgreSQL
    profiler.enable()
    for call in batch:
        call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(
        r"shipei|rest_framework/(views|serializers|authentication)|django/(middleware|contrib)", 45
    )
    stats.sort_stats("tottime").print_stats(20)
    print(f"\ncProfile of {len(batch)} {kind}:")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))


if __name__ == "__main__":
    main()
