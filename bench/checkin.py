"""QR check-in through HTTP: 300 trainees of 10 classes checking in within one minute.

Never run in CI. Usage (from the repository root):

    .venv/bin/python bench/checkin.py [--classes 10] [--per-class 30] [--seconds 60]

It drops and creates the database ``shipei_bench_checkin`` on the local PostgreSQL
(``BENCH_PG``, as enroll_burst.py), migrates, and sets up notice 004's programme with
``--classes`` running classes at one training base, ``--per-class`` admitted trainees each
(a login and an API token each) and one off-line session per class starting in 20 minutes
(check-in opens 30 minutes before). It starts gunicorn as enroll_burst.py does and then:

1. the minute: every trainee checks in once, at a moment drawn evenly over ``--seconds``
   (an open model: arrivals do not wait for answers), each with the code the room's screen
   shows at that moment (``POST /api/v1/attendance/check-in/``, as the phone does after the
   scan); its time runs from the moment it was due;
2. the burst: the records cleared, every trainee at once from ``--clients`` clients (how many
   check-ins a second the server takes at most);

and prints for each the throughput, p50/p99 and the answers by kind, then checks the database:
one record per trainee, all present, none for anyone else.
"""

import argparse
import datetime
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import enroll_burst  # noqa: E402  (its server and client)

DB_NAME = "shipei_bench_checkin"
PRESET = "mohrss-integrated-teacher-training"
ITEM = "l2-c1"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--per-class", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60.0, help="the check-ins spread over")
    parser.add_argument("--clients", type=int, default=32, help="clients of the burst")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    args.admission_limit = 0

    data_dir = Path(tempfile.mkdtemp(prefix="shipei-bench-checkin-"))
    os.environ.update(
        SHIPEI_ENV="demo",
        SHIPEI_DATA_DIR=str(data_dir),
        DATABASE_URL=f"{enroll_burst.PG}/{DB_NAME}",
        DJANGO_SETTINGS_MODULE="bench.settings",
        DB_POOL_MAX=str(args.threads + 1),
        DB_POOL_MIN=str(min(2, args.threads)),
        ADMISSION_LIMIT="0",
    )
    enroll_burst.DB_NAME = DB_NAME  # its database helpers, on this bench's database
    enroll_burst.fresh_database()
    import django

    django.setup()
    t0 = time.perf_counter()
    world = load_world(args.classes, args.per_class)
    print(
        f"setup: {len(world['trainees'])} trainees in {args.classes} classes, "
        f"in {time.perf_counter() - t0:.0f}s"
    )
    server = enroll_burst.start_gunicorn(args, data_dir)
    try:
        base = server["url"]
        enroll_burst.warm_up(base, [t["token"] for t in world["trainees"]], 16, server)
        rng = random.Random(args.seed)
        minute = spread(base, world, args.seconds, rng)
        report("minute", minute, world)
        clear()
        burst = enroll_burst.run(args.clients, calls(base, world), server)
        report("burst", burst, world)
    finally:
        enroll_burst.stop_gunicorn(server)
    from django.db import connections

    connections.close_all()
    enroll_burst.drop_database()
    shutil.rmtree(data_dir, ignore_errors=True)
    print(
        f"checkin: {len(world['trainees'])} check-ins over {args.seconds:.0f} s, "
        f"p50 {minute['p50']:.0f} ms, p99 {minute['p99']:.0f} ms, "
        f"errors {errors(minute)}; burst {burst['rate']:.0f}/s, p99 {burst['p99']:.0f} ms"
    )


