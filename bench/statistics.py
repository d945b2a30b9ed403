"""The statistics dashboards at national scale, through HTTP, against their floor in plain SQL.

Never run in CI. Usage (from the repository root):

    .venv/bin/python bench/statistics.py [--enrollments 1300000] [--runs 15] [--keep]

It creates the throwaway database ``shipei_bench_statistics`` (dropped at the end unless
``--keep``), migrates, loads notice 000 (its 附件1 quota table of 32 provincial regions, made
this year's) and then, in bulk SQL with the triggers off (``session_replication_role``, as a
bulk import would run), the country: 32 provinces' departments with 30 schools each, 500
projects at 100 of those schools as bases, two classes each with two 8-hour sessions, 130,000
teachers and ``--enrollments`` enrollments submitted over this year, in every status an
enrollment reaches within the year (older ones further on), a valid certificate for each pass (one per teacher and item)
and attendance hours for each trainee who attended. Then notice 004's year in Zhejiang
(``bench/annual_world.py``): the preset, 60 technician colleges, their half-year plans of 600
lines, some 600 classes in every status from planned to closed (cancelled and late ones
among them) and some 15,000 enrollments with their attendance and assessment attempts.
``shipei statistics_rebuild`` then computes the summaries from these rows, as after any bulk
load.

With gunicorn (4 workers x 4 threads, ``bench.settings``) and ``shipei statistics_fold --every
2`` running, it times, one request at a time, the national dashboard (as the ministry's admin)
and a province's (Zhejiang's admin): ``--runs`` requests each after two to warm up, the median.
Each page's **floor** is measured in the same run: the numbers that page shows, for its scope,
computed by plain ``GROUP BY`` queries over the raw tables (enrollments by area or
organisation and status, by project, base and status, by month and status; certificates and
hours by the same keys; quota use), the median of ``--runs`` runs of them all. Then it inserts
1,000 enrollments (with the triggers, in ten transactions, as the service would commit them)
and polls the national dashboard's API until its total shows all 1,000.

It also times the 附件6 download (notice 004's annual summary, ``/statistics/annual/download/``)
as Zhejiang's admin for the whole province and as one college's admin for its own, the same way,
each against its own floor: the numbers the file shows for that scope (classes, trainees and
passed; planned lines and those run; the lines not run) in plain ``GROUP BY`` queries over the
raw tables (``annual_world.floor_queries``).

Goals: every dashboard request at most 1.0x its floor and under 200 ms; the 1,000 new
enrollments shown within 5 s (the download is a file, not a dashboard request: its figures are
printed on their own lines, ``附件6 export (province): N ms, floor F ms, ratio R``, and left out
of the goals). The last line:
``statistics: worst ratio R to plain SQL, slowest N ms, fresh after S s``.
"""

import sys
from pathlib import Path

if __name__ == "statistics":
    # Imported, not run: a sibling script (enroll_burst.py, pages.py: run as a file, they have
    # this folder first on their path) asked for the standard library's module of this name.
    # Hand that over in our place; the import statement then binds it.
    import importlib

    _path = sys.path[:]
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
    del sys.modules["statistics"]
    try:
        sys.modules["statistics"] = importlib.import_module("statistics")
    finally:
        sys.path[:] = _path

import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from typing import Any
from urllib.parse import urlencode

import requests

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "shipei_bench_statistics"
SCHOOLS_PER_PROVINCE = 30
PROJECTS, BASES, CLASSES_PER_PROJECT = 500, 100, 2
TEACHERS = 130_000
PASSWORD = "Bench-Stat-2026"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GOAL_RATIO, GOAL_MS, GOAL_FRESH = 1.0, 200.0, 5.0
# Status by how far into the year an enrollment was submitted: (share of the year, status
# shares). The oldest are mostly through the training; the newest still wait for review.
STAGES = [
    (
        0.55,
        {"passed": 70, "failed": 8, "withdrawn": 6, "rejected": 6, "no_show": 5, "attending": 5},
    ),
    (
        0.85,
        {
            "attending": 40,
            "admitted": 30,
            "passed": 15,
            "withdrawn": 5,
            "rejected": 5,
            "no_show": 5,
        },
    ),
    (1.00, {"submitted": 55, "returned": 10, "waitlisted": 10, "admitted": 20, "withdrawn": 5}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrollments", type=int, default=1_300_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    data_dir = Path(tempfile.mkdtemp(prefix="shipei-bench-stat-"))
    os.environ.update(
        SHIPEI_ENV="demo",
        SHIPEI_DATA_DIR=str(data_dir),
        DATABASE_URL=f"{PG}/{DB_NAME}",
        DJANGO_SETTINGS_MODULE="bench.settings",
        DB_POOL_MAX="5",
        DB_POOL_MIN="2",
        ADMISSION_LIMIT="0",
    )
    _admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)", f"CREATE DATABASE {DB_NAME}")
    import django

    django.setup()
    try:
        measure(args, data_dir)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"kept: database {DB_NAME}, SHIPEI_DATA_DIR={data_dir}")
        else:
            _admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
            shutil.rmtree(data_dir, ignore_errors=True)


