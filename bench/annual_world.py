"""A province's year of notice 004 (技工院校工学一体化教师培训), in bulk, and the floor of its
附件6 annual summary in plain SQL: what ``bench/statistics.py`` times the download against.

``load_004`` adds to a database that has the province's department: the 004 preset, technician
colleges under the department in its cities, an approved plan for each half-year (one of every
25 still returned), their lines at each level and category, a class for nearly every line (some
lines never got one) and a few outside the plan, in statuses by date as on ``today``: closed,
assessing the last weeks', running, the coming weeks' still before the start, a few late and
some cancelled. The classes that reached enrolling have trainees (one new teacher of a college of
the province each), those that ran have sessions, attendance and the assessment's attempts as
annual.py reads them (``_passed``: the latest attempt of each component): passed, passed at the
retry, failed at the final or the process, and in the classes still assessing some results
still open. A few hundred rows through the ORM, the rest in ``INSERT ... SELECT``, the session's
triggers off as a bulk import runs; the statistics summaries are then rebuilt by the caller.

``floor_queries`` are the numbers the summary shows for a scope (classes, trainees, passed;
planned and ran; the planned classes not run), by institution and item (the item names the
level and category), in plain ``GROUP BY`` over the raw tables. PostgreSQL only.
"""

import datetime
import os
from typing import Any

P004 = "mohrss-integrated-teacher-training"
RAN = ("running", "assessing", "closed")
TRAINEES = ("admitted", "attending", "passed", "failed")  # CHAIN_COMPLETED
CANCEL_REASONS = ["报名人数不足", "授课骨干教师无法到岗", "实训场地改造"]
# The attempts of a trainee, by how far the assessment went: (component, number, status).
ATTEMPTS = {
    "pass": [("process", 1, "passed"), ("final", 1, "passed")],
    "pass_retry": [("process", 1, "passed"), ("final", 1, "failed"), ("final", 2, "passed")],
    "fail_final": [("process", 1, "passed"), ("final", 1, "failed"), ("final", 2, "failed")],
    "fail_process": [("process", 1, "failed"), ("process", 2, "failed")],
    "final_open": [("process", 1, "passed"), ("final", 1, "open")],
    "process_only": [("process", 1, "passed")],
    "process_retry": [("process", 1, "failed"), ("process", 2, "open")],
    "process_open": [("process", 1, "open")],
}


def _spread(n: int, k: int) -> int:
    """A fixed scatter of `n` over 0..k-1, the same on every run."""
    return (n * 7919 + 13) % k


def _status(n: int, starts: datetime.date, ends: datetime.date, today: datetime.date) -> str:
    """A class's status on `today`: cancelled some, else by its dates."""
    h = _spread(n, 100)
    if h < 6:
        return "cancelled"
    ahead = (starts - today).days
    if ahead > 0:
        for days, status in ((45, "planned"), (35, "applied"), (28, "staffed"), (20, "plan_filed")):
            if ahead > days:
                return status
        return "recorded" if ahead > 12 else "enrolling"
    if ends >= today:
        return "running"
    if (today - ends).days <= 20:
        return "assessing"
    if h < 8:  # never started: 未按期开班
        return "plan_approved" if h % 2 else "enrolling"
    return "assessing" if h < 11 else "closed"


