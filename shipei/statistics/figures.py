"""The numbers of the statistics pages, two ways that must agree (a test holds them to it):

- from the summaries (``OrgFigure``, ``ProjectFigure``, ``MonthFigure``) plus the deltas not yet
  folded into them, for the whole country or one area: what the pages read;
- from the raw tables (enrollments, certificates, attendance), for any subtree: the fallback for
  scopes narrower than an area (a city, a school, one organisation drilled into), where the
  teacher's organisation index keeps the raw query small, and the check of the summaries.

Each query of the summaries is one statement over summary and deltas (``UNION ALL``), so a fold
committing meanwhile changes nothing it adds up to.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from shipei.attendance.models import AttendanceRecord
from shipei.certificates.models import Certificate
from shipei.enrollment.models import CHAIN_COMPLETED, Enrollment
from shipei.orgs.models import Organisation

from . import sql

BEIJING = ZoneInfo("Asia/Shanghai")
ZERO = Decimal("0.0")
ADMITTED = frozenset(CHAIN_COMPLETED)
PASSED = Enrollment.Status.PASSED
FAILED = Enrollment.Status.FAILED
# A delta row as the triggers write it and the rebuild recomputes it.
DeltaRow = tuple[int, int, int, int, int, str, int, int, Decimal]


def _dec(value: object) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.1"))


@dataclass
class Row:
    """What a line of a table counts: enrollments (by status group), certificates, hours."""

    n: int = 0
    admitted: int = 0
    passed: int = 0
    failed: int = 0
    certs: int = 0
    hours: Decimal = ZERO

    def add(self, status: str, n: int, certs: int = 0, hours: object = 0) -> None:
        n, certs = int(n), int(certs)  # PostgreSQL sums bigints as numeric
        if status:
            self.n += n
            if status in ADMITTED:
                self.admitted += n
            if status == PASSED:
                self.passed += n
            elif status == FAILED:
                self.failed += n
        self.certs += certs
        self.hours += _dec(hours)

    @classmethod
    def of(cls, n, admitted, passed, failed, certs, hours) -> "Row":
        """A line summed in SQL (PostgreSQL sums bigints as numeric)."""
        return cls(int(n), int(admitted), int(passed), int(failed), int(certs), _dec(hours))

    def merge(self, other: "Row") -> None:
        self.n += other.n
        self.admitted += other.admitted
        self.passed += other.passed
        self.failed += other.failed
        self.certs += other.certs
        self.hours += other.hours

    @property
    def completion_rate(self) -> float | None:
        """结业率: of those admitted, the share who completed (passed)."""
        return self.passed / self.admitted if self.admitted else None

    @property
    def pass_rate(self) -> float | None:
        """合格率: of those assessed (passed or failed), the share who passed."""
        assessed = self.passed + self.failed
        return self.passed / assessed if assessed else None

    @property
    def empty(self) -> bool:
        return not (self.n or self.certs or self.hours)


@dataclass
class Figures:
    """A page's numbers for one scope and year; units are areas (national), organisations
    (an area) or classes (an organisation)."""

    year: int
    total: Row = field(default_factory=Row)
    statuses: dict[str, int] = field(default_factory=dict)
    units: dict[int, Row] = field(default_factory=dict)
    projects: dict[int, Row] = field(default_factory=dict)
    bases: dict[int, Row] = field(default_factory=dict)
    months: dict[int, Row] = field(default_factory=dict)

    def add(self, unit: int, project: int, base: int, status: str, n: int, certs, hours) -> None:
        for table, key in ((self.units, unit), (self.projects, project), (self.bases, base)):
            table.setdefault(key, Row()).add(status, n, certs, hours)
        self.total.add(status, n, certs, hours)
        if status:
            self.statuses[status] = self.statuses.get(status, 0) + n

    def add_month(self, month: int, status: str, n: int) -> None:
        self.months.setdefault(month, Row()).add(status, n)

    def prune(self) -> "Figures":
        """Drop lines that add up to nothing (a change and its undoing), and the "none" keys
        of project and base when nothing is under them, so both ways list the same lines."""
        for table in (self.units, self.projects, self.bases, self.months):
            for key in [k for k, row in table.items() if row.empty]:
                del table[key]
        self.statuses = {s: n for s, n in self.statuses.items() if n}
        return self


def months_of(year: int) -> tuple[int, int]:
    return year * 100 + 1, year * 100 + 12


# --- keeping the summaries -------------------------------------------------------------------

SUMMARIES = (
    ("statistics_orgfigure", ("year", "area_id", "org_id", "status"), ("n", "certs", "hours")),
    (
        "statistics_projectfigure",
        ("year", "area_id", "project_id", "base_id", "status"),
        ("n", "certs", "hours"),
    ),
    ("statistics_monthfigure", ("month", "area_id", "status"), ("n",)),
)


def _summed(rows: Iterable[DeltaRow]) -> list[dict[tuple, list]]:
    orgs: dict[tuple, list] = defaultdict(lambda: [0, 0, ZERO])
    projects: dict[tuple, list] = defaultdict(lambda: [0, 0, ZERO])
    months: dict[tuple, list] = defaultdict(lambda: [0])
    for area, org, project, base, month, status, n, certs, hours in rows:
        year = month // 100
        hours = _dec(hours)
        for table, key in (
            (orgs, (year, area, org, status)),
            (projects, (year, area, project, base, status)),
            (projects, (year, 0, project, base, status)),
        ):
            cell = table[key]
            cell[0] += n
            cell[1] += certs
            cell[2] += hours
        if n:
            months[(month, area, status)][0] += n
            months[(month, 0, status)][0] += n
    return [orgs, projects, months]


def _upsert(cursor, tables: list[dict[tuple, list]]) -> None:
    for (name, keys, measures), cells in zip(SUMMARIES, tables, strict=True):
        if not cells:
            continue
        columns = ", ".join((*keys, *measures))
        marks = ", ".join(["%s"] * (len(keys) + len(measures)))
        adds = ", ".join(f"{m} = {name}.{m} + excluded.{m}" for m in measures)
        cursor.executemany(
            f"INSERT INTO {name} ({columns}) VALUES ({marks}) "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {adds}",
            [(*key, *values) for key, values in cells.items()],
        )


def fold() -> int:
    """Add the deltas up into the summaries and delete them; how many there were. Safe to run
    twice and at once: a delta is deleted, and so added, by one fold only (its row lock)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM statistics_delta RETURNING {sql.COLUMNS}")
        rows = cursor.fetchall()
        _upsert(cursor, _summed(rows))
    return len(rows)