def _admin_sql(*statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def load(n_enrollments: int, data_dir: Path) -> dict[str, Any]:
    """The country, in bulk: a few hundred ORM rows, the millions in INSERT ... SELECT."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.annual_world import load_004
    from bench.enroll_burst import PRESET
    from shipei.accounts.models import Person, Role, RoleAssignment, User
    from shipei.classes.models import TrainingClass
    from shipei.core.identifiers import id_check_digit
    from shipei.orgs.models import Organisation, Region
    from shipei.orgs.services import org_bootstrap
    from shipei.programmes.models import Programme
    from shipei.projects.models import Project
    from shipei.quotas.models import Quota
    from shipei.schedule.models import Session

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    # The pages are served as in production: from the collected, hashed static files. Collecting
    # them takes minutes here; with STATIC_ROOT set to a folder already collected, they are
    # taken from there.
    if not (Path(os.environ.get("STATIC_ROOT", data_dir / "static")) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    K = Organisation.Kind
    moe = org_bootstrap(parent=None, name="教育部", kind=K.MINISTRY)
    call_command("load_preset", PRESET, stdout=open(os.devnull, "w"))  # noqa: SIM115
    programme = Programme.objects.get(preset=PRESET)
    year = timezone.localdate().year
    Programme.objects.filter(pk=programme.pk).update(year=year)
    codes = sorted(set(Quota.objects.filter(programme=programme).values_list("region", flat=True)))
    depts = []
    with transaction.atomic():
        for code in codes:
            region = Region.objects.get(code=code)
            depts.append(
                org_bootstrap(
                    parent=moe, name=f"{region.name}教育厅", kind=K.PROVINCE_EDU, region=region
                )
            )
    schools = []
    for d, dept in enumerate(depts):
        city = Region.objects.filter(parent=dept.region).order_by("code").first() or dept.region
        for s in range(SCHOOLS_PER_PROVINCE):
            schools.append(
                Organisation(
                    name=f"{dept.region.short_name or dept.region.name}第{s + 1}职业学校",
                    name_pinyin=f"school{d:02d}{s:02d}",
                    kind=K.SCHOOL,
                    parent=dept,
                    region=city,
                    school_kind=Organisation.SchoolKind.SECONDARY,
                    school_code=f"8{d:03d}{s:06d}",
                    depth=2,
                    path="",
                )
            )
    Organisation.objects.bulk_create(schools, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE orgs_organisation o SET path = p.path || o.id || '/' FROM orgs_organisation p"
            " WHERE o.parent_id = p.id AND o.path = ''"
        )
    schools = list(Organisation.objects.filter(kind=K.SCHOOL).order_by("pk"))
    bases = schools[:: len(schools) // BASES][:BASES]
    items = [i["code"] for i in programme.policy["items"]]
    projects = Project.objects.bulk_create(
        [
            Project(
                programme=programme,
                item=items[p % len(items)],
                base=bases[p % BASES],
                title=f"{bases[p % BASES].name}培训项目{p + 1:03d}",
                hours=56,
                status=Project.Status.RUNNING,
            )
            for p in range(PROJECTS)
        ]
    )
    start = datetime.date(year, 1, 1)
    classes = TrainingClass.objects.bulk_create(
        [
            TrainingClass(
                project=pr,
                seq=c + 1,
                starts_on=start + datetime.timedelta(days=30 * c),
                ends_on=start + datetime.timedelta(days=30 * c + 5),
                capacity=5000,
                status=TrainingClass.Status.CLOSED,
            )
            for pr in projects
            for c in range(CLASSES_PER_PROJECT)
        ]
    )
    first_day = timezone.make_aware(datetime.datetime(year, 1, 1, 9))
    Session.objects.bulk_create(
        [
            Session(
                training_class=c,
                kind=Session.Kind.OFFLINE,
                title=f"第{s + 1}讲",
                starts_at=first_day + datetime.timedelta(days=c.pk % 300, hours=s * 24),
                ends_at=first_day + datetime.timedelta(days=c.pk % 300, hours=s * 24 + 8),
                hours=8,
                room="报告厅",
            )
            for c in classes
            for s in range(2)
        ]
    )
    admins = {}
    for key, org, role in (
        ("national", moe, Role.NATIONAL_ADMIN),
        ("province", depts[codes.index("330000")], Role.PROVINCIAL_ADMIN),
    ):
        person = Person(org=org, name=f"统计{key}", name_pinyin=f"tongji{key}")
        person.set_id_number("110101199001011237" if key == "national" else "330106199001011235")
        person.gender = "M"
        person.save()
        user = User.objects.create_user(f"stat-{key}", PASSWORD, person=person)
        RoleAssignment.objects.create(user=user, role=role, org=org)
        admins[key] = {"username": user.username, "org": org}
    print(f"load: organisations, projects and classes in {time.perf_counter() - t0:.0f}s")
    t1 = time.perf_counter()
    school_ids = [s.pk for s in schools]
    class_rows = [(c.pk, c.project_id, c.project.base_id) for c in classes]
    now = timezone.now()
    seconds = int((now - timezone.make_aware(datetime.datetime(year, 1, 1))).total_seconds())
    with connection.cursor() as cursor:
        # Bulk loading as an import would: triggers (ours and the foreign keys') off for this
        # session; the summaries are rebuilt from the rows afterwards.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET statement_timeout = 0")  # the app's 30 s is for requests
        cursor.execute("CREATE TEMP TABLE b_school (n int PRIMARY KEY, id bigint)")
        cursor.executemany("INSERT INTO b_school VALUES (%s, %s)", list(enumerate(school_ids)))
        cursor.execute(
            "CREATE TEMP TABLE b_class (n int PRIMARY KEY, id bigint, project bigint, base bigint)"
        )
        cursor.executemany(
            "INSERT INTO b_class VALUES (%s, %s, %s, %s)",
            [(i, *row) for i, row in enumerate(class_rows)],
        )
        cursor.execute(
            "INSERT INTO accounts_person (name, name_pinyin, gender, id_number_cipher,"
            " id_number_hash, mobile_cipher, email, org_id, created_at, updated_at)"
            " SELECT '学员' || g, 'xueyuan' || g, 'F', '-', 'bench-' || g, '', '', s.id, now(),"
            " now()"
            " FROM generate_series(0, %s) g JOIN b_school s ON s.n = g %% %s",
            [TEACHERS - 1, len(school_ids)],
        )
        cursor.execute(
            "CREATE TEMP TABLE b_person AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id,"
            " org_id FROM accounts_person WHERE id_number_hash LIKE 'bench-%'"
        )
        cursor.execute("CREATE UNIQUE INDEX ON b_person (n)")
        # Status by the stage of the year the enrollment was submitted in.
        cases = []
        for upto, shares in STAGES:
            total, acc, inner = sum(shares.values()), 0, []
            for status, share in shares.items():
                acc += share
                inner.append(f"WHEN (g * 7919) %% {total} < {acc} THEN '{status}'")
            cases.append(f"WHEN g::float / %(n)s < {upto} THEN CASE {' '.join(inner)} END")
        status_sql = f"CASE {' '.join(cases)} END"
        cursor.execute(
            "INSERT INTO enrollment_enrollment (programme_id, item, project_id, training_class_id,"
            " base_id, person_id, org_id, channel, status, step, policy_revision, holds_seat,"
            " live, reason, submitted_at, decided_at, updated_at)"
            " SELECT %(programme)s, pr.item, c.project, c.id, c.base, p.id, p.org_id,"
            " 'self_registration', st.status, 0, 1, false,"
            " st.status NOT IN ('withdrawn', 'rejected', 'no_show'), '',"
            " %(start)s + (g::float / %(n)s * %(seconds)s) * interval '1 second',"
            " CASE WHEN st.status IN ('submitted', 'returned', 'waitlisted') THEN NULL"
            " ELSE %(start)s + (g::float / %(n)s * %(seconds)s + 86400 * 10)"
            " * interval '1 second' END, now()"
            " FROM generate_series(0::bigint, %(n)s - 1) g"
            " JOIN b_person p ON p.n = (g * 31) %% %(teachers)s"
            " JOIN b_class c ON c.n = (g * 17 + g / 1000) %% %(classes)s"
            " JOIN projects_project pr ON pr.id = c.project"
            f" CROSS JOIN LATERAL (SELECT {status_sql} AS status) st",
            {
                "programme": programme.pk,
                "start": timezone.make_aware(datetime.datetime(year, 1, 1)),
                "n": n_enrollments,
                "seconds": seconds,
                "teachers": TEACHERS,
                "classes": len(class_rows),
            },
        )
        cursor.execute(
            "INSERT INTO certificates_numberseries (key, last) VALUES ('bench-statistics', 0)"
            " RETURNING id"
        )
        (series,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO certificates_certificate (enrollment_id, person_id, programme_id, item,"
            " holder_name, programme_title, title, issuer, issued_on, number, series_id, serial,"
            " status, revoked_reason, revoked_note, credential, qr_payload, created_at,"
            " updated_at)"
            " SELECT DISTINCT ON (e.person_id, e.item) e.id, e.person_id, e.programme_id, e.item, '学员', '创新团队培训', '结业证书',"
            " '教育部', (e.decided_at)::date, 'BENCH-' || e.id, %s, e.id, 'valid', '', '', '-',"
            " '-', now(), now() FROM enrollment_enrollment e WHERE e.status = 'passed'"
            " ORDER BY e.person_id, e.item, e.id",
            [series],
        )
        cursor.execute(
            "INSERT INTO attendance_attendancerecord (session_id, enrollment_id, status, hours,"
            " source, created_at, updated_at)"
            " SELECT s.id, e.id, CASE WHEN e.id % 10 = 0 THEN 'absent' ELSE 'present' END,"
            " CASE WHEN e.id % 10 = 0 THEN 0 ELSE s.hours END, 'grid', now(), now()"
            " FROM enrollment_enrollment e JOIN schedule_session s"
            " ON s.training_class_id = e.training_class_id"
            " WHERE e.status IN ('attending', 'passed', 'failed')"
        )
        cursor.execute("UPDATE quotas_quota q SET seats_held = LEAST(q.seats, q.seats * 3 / 4)")
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute(
            "SELECT (SELECT count(*) FROM enrollment_enrollment),"
            " (SELECT count(*) FROM certificates_certificate),"
            " (SELECT count(*) FROM attendance_attendancerecord)"
        )
        counts = cursor.fetchone()
    print(
        f"load: {counts[0]:,} enrollments, {counts[1]:,} certificates, {counts[2]:,} attendance"
        f" records in {time.perf_counter() - t1:.0f}s"
    )
    t3 = time.perf_counter()
    zhejiang = depts[codes.index("330000")]
    annual = load_004(dept=zhejiang, year=year, today=timezone.localdate())
    college = annual["colleges"][0]
    person = Person(org=college, name="统计college", name_pinyin="tongjicollege")
    person.set_id_number("33010219850101123" + id_check_digit("33010219850101123"))
    person.gender = "F"
    person.save()
    user = User.objects.create_user("stat-college", PASSWORD, person=person)
    RoleAssignment.objects.create(user=user, role=Role.BASE_ADMIN, org=college)
    admins["college"] = {"username": user.username, "org": college}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"load: notice 004 in Zhejiang: {len(annual['colleges'])} colleges,"
        f" {annual['plans']} half-year plans of {annual['lines']} lines, {annual['classes']}"
        f" classes ({annual['ran']} ran), {annual['enrollments']:,} enrollments with their"
        f" attempts and attendance in {time.perf_counter() - t3:.0f}s (with ANALYZE)"
    )
    t2 = time.perf_counter()
    call_command("statistics_rebuild", stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"load: statistics_rebuild in {time.perf_counter() - t2:.0f}s")
    return {
        "year": year,
        "admins": admins,
        "programme": programme.pk,
        "class_rows": class_rows,
        "person": TEACHERS,
        "programme_004": annual["programme"],
    }


# --- the floor: the page's numbers in plain SQL over the raw tables ---------------------------

MONTH = "date_trunc('month', e.submitted_at AT TIME ZONE 'Asia/Shanghai')"
AREA = "split_part(o.path, '/', 3)"


def floor_queries(year: int, path: str | None) -> list[tuple[str, list]]:
    """The numbers of the page of the country (`path` None: by area) or of a province (by
    organisation), each table by status, certificates and hours by the same keys."""
    start = datetime.datetime(year, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    end = start.replace(year=year + 1)
    unit = AREA if path is None else "e.org_id"
    where = "e.submitted_at >= %s AND e.submitted_at < %s"
    params: list = [start, end]
    if path is not None:
        where += " AND o.path LIKE %s"
        params.append(path + "%")
    join = "JOIN orgs_organisation o ON o.id = e.org_id"
    enrollments = f"FROM enrollment_enrollment e {join} WHERE {where}"
    certs = (
        f"FROM certificates_certificate c JOIN enrollment_enrollment e ON e.id = c.enrollment_id"
        f" {join} WHERE c.status = 'valid' AND {where}"
    )
    hours = (
        f"FROM attendance_attendancerecord a JOIN enrollment_enrollment e"
        f" ON e.id = a.enrollment_id {join} WHERE {where}"
    )
    quotas = (
        "SELECT p.title, q.item, SUM(q.seats), SUM(q.seats_held) FROM quotas_quota q"
        " JOIN programmes_programme p ON p.id = q.programme_id"
        " LEFT JOIN orgs_region r ON r.code = q.region_id"
        " WHERE p.year = %s AND q.parent_id IS NULL"
        + ("" if path is None else " AND r.code LIKE '33%%'")
        + " GROUP BY p.title, q.item"
    )
    return [
        (f"SELECT {unit}, e.status, COUNT(*) {enrollments} GROUP BY 1, 2", params),
        (
            f"SELECT e.project_id, e.base_id, e.status, COUNT(*) {enrollments} GROUP BY 1, 2, 3",
            params,
        ),
        (f"SELECT {MONTH}, e.status, COUNT(*) {enrollments} GROUP BY 1, 2", params),
        (f"SELECT {unit}, e.project_id, e.base_id, COUNT(*) {certs} GROUP BY 1, 2, 3", params),
        (f"SELECT {unit}, e.project_id, e.base_id, SUM(a.hours) {hours} GROUP BY 1, 2, 3", params),
        (quotas, [year]),
    ]


def time_floor(queries: list[tuple[str, list]], runs: int) -> float:
    import psycopg

    times = []
    with psycopg.connect(f"{PG}/{DB_NAME}") as conn:
        for run in range(runs + 1):
            start = time.perf_counter()
            for sql, params in queries:
                conn.execute(sql, params).fetchall()
            if run:  # the first warms the cache, as the pages' first requests do
                times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def time_page(
    session: requests.Session, url: str, runs: int, content_type: str = "text/html"
) -> tuple[float, int]:
    """The median of `runs` requests after two to warm up; each must answer `content_type` (a
    download with nothing to count redirects to its page instead)."""
    for _ in range(2):
        response = session.get(url)
        response.raise_for_status()
        if not response.headers.get("Content-Type", "").startswith(content_type):
            raise SystemExit(f"{url}: {response.headers.get('Content-Type')}, not {content_type}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = session.get(url)
        response.raise_for_status()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, len(response.content)


def time_annual(base: str, world: dict[str, Any], runs: int) -> list[tuple[str, float, float, int]]:
    """The 附件6 download for the province (its admin) and for one college (its admin), each
    with its floor: (scope, ms, floor ms, bytes)."""
    from bench.annual_world import floor_queries
    from bench.pages import login

    programme, year = world["programme_004"], world["year"]
    province, college = world["admins"]["province"], world["admins"]["college"]
    out = []
    for key, admin, scope, where in (
        ("province", province, "province:330000", {"path": province["org"].path, "region": "33"}),
        (
            "institution",
            college,
            f"org:{college['org'].pk}",
            {"path": college["org"].path, "org": college["org"].pk},
        ),
    ):
        session = login(base, admin["username"], PASSWORD)
        query = urlencode({"year": year, "programme": programme.pk, "scope": scope})
        url = f"{base}/statistics/annual/download/?{query}"
        ms, size = time_page(session, url, runs, XLSX)
        floor = time_floor(floor_queries(programme, year, **where), runs)
        out.append((key, ms, floor, size))
    return out


def api_total(session: requests.Session, base: str, year: int) -> int:
    data = session.get(f"{base}/statistics/api/figures/", params={"year": year}).json()
    return int(next(k["value"] for k in data["kpis"] if k["label"] == "报名人数").replace(",", ""))


def enroll_more(world: dict[str, Any], n: int = 1000) -> float:
    """`n` enrollments in ten transactions, with the triggers, as the service commits them;
    returns when the last committed."""
    from django.db import connection, transaction
    from django.utils import timezone

    rows = world["class_rows"]
    for batch in range(10):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO enrollment_enrollment (programme_id, item, project_id,"
                " training_class_id, base_id, person_id, org_id, channel, status, step,"
                " policy_revision, holds_seat, live, reason, submitted_at, updated_at)"
                " SELECT %s, pr.item, pr.id, %s, %s, p.id, p.org_id, 'self_registration',"
                " 'submitted', 0, 1, false, true, '', %s, %s FROM accounts_person p,"
                " projects_project pr WHERE p.id = (SELECT min(id) FROM accounts_person) + %s"
                " AND pr.id = %s",
                [
                    (
                        world["programme"],
                        rows[i % len(rows)][0],
                        rows[i % len(rows)][2],
                        timezone.now(),
                        timezone.now(),
                        i % world["person"],
                        rows[i % len(rows)][1],
                    )
                    for i in range(batch * n // 10, (batch + 1) * n // 10)
                ],
            )
    return time.perf_counter()


def measure(args: argparse.Namespace, data_dir: Path) -> None:
    from bench.enroll_burst import start_gunicorn, stop_gunicorn
    from bench.pages import login

    world = load(args.enrollments, data_dir)
    year = world["year"]
    server = start_gunicorn(argparse.Namespace(workers=4, threads=4, admission_limit=0), data_dir)
    folder = subprocess.Popen(
        [str(ROOT / ".venv/bin/shipei"), "statistics_fold", "--every", "2"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        start_new_session=True,
    )
    try:
        base = server["url"]
        pages = []
        for key in ("national", "province"):
            admin = world["admins"][key]
            session = login(base, admin["username"], PASSWORD)
            url = f"{base}/statistics/?year={year}"
            ms, size = time_page(session, url, args.runs)
            path = None if key == "national" else admin["org"].path
            floor = time_floor(floor_queries(year, path), args.runs)
            pages.append((key, ms, floor))
            print(
                f"page {key:<9} {ms:7.1f} ms (median of {args.runs}, {size // 1024} KB)"
                f"   floor: plain SQL {floor:7.1f} ms   ratio {ms / floor:.2f}"
            )
        exports = time_annual(base, world, args.runs)
        national = login(base, world["admins"]["national"]["username"], PASSWORD)
        before = api_total(national, base, year)
        committed = enroll_more(world)
        while True:
            seen = api_total(national, base, year)
            fresh = time.perf_counter() - committed
            if seen >= before + 1000 or fresh > 60:
                break
            time.sleep(0.1)
        print(f"fresh: {seen - before} of 1000 new enrollments shown {fresh:.2f}s after commit")
    finally:
        os.killpg(folder.pid, 15)
        folder.wait(timeout=30)
        stop_gunicorn(server)
    worst = max(ms / floor for _k, ms, floor in pages)
    slowest = max(ms for _k, ms, _f in pages)
    ok = worst <= GOAL_RATIO and slowest < GOAL_MS and fresh <= GOAL_FRESH
    print(
        f"goals: ratio <= {GOAL_RATIO}, < {GOAL_MS:.0f} ms, fresh <= {GOAL_FRESH:.0f} s:"
        f" {'met' if ok else 'NOT met'}; load " + " ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    for key, ms, floor, size in exports:
        print(
            f"附件6 export ({key}): {ms:.0f} ms, floor {floor:.1f} ms, ratio {ms / floor:.2f}"
            f" (median of {args.runs}, {size // 1024} KB)"
        )
    print(
        f"statistics: worst ratio {worst:.2f} to plain SQL, slowest {slowest:.0f} ms,"
        f" fresh after {fresh:.1f} s"
    )


if __name__ == "__main__":
    main()