def load_004(
    *,
    dept: Any,
    year: int,
    today: datetime.date,
    institutions: int = 60,
    lines: int = 600,
    unplanned: int = 20,
    per_class: int = 28,
) -> dict[str, Any]:
    """Notice 004's year `year` in the province of `dept` (an organisation with a province's
    region), as on `today`; returns the programme, the colleges and the counts."""
    from django.core.management import call_command
    from django.db import connection

    from shipei.classes.models import HalfYearPlan, HalfYearPlanLine, TrainingClass
    from shipei.orgs.models import Organisation, Region
    from shipei.programmes.models import Programme
    from shipei.projects.models import Project
    from shipei.schedule.models import Session

    call_command("load_preset", P004, stdout=open(os.devnull, "w"))  # noqa: SIM115
    programme = Programme.objects.get(preset=P004)
    rules = programme.rules
    length = rules.classes.length_days  # days by level label: 一级 8, 二级 9, 三级 7
    cities = list(Region.objects.filter(parent=dept.region).order_by("code")) or [dept.region]
    colleges = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"{dept.region.short_name or dept.region.name}第{j + 1}技师学院",
                name_pinyin=f"jishixueyuan{j:03d}",
                kind=Organisation.Kind.SCHOOL,
                school_kind=Organisation.SchoolKind.TECHNICAL,
                school_code=f"9{dept.region_id[:2]}{j:07d}",
                parent=dept,
                region=cities[j % len(cities)],
                depth=dept.depth + 1,
                path="",
            )
            for j in range(institutions)
        ]
    )
    for college in colleges:
        college.path = f"{dept.path}{college.pk}/"
    Organisation.objects.bulk_update(colleges, ["path"])

    # Plans: each college's two half-years, one of every 25 second halves returned.
    plans = HalfYearPlan.objects.bulk_create(
        [
            HalfYearPlan(
                programme=programme,
                institution=college,
                year=year,
                half=half,
                status=(
                    HalfYearPlan.Status.RETURNED
                    if half == 2 and _spread(j, 25) == 0
                    else HalfYearPlan.Status.APPROVED
                ),
            )
            for j, college in enumerate(colleges)
            for half in (1, 2)
        ]
    )
    levels = ["l3", "l3", "l3", "l3", "l2", "l2", "l2", "l1", "l1", "l3"]
    plan_lines, line_items = [], []
    for i in range(lines):
        plan = plans[i % len(plans)]
        j = (i % len(plans)) // 2
        category = (j + 3 * ((i // len(plans)) % 2)) % 8 + 1  # two categories a college
        item = f"{levels[_spread(i, 10)]}-c{category}"
        first = datetime.date(year, 1 if plan.half == 1 else 7, 5)
        starts = first + datetime.timedelta(days=_spread(i, 170))
        days = length.get(rules.item(item.split("-")[0]).label, 7)
        plan_lines.append(
            HalfYearPlanLine(
                plan=plan,
                seq=i // len(plans) + 1,
                item=item,
                starts_on=starts,
                ends_on=starts + datetime.timedelta(days=days - 1),
                capacity=30,
                enrolls_from="全省技工院校",
                place=f"{plan.institution.name}实训楼",
            )
        )
        line_items.append(item)
    plan_lines = HalfYearPlanLine.objects.bulk_create(plan_lines)

    projects: dict[tuple[int, str], Project] = {}
    seqs: dict[int, int] = {}

    def project_of(base: Any, item: str) -> Project:
        if (base.pk, item) not in projects:
            projects[(base.pk, item)] = Project.objects.create(
                programme=programme,
                item=item,
                base=base,
                title=f"{rules.item(item).label}培训",
                status=Project.Status.PUBLISHED,
            )
        return projects[(base.pk, item)]

    def training_class(n: int, base: Any, item: str, starts: Any, ends: Any, line: Any) -> Any:
        project = project_of(base, item)
        seqs[project.pk] = seqs.get(project.pk, 0) + 1
        status = _status(n, starts, ends, today)
        return TrainingClass(
            project=project,
            seq=seqs[project.pk],
            starts_on=starts,
            ends_on=ends,
            capacity=per_class,
            status=status,
            status_reason=CANCEL_REASONS[n % 3] if status == "cancelled" else "",
            plan_line=line,
            unplanned=line is None,
        )

    classes = []
    for i, line in enumerate(plan_lines):
        if line.plan.status != HalfYearPlan.Status.APPROVED or _spread(i, 100) == 99:
            continue  # a returned plan makes no classes; a few lines never got one
        classes.append(
            training_class(i, line.plan.institution, line.item, line.starts_on, line.ends_on, line)
        )
    for u in range(unplanned):
        college = colleges[_spread(u, len(colleges))]
        starts = datetime.date(year, 3, 2) + datetime.timedelta(days=_spread(u + 7, 230))
        item = line_items[_spread(u, len(line_items))]
        classes.append(
            training_class(
                lines + u, college, item, starts, starts + datetime.timedelta(days=6), None
            )
        )
    classes = TrainingClass.objects.bulk_create(classes)
    ran = [c for c in classes if c.status in RAN]
    Session.objects.bulk_create(
        [
            Session(
                training_class=c,
                kind=Session.Kind.OFFLINE,
                title=f"第{d + 1}天",
                starts_at=datetime.datetime.combine(
                    c.starts_on + datetime.timedelta(days=d),
                    datetime.time(9),
                    datetime.timezone(datetime.timedelta(hours=8)),
                ),
                ends_at=datetime.datetime.combine(
                    c.starts_on + datetime.timedelta(days=d),
                    datetime.time(17),
                    datetime.timezone(datetime.timedelta(hours=8)),
                ),
                hours=8,
                room="实训楼",
            )
            for c in ran
            for d in range((c.ends_on - c.starts_on).days + 1)
        ]
    )

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        for table in ("b4_class", "b4_enr", "b4_person", "b4_college"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            "CREATE TEMP TABLE b4_class (n int, id bigint, project bigint, base bigint,"
            " item text, status text, starts_on date)"
        )
        cursor.executemany(
            "INSERT INTO b4_class VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [
                (n, c.pk, c.project_id, c.project.base_id, c.project.item, c.status, c.starts_on)
                for n, c in enumerate(classes)
            ],
        )
        cursor.execute("CREATE TEMP TABLE b4_college (n int PRIMARY KEY, id bigint)")
        cursor.executemany(
            "INSERT INTO b4_college VALUES (%s, %s)", [(n, c.pk) for n, c in enumerate(colleges)]
        )
        # Trainees: a closed class's passed, failed, no-show and withdrawn; a class still
        # running or assessing, attending; one enrolling, two-thirds full, admitted or waiting.
        r = "(c.n * 131 + k * 7919) %% 100"
        cursor.execute(
            "CREATE TEMP TABLE b4_enr AS SELECT row_number() OVER (ORDER BY c.n, k) - 1 AS n,"
            " c.id AS class, c.project, c.base, c.item, c.starts_on, CASE"
            f" WHEN c.status = 'enrolling' THEN CASE WHEN {r} < 60 THEN 'admitted'"
            " ELSE 'submitted' END"
            f" WHEN {r} < 3 THEN 'no_show' WHEN {r} < 5 THEN 'withdrawn'"
            f" WHEN c.status <> 'closed' THEN 'attending' WHEN {r} < 15 THEN 'failed'"
            " ELSE 'passed' END AS status"
            " FROM b4_class c CROSS JOIN generate_series(0, %(per)s - 1) k"
            " WHERE c.status IN ('running', 'assessing', 'closed')"
            " OR (c.status = 'enrolling' AND c.starts_on > %(today)s AND k < %(per)s * 2 / 3)",
            {"per": per_class, "today": today},
        )
        cursor.execute("SELECT count(*) FROM b4_enr")
        (n_enrollments,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO accounts_person (name, name_pinyin, gender, id_number_cipher,"
            " id_number_hash, mobile_cipher, email, org_id, created_at, updated_at)"
            " SELECT '一体化学员' || g, 'yitihua' || g, CASE WHEN g %% 3 = 0 THEN 'F' ELSE 'M'"
            " END, '-', 'bench004-' || g, '', '', c.id, now(), now()"
            " FROM generate_series(0, %s - 1) g JOIN b4_college c ON c.n = (g * 7) %% %s",
            [n_enrollments, len(colleges)],
        )
        cursor.execute(
            "CREATE TEMP TABLE b4_person AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id,"
            " org_id FROM accounts_person WHERE id_number_hash LIKE 'bench004-%'"
        )
        cursor.execute("CREATE UNIQUE INDEX ON b4_person (n)")
        # Submitted three to four weeks before the start (never after now), decided ten days
        # before it.
        submitted = (
            "LEAST((x.starts_on - 25 + (x.n %% 7)::int)::timestamp AT TIME ZONE 'Asia/Shanghai'"
            " + interval '9 hours', now() - interval '1 hour')"
        )
        cursor.execute(
            "INSERT INTO enrollment_enrollment (programme_id, item, project_id, training_class_id,"
            " base_id, person_id, org_id, channel, status, step, policy_revision, holds_seat,"
            " live, reason, submitted_at, decided_at, updated_at)"
            " SELECT %s, x.item, x.project, x.class, x.base, p.id, p.org_id, 'self_registration',"
            " x.status, 0, 1, false, x.status NOT IN ('withdrawn', 'no_show'), '',"
            f" {submitted}, CASE WHEN x.status = 'submitted' THEN NULL ELSE {submitted}"
            " + interval '10 days' END, now()"
            " FROM b4_enr x JOIN b4_person p ON p.n = x.n",
            [programme.pk],
        )
        templates = [(kind, *a) for kind, attempts in ATTEMPTS.items() for a in attempts]
        values = ", ".join("(%s, %s, %s, %s)" for _t in templates)
        cursor.execute(
            "INSERT INTO assessment_attempt (enrollment_id, component, number, status, score,"
            " decided_at, created_at, updated_at)"
            " SELECT k.id, t.component, t.number, t.status, CASE t.status WHEN 'open' THEN NULL"
            " WHEN 'passed' THEN 60 + (k.id * 7 + t.number) %% 36 ELSE 30 + (k.id * 7) %% 29"
            " END, CASE WHEN t.status = 'open' THEN NULL ELSE now() END, now(), now()"
            " FROM (SELECT e.id, CASE"
            " WHEN e.status = 'passed' THEN CASE WHEN e.id %% 10 = 0 THEN 'pass_retry'"
            " ELSE 'pass' END"
            " WHEN e.status = 'failed' THEN CASE WHEN e.id %% 2 = 0 THEN 'fail_final'"
            " ELSE 'fail_process' END"
            " WHEN e.status = 'attending' AND c.status = 'assessing' THEN CASE"
            " WHEN e.id %% 100 < 8 THEN 'process_retry' WHEN e.id %% 100 < 55 THEN 'pass'"
            " WHEN e.id %% 100 < 80 THEN 'final_open' ELSE 'process_only' END"
            " WHEN e.status = 'attending' AND c.status = 'running' AND e.id %% 100 < 40"
            " THEN 'process_open' END AS kind"
            " FROM enrollment_enrollment e JOIN b4_class c ON c.id = e.training_class_id) k"
            f" JOIN (VALUES {values}) t (kind, component, number, status) ON t.kind = k.kind",
            [v for t in templates for v in t],
        )
        cursor.execute(
            "INSERT INTO attendance_attendancerecord (session_id, enrollment_id, status, hours,"
            " source, created_at, updated_at)"
            " SELECT s.id, e.id, 'present', s.hours, 'grid', now(), now()"
            " FROM enrollment_enrollment e JOIN b4_class c ON c.id = e.training_class_id"
            " JOIN schedule_session s ON s.training_class_id = e.training_class_id"
            " WHERE e.status IN ('attending', 'passed', 'failed') AND s.starts_at < now()"
        )
        for table in ("b4_class", "b4_enr", "b4_person", "b4_college"):
            cursor.execute(f"DROP TABLE {table}")
        cursor.execute("SET session_replication_role = DEFAULT")
    return {
        "programme": programme,
        "colleges": colleges,
        "plans": len(plans),
        "lines": len(plan_lines),
        "classes": len(classes),
        "ran": len(ran),
        "enrollments": n_enrollments,
    }


# --- the floor: the summary's numbers in plain SQL over the raw tables ------------------------


def floor_queries(
    programme: Any, year: int, *, path: str, region: str = "", org: int | None = None
) -> list[tuple[str, list]]:
    """The summary's numbers for the institutions under `path` in `region` (a province's
    code prefix), or for the institution `org`: by institution and item (its level and
    category), the classes that ran and started in `year`, their trainees and those whose
    latest attempt of every component passed; the approved plans' lines and those whose class
    ran; the lines not run, each with what says why."""
    components = [c.code for c in programme.rules.assessment.components]
    scope = "o.path LIKE %s AND " + ("o.id = %s" if org is not None else "o.region_id LIKE %s")
    where = [path + "%", org if org is not None else region + "%"]
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    opened = (
        f"p.programme_id = %s AND {scope} AND c.status = ANY(%s) AND c.starts_on >= %s"
        " AND c.starts_on < %s"
    )
    opened_params = [programme.pk, *where, list(RAN), start, end]
    # Passed: of each component the policy names, the latest attempt (DISTINCT ON) passed; one
    # lateral subquery per trainee. Joined as one grouped subquery instead, it is planned as a
    # nested loop (the planner takes the path and region to leave one institution, not 60):
    # seconds instead of milliseconds.
    passed = (
        "SELECT count(*) FILTER (WHERE l.status = 'passed' AND l.component = ANY(%s)) = %s"
        " AS passed FROM (SELECT DISTINCT ON (a.component) a.component, a.status"
        " FROM assessment_attempt a WHERE a.enrollment_id = e.id"
        " ORDER BY a.component, a.number DESC) l"
    )
    lines = (
        "FROM classes_halfyearplanline l JOIN classes_halfyearplan pl ON pl.id = l.plan_id"
        " JOIN orgs_organisation o ON o.id = pl.institution_id"
        " LEFT JOIN classes_trainingclass c ON c.plan_line_id = l.id"
        f" WHERE pl.programme_id = %s AND pl.year = %s AND pl.status = 'approved' AND {scope}"
    )
    lines_params = [programme.pk, year, *where]
    return [
        (
            "SELECT p.base_id, p.item, count(DISTINCT c.id), count(e.id),"
            " count(e.id) FILTER (WHERE ps.passed) FROM classes_trainingclass c"
            " JOIN projects_project p ON p.id = c.project_id"
            " JOIN orgs_organisation o ON o.id = p.base_id"
            " LEFT JOIN enrollment_enrollment e ON e.training_class_id = c.id"
            f" AND e.status = ANY(%s) LEFT JOIN LATERAL ({passed}) ps ON true"
            f" WHERE {opened} GROUP BY 1, 2",
            [list(TRAINEES), components, len(components), *opened_params],
        ),
        (
            "SELECT pl.institution_id, l.item, count(*),"
            f" count(c.id) FILTER (WHERE c.status = ANY(%s)) {lines} GROUP BY 1, 2",
            [list(RAN), *lines_params],
        ),
        (
            "SELECT o.name, l.item, l.starts_on, c.status, c.status_reason, c.starts_on"
            f" {lines} AND (c.id IS NULL OR c.status <> ALL(%s))"
            " ORDER BY l.starts_on, o.name, l.seq",
            [*lines_params, list(RAN)],
        ),
    ]


def floor_totals(cursor: Any, queries: list[tuple[str, list]]) -> dict[str, dict[str, int]]:
    """The floor's rows summed by item: classes, trainees, passed, planned, ran (and the lines
    not run, by item)."""
    out: dict[str, dict[str, int]] = {}

    def row(item: str) -> dict[str, int]:
        keys = ("classes", "trainees", "passed", "planned", "ran", "unexecuted")
        return out.setdefault(item, dict.fromkeys(keys, 0))

    (opened_sql, opened_params), (lines_sql, lines_params), (missing_sql, missing_params) = queries
    cursor.execute(opened_sql, opened_params)
    for _base, item, classes, trainees, passed in cursor.fetchall():
        r = row(item)
        r["classes"] += classes
        r["trainees"] += trainees
        r["passed"] += passed
    cursor.execute(lines_sql, lines_params)
    for _base, item, planned, ran in cursor.fetchall():
        r = row(item)
        r["planned"] += planned
        r["ran"] += ran
    cursor.execute(missing_sql, missing_params)
    for _name, item, *_rest in cursor.fetchall():
        row(item)["unexecuted"] += 1
    return out