def areas() -> dict[int, int]:
    """Each organisation's area, from its path (as the triggers' ``sql.area`` computes it)."""
    out = {}
    for pk, path in Organisation.objects.values_list("pk", "path"):
        ids = path.strip("/").split("/")
        out[pk] = int(ids[1] if len(ids) > 1 else ids[0])
    return out


def raw_rows(enrollments=None) -> list[DeltaRow]:
    """The raw tables as delta rows (one per key, summed): what the summaries must hold."""
    enrollments = Enrollment.objects.all() if enrollments is None else enrollments
    area_of = areas()
    out: list[DeltaRow] = []
    keys = ("org_id", "project_id", "base_id", "year", "month")
    year, month = (
        ExtractYear("submitted_at", tzinfo=BEIJING),
        ExtractMonth("submitted_at", tzinfo=BEIJING),
    )
    counted = (
        enrollments.values("org_id", "project_id", "base_id", "status")
        .annotate(year=year, month=month)
        .values(*keys, "status")
        .annotate(n=Count("pk"))
    )
    for r in counted:
        out.append((*_keys(r, area_of), r["status"], r["n"], 0, ZERO))
    ids = enrollments.values("pk")
    e = "enrollment__"
    lookups = {
        "org_id": f"{e}org_id",
        "project_id": f"{e}project_id",
        "base_id": f"{e}base_id",
        "year": ExtractYear(f"{e}submitted_at", tzinfo=BEIJING),
        "month": ExtractMonth(f"{e}submitted_at", tzinfo=BEIJING),
    }
    certs = (
        Certificate.objects.filter(status=Certificate.Status.VALID, enrollment__in=ids)
        .annotate(**{k: v for k, v in lookups.items() if not isinstance(v, str)})
        .values(*(v if isinstance(v, str) else k for k, v in lookups.items()))
        .annotate(certs=Count("pk"))
    )
    for r in certs:
        out.append((*_keys(r, area_of, prefix=e), "", 0, r["certs"], ZERO))
    hours = (
        AttendanceRecord.objects.filter(enrollment__in=ids)
        .annotate(**{k: v for k, v in lookups.items() if not isinstance(v, str)})
        .values(*(v if isinstance(v, str) else k for k, v in lookups.items()))
        .annotate(total=Sum("hours"))
    )
    for r in hours:
        out.append((*_keys(r, area_of, prefix=e), "", 0, 0, _dec(r["total"])))
    return out


