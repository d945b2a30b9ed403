"""A burst of enrollment submissions through the HTTP API, against a fresh PostgreSQL database.

Never run in CI. Usage (from the repository root):

    .venv/bin/python bench/enroll_burst.py [--requests 10000] [--clients 128] [--workers 4]

It drops and creates the database ``shipei_bench``, migrates, loads notice 000 (its 附件1 quota
table) with the registration windows opened, registers ~10,000 teachers across ~320 schools in
the 32 regions of the table, each with an API token, and starts gunicorn on 127.0.0.1 (a free
port) with ``bench.settings`` (the app plus a bare one-INSERT endpoint). Then it measures:

1. the ceiling: the bare endpoint (same middleware, token auth and permissions; one INSERT);
2. the burst: self-registrations, each with an Idempotency-Key, some retried with the same key,
   some submitted twice, and teachers spread evenly over the regions so that the small regions'
   quotas run out while the large ones do not;

the two in alternating slices (``--slices``), for the machine's speed drifts within a minute,

and checks the database afterwards: no quota over its seats, the counters equal to the
enrollments holding seats, every accepted submission stored once, nothing stored that was not
accepted, no teacher enrolled twice for an item. Finally it profiles one submission in-process
(queries and where the time goes).
"""

import argparse
import collections
import copy
import cProfile
import datetime
import io
import os
import pstats
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "shipei_bench"
PRESET = "moe-2020-innovation-team-online"
# Self-registration is the only channel of notice 000; items as the table's columns.
ITEM_MIX = [("p1", 45), ("p3", 35), *[(f"p2-f{n}", 4) for n in range(1, 6)]]
SCHOOLS_PER_REGION = 10
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--teachers", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=128, help="concurrent clients (>= 100)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument(
        "--admission-limit",
        type=int,
        default=0,
        help="the app server's ADMISSION_LIMIT (requests a worker works on at once; 0: none)",
    )
    parser.add_argument(
        "--slices",
        type=int,
        default=5,
        help="the ceiling and the burst run in this many alternating slices",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="profile each submission in the app server into this directory (bench/profwsgi.py)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database (and the data directory with its key) afterwards",
    )
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="shipei-bench-"))
    os.environ.update(
        SHIPEI_ENV="demo",
        SHIPEI_DATA_DIR=str(data_dir),
        DATABASE_URL=f"{PG}/{DB_NAME}",
        DJANGO_SETTINGS_MODULE="bench.settings",
        DB_POOL_MAX=str(args.threads + 1),
        DB_POOL_MIN=str(min(2, args.threads)),
        ADMISSION_LIMIT=str(args.admission_limit),
    )
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
        os.environ["BENCH_PROFILE_DIR"] = str(args.profile.resolve())
    sys.path.insert(0, str(ROOT))
    fresh_database()
    import django

    django.setup()
    t0 = time.perf_counter()
    world = load_world(args.teachers)
    print(
        f"setup: {len(world['teachers'])} teachers, {world['schools']} schools, "
        f"{world['quotas']} quotas, in {time.perf_counter() - t0:.0f}s"
    )
    server = start_gunicorn(args, data_dir)
    try:
        base = server["url"]
        tokens = [t["token"] for t in world["teachers"]]
        warm_up(base, tokens, args.clients, server)
        bare = [
            ("POST", f"{base}/bench/bare/", tokens[i % len(tokens)], None, None)
            for i in range(args.requests)
        ]
        floor = run(
            args.clients,
            [
                ("POST", f"{base}/bench/bare-django/", None, None, None)
                for _ in range(args.requests)
            ],
            server,
        )
        plan = burst_plan(world, args.requests, base)
        # The ceiling and the burst in alternating slices (the burst's in its order): the
        # machine's speed drifts by a quarter over a minute, and each slice of the burst is
        # compared with the ceiling measured just before it.
        slices = []
        for n in range(args.slices):
            ceiling = run(args.clients, _slice(bare, n, args.slices), server)
            burst = run(args.clients, _slice(plan, n, args.slices), server)
            burst["notices"] = notices_settle()  # its notices' delivery, before the next ceiling
            slices.append((ceiling, burst))
    finally:
        stop_gunicorn(server)
    report(args, world, plan, slices, floor)
    profile_one(world)
    from django.db import connections

    connections.close_all()
    if args.keep:  # the data directory holds the key the stored ID numbers are encrypted with
        print(f"kept: database {DB_NAME}, SHIPEI_DATA_DIR={data_dir}")
    else:
        drop_database()
        shutil.rmtree(data_dir, ignore_errors=True)


# --- database and data ------------------------------------------------------------------------