def load_world(n_classes: int, per_class: int) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from shipei.accounts.models import Person, Role, RoleAssignment, User
    from shipei.classes.models import TrainingClass
    from shipei.core.text import pinyin_key
    from shipei.enrollment.models import Enrollment
    from shipei.orgs.models import Organisation, Region
    from shipei.orgs.services import org_bootstrap
    from shipei.programmes.models import Programme
    from shipei.projects.services import project_for_classes
    from shipei.schedule.models import Session

    call_command("migrate", verbosity=0)
    K = Organisation.Kind
    zj = Region.objects.get(code="330000")
    hz = Region.objects.filter(parent=zj).order_by("code").first()
    ministry = org_bootstrap(parent=None, name="人力资源社会保障部", kind=K.MINISTRY)
    dept = org_bootstrap(
        parent=ministry, name="浙江省人力资源和社会保障厅", kind=K.PROVINCE_HR, region=zj
    )
    technical = {"kind": K.SCHOOL, "region": hz, "school_kind": Organisation.SchoolKind.TECHNICAL}
    base = org_bootstrap(parent=dept, name="杭州技师学院", **technical)
    schools = [
        org_bootstrap(parent=dept, name=f"浙江第{n + 1}技工学校", **technical) for n in range(10)
    ]
    call_command("load_preset", PRESET, stdout=open(os.devnull, "w"))  # noqa: SIM115
    programme = Programme.objects.get(preset=PRESET)
    project = project_for_classes(actor=None, programme=programme, base=base, item=ITEM)
    today = timezone.localdate()
    start = timezone.now() + datetime.timedelta(minutes=20)
    classes, sessions = [], []
    for n in range(n_classes):
        cls = TrainingClass.objects.create(
            project=project,
            seq=n + 1,
            starts_on=today,
            ends_on=today + datetime.timedelta(days=8),
            capacity=30,
            status=TrainingClass.Status.RUNNING,
        )
        classes.append(cls)
        sessions.append(
            Session.objects.create(
                training_class=cls,
                kind=Session.Kind.OFFLINE,
                title="学习任务分析",
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=4),
                hours=4,
                room=f"实训楼 A{301 + n}",
            )
        )
    rng = random.Random(7)
    people = []
    for n in range(n_classes * per_class):
        school = schools[n % len(schools)]
        name = rng.choice(enroll_burst.SURNAMES) + rng.choice(enroll_burst.GIVEN)
        person = Person(org=school, name=name, name_pinyin=pinyin_key(name))
        person.set_id_number(enroll_burst._id_number("330100", n))
        people.append(person)
    Person.objects.bulk_create(people)
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"bench-{p.pk}", person=p, password=unusable) for p in people]
    )
    tokens = Token.objects.bulk_create([Token(key=Token.generate_key(), user=u) for u in users])
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=u, role=Role.TRAINEE, org=p.org)
            for u, p in zip(users, people, strict=True)
        ]
    )
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                programme=programme,
                item=ITEM,
                project=project,
                training_class=classes[n // per_class],
                base=base,
                person=p,
                org=p.org,
                channel=Enrollment.Channel.SELF_REGISTRATION,
                status=Enrollment.Status.ADMITTED,
            )
            for n, p in enumerate(people)
        ]
    )
    return {
        "sessions": [s.pk for s in sessions],
        "trainees": [
            {"token": t.key, "session": sessions[n // per_class].pk} for n, t in enumerate(tokens)
        ],
    }


def _call(base: str, trainee: dict[str, Any], moment: datetime.datetime) -> tuple:
    from shipei.attendance import qr

    code = qr.code_for(trainee["session"], moment)
    body = {"session": trainee["session"], "slot": code.slot, "sig": code.sig}
    return ("POST", f"{base}/api/v1/attendance/check-in/", trainee["token"], body, None)


def calls(base: str, world: dict[str, Any]) -> list[tuple]:
    now = datetime.datetime.now(datetime.UTC)
    return [_call(base, t, now) for t in world["trainees"]]


def spread(base: str, world: dict[str, Any], seconds: float, rng: random.Random) -> dict[str, Any]:
    """Each trainee at a moment drawn evenly over `seconds`, whatever the answers before."""
    trainees = list(world["trainees"])
    due = sorted(rng.uniform(0, seconds) for _ in trainees)
    rng.shuffle(trainees)
    start = time.perf_counter()
    results: list[dict[str, Any]] = []
    lock = threading.Lock()

    def one(pair: tuple[float, dict[str, Any]]) -> None:
        at, trainee = pair
        time.sleep(max(0.0, start + at - time.perf_counter()))
        call = _call(base, trainee, datetime.datetime.now(datetime.UTC))
        result = enroll_burst._send(call)
        result["seconds"] = time.perf_counter() - (start + at)  # from when it was due
        with lock:
            results.append(result)

    with ThreadPoolExecutor(max_workers=64) as pool:
        list(pool.map(one, zip(due, trainees, strict=True)))
    wall = time.perf_counter() - start
    latencies = sorted(r["seconds"] for r in results)
    return {
        "results": results,
        "wall": wall,
        "rate": len(results) / wall,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def errors(run: dict[str, Any]) -> int:
    return sum(1 for r in run["results"] if r["status"] != 200)


def report(name: str, run: dict[str, Any], world: dict[str, Any]) -> None:
    from collections import Counter

    from shipei.attendance.models import AttendanceRecord

    kinds = Counter(
        (r["status"], r["data"].get("code") or r["data"].get("record", {}).get("status"))
        for r in run["results"]
    )
    print(
        f"{name}: {len(run['results'])} check-ins in {run['wall']:.1f} s, {run['rate']:.1f}/s, "
        f"p50 {run['p50']:.0f} ms, p99 {run['p99']:.0f} ms, errors {errors(run)}; answers "
        + ", ".join(f"{status} {what}: {n}" for (status, what), n in sorted(kinds.items()))
    )
    records = AttendanceRecord.objects.all()
    per_trainee = records.values("enrollment_id").distinct().count()
    assert records.count() == per_trainee == len(world["trainees"]), "one record per trainee"
    assert not records.exclude(status="present").exists(), "every check-in before the start"
    print(f"  {records.count()} records, one per trainee, all present")


def clear() -> None:
    from shipei.attendance.models import AttendanceRecord

    AttendanceRecord.objects.all().delete()


if __name__ == "__main__":
    main()