def _keys(r: dict, area_of: dict[int, int], prefix: str = "") -> tuple[int, int, int, int, int]:
    org = r[f"{prefix}org_id"]
    return (
        area_of[org],
        org,
        r[f"{prefix}project_id"] or 0,
        r[f"{prefix}base_id"] or 0,
        r["year"] * 100 + r["month"],
    )


def rebuild() -> int:
    """Recompute the summaries from the raw tables (``shipei statistics_rebuild``); returns the
    rows recomputed. Writes to the counted tables wait meanwhile (PostgreSQL: SHARE lock), so
    no change is counted twice or lost between the raw read and the emptied deltas."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A national recount takes longer than a request may (settings: 30 s).
            cursor.execute("SET LOCAL statement_timeout = 0")
            cursor.execute(
                "LOCK TABLE enrollment_enrollment, certificates_certificate,"
                " attendance_attendancerecord IN SHARE MODE"
            )
        for name in ("statistics_delta", *(s[0] for s in SUMMARIES)):
            cursor.execute(f"DELETE FROM {name}")
        rows = raw_rows()
        _upsert(cursor, _summed(rows))
    return len(rows)


# --- reading ---------------------------------------------------------------------------------


def _fetch(query: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


# A line's measures summed in SQL by status group, as ``Row.add`` counts them: a page reads one
# row per line (an area, a project and base) rather than one per line and status, and groups by
# integer keys only (status texts sort slowly under the database's collation).
_SUMS = (
    "SUM(CASE WHEN status <> '' THEN n ELSE 0 END),"
    " SUM(CASE WHEN status IN ({admitted}) THEN n ELSE 0 END),"
    " SUM(CASE WHEN status = %s THEN n ELSE 0 END), SUM(CASE WHEN status = %s THEN n ELSE 0 END),"
    " SUM(certs), SUM(hours)"
).format(admitted=", ".join(["%s"] * len(ADMITTED)))
_SUMS_PARAMS = [*sorted(ADMITTED), PASSED, FAILED]


def from_summaries(*, year: int, area: int | None) -> Figures:
    """The figures of the whole country (`area` None: units are areas) or of one area (units
    are the teachers' organisations), from the summaries and the unfolded deltas."""
    first, last = months_of(year)
    tail = "SELECT {cols} FROM statistics_delta WHERE month BETWEEN %s AND %s"
    tail_params: list = [first, last]
    if area is not None:
        tail += " AND area_id = %s"
        tail_params.append(area)
    figures = Figures(year=year)
    unit = "area_id" if area is None else "org_id"
    cols = f"{unit} AS unit, status, n, certs, hours"
    where, params = (
        ("year = %s", [year]) if area is None else ("year = %s AND area_id = %s", [year, area])
    )
    units = _fetch(
        f"SELECT unit, {_SUMS} FROM (SELECT {cols} FROM statistics_orgfigure WHERE {where} "
        f"UNION ALL {tail.format(cols=cols)}) f GROUP BY unit",
        [*_SUMS_PARAMS, *params, *tail_params],
    )
    for unit_id, *sums in units:
        figures.units[unit_id] = Row.of(*sums)
        figures.total.merge(figures.units[unit_id])
    cols = "project_id, base_id, status, n, certs, hours"
    projects = _fetch(
        f"SELECT project_id, base_id, {_SUMS} FROM (SELECT {cols} FROM statistics_projectfigure "
        f"WHERE year = %s AND area_id = %s UNION ALL {tail.format(cols=cols)}) f "
        f"GROUP BY project_id, base_id",
        [*_SUMS_PARAMS, year, area or 0, *tail_params],
    )
    for project, base, *sums in projects:
        row = Row.of(*sums)
        figures.projects.setdefault(project, Row()).merge(row)
        figures.bases.setdefault(base, Row()).merge(row)
    # The year's enrollments by status are the months' added up (the same deltas, keyed by
    # month): read with the trend, they need no grouping of the organisations' rows by status.
    cols = "month, status, n"
    months = _fetch(
        f"SELECT month, status, SUM(n) FROM (SELECT {cols} FROM statistics_monthfigure "
        f"WHERE month BETWEEN %s AND %s AND area_id = %s UNION ALL {tail.format(cols=cols)}) f "
        f"WHERE status <> '' GROUP BY month, status",
        [first, last, area or 0, *tail_params],
    )
    for month, status, n in months:
        figures.add_month(month, status, n)
        figures.statuses[status] = figures.statuses.get(status, 0) + int(n)
    return figures.prune()


def from_raw(*, year: int, path: str | None, unit: str) -> Figures:
    """The same figures computed from the raw tables, for the subtree at `path` (None: all);
    `unit` is "area", "org" or "class" (the enrollment's training class, 0 without one)."""
    start = datetime.datetime(year, 1, 1, tzinfo=BEIJING)
    enrollments = Enrollment.objects.filter(
        submitted_at__gte=start, submitted_at__lt=start.replace(year=year + 1)
    )
    if path is not None:
        enrollments = enrollments.filter(org__path__startswith=path)
    figures = Figures(year=year)
    if unit == "class":
        classes = dict(enrollments.values_list("pk", "training_class_id"))
        for _area, org, project, base, month, status, n, certs, hours in _raw_by_enrollment(
            enrollments
        ):
            figures.add(classes[org] or 0, project, base, status, n, certs, hours)
            if status:
                figures.add_month(month, status, n)
        return figures.prune()
    for area, org, project, base, month, status, n, certs, hours in raw_rows(enrollments):
        figures.add(area if unit == "area" else org, project, base, status, n, certs, hours)
        if status:
            figures.add_month(month, status, n)
    return figures.prune()


def _raw_by_enrollment(enrollments) -> list[DeltaRow]:
    """Delta rows per enrollment (its id in the org column): for one organisation's classes."""
    out: list[DeltaRow] = []
    area_of = areas()
    certs = dict(
        Certificate.objects.filter(status=Certificate.Status.VALID, enrollment__in=enrollments)
        .values("enrollment_id")
        .annotate(c=Count("pk"))
        .values_list("enrollment_id", "c")
    )
    hours = dict(
        AttendanceRecord.objects.filter(enrollment__in=enrollments)
        .values("enrollment_id")
        .annotate(h=Sum("hours"))
        .values_list("enrollment_id", "h")
    )
    for e in enrollments.values("pk", "org_id", "project_id", "base_id", "status", "submitted_at"):
        local = e["submitted_at"].astimezone(BEIJING)
        month = local.year * 100 + local.month
        keys = (area_of[e["org_id"]], e["pk"], e["project_id"] or 0, e["base_id"] or 0, month)
        out.append((*keys, e["status"], 1, 0, ZERO))
        if certs.get(e["pk"]) or hours.get(e["pk"]):
            out.append((*keys, "", 0, certs.get(e["pk"], 0), _dec(hours.get(e["pk"]))))
    return out