def _admin_sql(*statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def fresh_database() -> None:
    _admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)", f"CREATE DATABASE {DB_NAME}")


def drop_database() -> None:
    _admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def _id_number(area: str, n: int) -> str:
    from shipei.core.identifiers import id_check_digit

    birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=n % 12000)
    # Unique within an area for any n below 12 million (the birth dates come round every 12,000).
    first17 = f"{area}{birth:%Y%m%d}{(n + 7 * (n // 12000)) % 1000:03d}"
    return first17 + id_check_digit(first17)


def load_world(n_teachers: int) -> dict[str, Any]:
    """Migrate, load notice 000 with its windows open, and register the schools and teachers."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction
    from rest_framework.authtoken.models import Token

    from bench.bench_urls import BARE_TABLE
    from shipei.accounts.models import Person, Role, RoleAssignment, TeacherProfile, User
    from shipei.core.text import pinyin_key
    from shipei.orgs.models import Organisation, Region
    from shipei.orgs.services import org_bootstrap
    from shipei.programmes.models import Programme
    from shipei.quotas.models import Quota

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {BARE_TABLE} (id bigserial PRIMARY KEY, user_id bigint, at timestamptz)"
        )
    K = Organisation.Kind
    moe = org_bootstrap(parent=None, name="教育部", kind=K.MINISTRY)
    call_command("load_preset", PRESET, stdout=io.StringIO())
    programme = Programme.objects.get(preset=PRESET)
    policy = copy.deepcopy(programme.policy)
    today = datetime.date.today()
    for item in policy["items"]:  # the registration windows of 2020, opened for the bench
        item["registration"] = {
            "opens": str(today - datetime.timedelta(days=1)),
            "closes": str(today + datetime.timedelta(days=30)),
        }
    programme.policy = policy
    programme.save(update_fields=["policy"])

    codes = sorted(
        set(Quota.objects.filter(programme=programme).values_list("region_id", flat=True))
    )
    schools: list[Organisation] = []
    serial = 0
    with transaction.atomic():
        for code in codes:
            region = Region.objects.get(code=code)
            city = Region.objects.filter(parent=region).order_by("code").first() or region
            dept = org_bootstrap(
                parent=moe, name=f"{region.name}教育厅", kind=K.PROVINCE_EDU, region=region
            )
            for s in range(SCHOOLS_PER_REGION):
                serial += 1
                schools.append(
                    org_bootstrap(
                        parent=dept,
                        name=f"{region.short_name or region.name}第{s + 1}职业技术学校",
                        kind=K.SCHOOL,
                        region=city,
                        school_kind=Organisation.SchoolKind.SECONDARY,
                        school_code=f"9{serial:09d}",
                    )
                )
    rng = random.Random(7)
    people = []
    for n in range(n_teachers):
        school = schools[n % len(schools)]
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        person = Person(org=school, name=name, name_pinyin=pinyin_key(name))
        person.set_id_number(_id_number(school.region_id, n))
        person.gender = "M" if int(person._id_number()[16]) % 2 else "F"
        people.append(person)
    unusable = make_password(None)
    with transaction.atomic():
        Person.objects.bulk_create(people, batch_size=1000)
        TeacherProfile.objects.bulk_create(
            [
                TeacherProfile(
                    person=p,
                    title="intermediate",
                    years_teaching=8,
                    teaching_major="计算机网络技术",
                )
                for p in people
            ],
            batch_size=1000,
        )
        users = User.objects.bulk_create(
            [User(username=f"bench-{p.pk}", person=p, password=unusable) for p in people],
            batch_size=1000,
        )
        tokens = Token.objects.bulk_create(
            [Token(key=Token.generate_key(), user=u) for u in users], batch_size=1000
        )
        # As a teacher's own sign-up gives (accounts.signup): scope checks then look them up.
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=u, role=Role.TRAINEE, org=p.org)
                for u, p in zip(users, people, strict=True)
            ],
            batch_size=1000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "programme": programme.pk,
        "schools": len(schools),
        "quotas": Quota.objects.filter(programme=programme).count(),
        "teachers": [
            {"person": p.pk, "region": p.org.region.parent_id or p.org.region_id, "token": t.key}
            for p, t in zip(people, tokens, strict=True)
        ],
    }


# --- server -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(args: argparse.Namespace, data_dir: Path) -> dict[str, Any]:
    port = _free_port()
    log = open(data_dir / "gunicorn.log", "w")  # noqa: SIM115 - closed in stop_gunicorn
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "bench.profwsgi:application" if args.profile else "shipei.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(args.threads),
        "--backlog",
        "2048",
        "--keep-alive",
        "30",
        "--error-logfile",
        "-",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except requests.RequestException:  # not listening yet, or a worker still booting
            pass
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited: see {data_dir / 'gunicorn.log'}")
        time.sleep(0.2)
    else:
        stop_gunicorn({"process": process, "log": log})
        raise SystemExit("gunicorn did not answer /healthz")
    # The task worker runs as in production: the notices of the burst are delivered during it,
    # and their cost is counted.
    worker = subprocess.Popen(
        [str(ROOT / ".venv/bin/shipei"), "db_worker", "--no-startup-delay"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # bench.settings
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    print(
        f"server: gunicorn pid {process.pid}, {args.workers} workers x {args.threads} threads "
        f"(gthread) on {url}, ADMISSION_LIMIT={args.admission_limit or 'none'}, and a task "
        f"worker; {os.cpu_count()} CPUs shared with PostgreSQL and the clients; load "
        + " ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    return {"process": process, "worker": worker, "url": url, "log": log}


def stop_gunicorn(server: dict[str, Any]) -> None:
    for process in (server["process"], server.get("worker")):
        if process is None or process.poll() is not None:
            continue
        os.killpg(process.pid, signal.SIGTERM)  # its own session: the master and its workers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    server["log"].close()


# --- load -------------------------------------------------------------------------------------

_local = threading.local()


def _session() -> requests.Session:
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


def _send(call: tuple[str, str, str | None, dict | None, str | None]) -> dict[str, Any]:
    method, url, token, body, key = call
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    if key:
        headers["Idempotency-Key"] = key
    start = time.perf_counter()
    busy = 0
    while True:
        try:
            response = _session().request(method, url, json=body, headers=headers, timeout=120)
            status = response.status_code
            data = response.json() if "json" in response.headers.get("Content-Type", "") else {}
        except requests.RequestException as exc:
            status, data = 0, {"code": type(exc).__name__}
        if status != 503 or "Retry-After" not in response.headers:
            break
        # "Busy" (the admission limit): tried again with the same key after Retry-After, as a
        # client should.
        busy += 1
        time.sleep(float(response.headers["Retry-After"]))
    return {"status": status, "data": data, "seconds": time.perf_counter() - start, "busy": busy}


_TICK = os.sysconf("SC_CLK_TCK")


def server_cpu(server: dict[str, Any]) -> dict[str, float]:
    """CPU seconds used so far by the app server (gunicorn's process group), the task worker
    and PostgreSQL (every ``postgres`` process: its backends live as long as the pool's
    connections)."""
    groups = {server["process"].pid: "app", server["worker"].pid: "worker"}
    used = {"app": 0.0, "worker": 0.0, "db": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        comm = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime
        if int(fields[2]) in groups:
            used[groups[int(fields[2])]] += seconds
        elif comm == "postgres" or comm.startswith("postgres:"):
            used["db"] += seconds
    return used


def run(clients: int, calls: list[tuple], server: dict[str, Any]) -> dict[str, Any]:
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    server0 = server_cpu(server)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(_send, calls))
    wall = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    server1 = server_cpu(server)
    client_cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    return {
        **_answered(results, wall),
        "client_cpu": client_cpu,
        "app_cpu": server1["app"] - server0["app"],
        "worker_cpu": server1["worker"] - server0["worker"],
        "db_cpu": server1["db"] - server0["db"],
    }


def _answered(results: list[dict[str, Any]], wall: float) -> dict[str, Any]:
    """The answers of `wall` seconds: their rate and latencies."""
    latencies = sorted(r["seconds"] for r in results)
    return {
        "results": results,
        "wall": wall,
        "rate": len(results) / wall,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def _slice(calls: list[tuple], n: int, slices: int) -> list[tuple]:
    size = -(-len(calls) // slices)
    return calls[n * size : (n + 1) * size]


def merged(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Runs (slices) as one: their answers, time and CPU added up."""
    results = [r for run in runs for r in run["results"]]
    return {
        **_answered(results, sum(run["wall"] for run in runs)),
        **{
            k: sum(run[k] for run in runs)
            for k in ("client_cpu", "app_cpu", "worker_cpu", "db_cpu")
        },
    }


def _cpu(r: dict[str, Any]) -> str:
    n = len(r["results"])
    return f"{r['app_cpu'] / n * 1000:.2f}, {r['db_cpu'] / n * 1000:.2f}"


def notices_settle(limit: float = 60.0) -> dict[str, Any]:
    """Wait for the task worker to deliver the burst's notices (the enrollment events' outbox)."""
    from shipei.enrollment.models import EnrollmentEvent
    from shipei.notifications.models import Notification

    start = time.perf_counter()
    while True:
        pending = EnrollmentEvent.objects.filter(notified_at__isnull=True).count()
        waited = time.perf_counter() - start
        if not pending or waited > limit:
            break
        time.sleep(0.2)
    return {
        "events": EnrollmentEvent.objects.count(),
        "pending": pending,
        "after": waited,
        "messages": Notification.objects.count(),
    }


def warm_up(base: str, tokens: list[str], clients: int, server: dict[str, Any]) -> None:
    calls = [("GET", f"{base}/api/v1/me/", tokens[i], None, None) for i in range(clients * 2)]
    run(clients, calls, server)


def burst_plan(world: dict[str, Any], n: int, base: str) -> list[tuple]:
    """First submissions, retries with the same key (a lost answer) and second submissions of
    the same teacher and item with a new key (a second operator), shuffled."""
    rng = random.Random(42)
    url = f"{base}/api/v1/enrollments/"
    teachers = world["teachers"]
    items = [code for code, weight in ITEM_MIX for _ in range(weight)]
    n_retry, n_twice = n * 3 // 100, n * 2 // 100
    firsts = []
    for i in range(min(n - n_retry - n_twice, len(teachers))):
        t = teachers[i]
        body = {"programme": world["programme"], "item": rng.choice(items), "person": t["person"]}
        firsts.append(("POST", url, t["token"], body, f"first-{i}"))
    retries = [rng.choice(firsts) for _ in range(n_retry)]
    twice = [(*c[:4], c[4] + "-again") for c in rng.sample(firsts, n_twice)]
    plan = firsts + retries + twice
    rng.shuffle(plan)
    return plan


# --- report -----------------------------------------------------------------------------------


def report(
    args: Any,
    world: dict[str, Any],
    plan: list[tuple],
    slices: list[tuple[dict, dict]],
    floor: dict,
) -> None:
    from django.db.models import Count

    from shipei.enrollment.models import Enrollment
    from shipei.enrollment.seats import seats_consistent
    from shipei.programmes.models import Programme
    from shipei.quotas.models import Quota

    def line(label: str, r: dict[str, Any]) -> str:
        codes = collections.Counter(x["status"] for x in r["results"])
        n = len(r["results"])
        busy = sum(x["busy"] for x in r["results"])
        return (
            f"{label:<44} {r['rate']:8.0f}/s  p50 {r['p50']:6.1f} ms  p99 {r['p99']:7.1f} ms  "
            f"({len(r['results'])} in {r['wall']:.1f}s; HTTP {dict(sorted(codes.items()))}"
            + (f"; 'busy' answers tried again: {busy}" if busy else "")
            + ")\n"
            f"{'':<44} CPU a request: app {r['app_cpu'] / n * 1000:.2f} ms, "
            f"task worker {r['worker_cpu'] / n * 1000:.2f} ms, "
            f"PostgreSQL {r['db_cpu'] / n * 1000:.2f} ms, clients {r['client_cpu'] / n * 1000:.2f} ms"
        )

    ceiling = merged([c for c, _ in slices])
    burst = merged([b for _, b in slices])
    print()
    print(
        f"requests: {len(plan)}   concurrent clients: {args.clients}   the ceiling and the burst "
        f"in {len(slices)} alternating slices"
    )
    print(line("floor:   bare Django view (1 INSERT)", floor))
    print(line("ceiling: bare endpoint (DRF token + 1 INSERT)", ceiling))
    print(line("burst:   POST /api/v1/enrollments/", burst))
    print("slice by slice (CPU ms a request: app, PostgreSQL; the machine's speed drifts):")
    for n, (c, b) in enumerate(slices, 1):
        print(
            f"  {n}: ceiling {c['rate']:4.0f}/s ({_cpu(c)}), burst {b['rate']:4.0f}/s "
            f"({_cpu(b)}): {b['rate'] / c['rate']:.0%}"
        )
    print(
        f"burst throughput = {burst['rate'] / ceiling['rate']:.0%} of the ceiling "
        f"({burst['rate']:.0f}/s against {ceiling['rate']:.0f}/s, all slices) (goal: >= 50%)"
    )
    notices = [b["notices"] for _, b in slices]
    print(
        f"notices: {notices[-1]['events']} enrollment events, {notices[-1]['messages']} messages "
        f"made by the task worker; undelivered at most "
        f"{max(n['pending'] for n in notices)} at most "
        f"{max(n['after'] for n in notices):.1f}s after each slice of the burst"
    )

    outcomes = collections.Counter()
    accepted: dict[int, str] = {}
    by_key: dict[str, set[int]] = collections.defaultdict(set)
    for call, r in zip(plan, burst["results"], strict=True):
        code = r["data"].get("code") if r["status"] >= 400 else None
        outcomes[(r["status"], code)] += 1
        if r["status"] in (200, 201):
            by_key[call[4]].add(r["data"]["id"])
            if r["status"] == 201:
                accepted[r["data"]["id"]] = call[4]
    print("outcomes:")
    for (status, code), count in sorted(
        outcomes.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
    ):
        label = {201: "accepted", 200: "replayed (same Idempotency-Key)"}.get(status, code)
        print(f"  {status} {label:<34} {count:6d}")
    print(
        f"accepted: {sum(c for (s, _), c in outcomes.items() if s == 201)}   "
        f"refused: {sum(c for (s, _), c in outcomes.items() if 400 <= s < 500)}   "
        f"errors (5xx/connection): {sum(c for (s, _), c in outcomes.items() if s >= 500 or s == 0)}"
    )

    programme = Programme.objects.get(pk=world["programme"])
    stored = set(Enrollment.objects.filter(programme=programme).values_list("pk", flat=True))
    lost = set(accepted) - stored
    phantom = stored - set(accepted)
    replays_differ = sum(1 for ids in by_key.values() if len(ids) > 1)
    doubled = (
        Enrollment.objects.filter(programme=programme, live=True)
        .values("person", "item")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    quotas = list(Quota.objects.filter(programme=programme).select_related("region"))
    over = [q for q in quotas if q.seats_held + q.seats_split > q.seats]
    full = [q for q in quotas if q.seats_held + q.seats_split == q.seats]
    problems = seats_consistent(programme)

    print()
    columns = [code for code, _ in ITEM_MIX]
    cells = {(q.region_id, q.item): q for q in quotas}
    print("seats held / seats per region and item (* = full):")
    print(f"  {'region':<12}" + "".join(f"{c:>11}" for c in columns))
    for code in sorted({q.region_id for q in quotas}):
        name = next(q.region.name for q in quotas if q.region_id == code)
        row = []
        for c in columns:
            q = cells.get((code, c))
            row.append(
                f"{q.seats_held:>5}/{q.seats:<4}{'*' if q in full else ' '}" if q else f"{'-':>11}"
            )
        print(f"  {name[:6]:<12}" + "".join(f"{x:>11}" for x in row))
    print()
    print(f"quotas: {len(quotas)}, full: {len(full)}, over their seats: {len(over)}")
    print(f"counters against enrollments holding seats (seats_consistent): {problems or 'exact'}")
    print(
        f"accepted but not stored (lost): {len(lost)}   stored but never accepted: {len(phantom)}"
    )
    print(f"keys answered with two different enrollments: {replays_differ}")
    print(f"teachers with two live enrollments for one item (duplicated): {doubled}")
    assert not over, f"oversubscribed: {over}"
    assert not problems, problems
    assert not lost and not phantom and not replays_differ and not doubled


def profile_one(world: dict[str, Any]) -> None:
    """One submission in-process, with the queries it sends and where its time goes."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from shipei.enrollment.models import Enrollment
    from shipei.quotas.models import Quota

    used = set(Enrollment.objects.values_list("person_id", flat=True))
    free = {q.region_id for q in Quota.objects.filter(item="p3") if q.seats_held < q.seats}
    spare = [t for t in world["teachers"] if t["person"] not in used and t["region"] in free]
    if len(spare) < 21:
        print("profile: not enough unused teachers in regions with seats left")
        return
    client = Client(HTTP_HOST="127.0.0.1")

    def submit(t: dict[str, Any]) -> Any:
        return client.post(
            "/api/v1/enrollments/",
            {"programme": world["programme"], "item": "p3", "person": t["person"]},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {t['token']}",
        )

    submit(spare[0])  # warm caches
    with CaptureQueriesContext(connection) as queries:
        assert submit(spare[1]).status_code == 201
    print()
    print(f"profile: one accepted submission sends {len(queries)} queries:")
    for q in queries.captured_queries:
        print(f"  {float(q['time']) * 1000:5.1f} ms  {q['sql'][:150]}")
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for t in spare[2:22]:
        submit(t)
    profiler.disable()
    print(f"in-process: {(time.perf_counter() - start) / 20 * 1000:.1f} ms a submission (profiled)")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(
        r"shipei|rest_framework/(views|serializers)|auditlog", 25
    )
    stats.sort_stats("tottime").print_stats(15)
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))


if __name__ == "__main__":
    main()
