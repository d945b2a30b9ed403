"""The SQL of the figures that differs between PostgreSQL and SQLite: the triggers that append
``statistics_delta`` rows, and the two expressions they and the rebuild key a row by (its month
of submission in Beijing time, and its area: the organisation one level below the ministry).

Beijing has no summer time, so SQLite's fixed "+8 hours" is the same as PostgreSQL's zone.
"""

COLUMNS = "area_id, org_id, project_id, base_id, month, status, n, certs, hours"


def month(vendor: str, ts: str) -> str:
    """YYYYMM of a timestamp column in Beijing time, as an integer expression."""
    if vendor == "postgresql":
        return (
            f"(EXTRACT(YEAR FROM {ts} AT TIME ZONE 'Asia/Shanghai') * 100"
            f" + EXTRACT(MONTH FROM {ts} AT TIME ZONE 'Asia/Shanghai'))::integer"
        )
    return f"CAST(strftime('%Y%m', {ts}, '+8 hours') AS INTEGER)"


def area(vendor: str, org_id: str) -> str:
    """The area of an organisation id: the second id of its path ("/1/5/23/" -> 5), or the
    first for the ministry itself ("/1/" -> 1)."""
    if vendor == "postgresql":
        return (
            "(SELECT COALESCE(NULLIF(split_part(o.path, '/', 3), ''), split_part(o.path, '/', 2))"
            f"::bigint FROM orgs_organisation o WHERE o.id = {org_id})"
        )
    return (
        "(SELECT CAST(CASE WHEN length(r) > 0 THEN substr(r, 1, instr(r, '/') - 1)"
        " ELSE substr(p, 1, instr(p, '/') - 1) END AS INTEGER) FROM"
        " (SELECT substr(o.path, 2) AS p, substr(o.path, 2 + instr(substr(o.path, 2), '/')) AS r"
        f" FROM orgs_organisation o WHERE o.id = {org_id}))"
    )


def _keys(vendor: str, e: str) -> str:
    """The key columns of enrollment row `e` (NEW, OLD or a table alias)."""
    return (
        f"{area(vendor, f'{e}.org_id')}, {e}.org_id, COALESCE({e}.project_id, 0),"
        f" COALESCE({e}.base_id, 0), {month(vendor, f'{e}.submitted_at')}"
    )


def _enrollment_row(vendor: str, e: str, sign: str) -> str:
    return (
        f"INSERT INTO statistics_delta ({COLUMNS}) "
        f"VALUES ({_keys(vendor, e)}, {e}.status, {sign}1, 0, 0);"
    )


def _carried(vendor: str, e: str, sign: str) -> str:
    """Certificates and hours move with an enrollment whose keys change."""
    return (
        f"INSERT INTO statistics_delta ({COLUMNS}) SELECT {_keys(vendor, e)}, '', 0,"
        f" {sign}(SELECT COUNT(*) FROM certificates_certificate c"
        f" WHERE c.enrollment_id = {e}.id AND c.status = 'valid'),"
        f" {sign}(SELECT COALESCE(SUM(a.hours), 0) FROM attendance_attendancerecord a"
        f" WHERE a.enrollment_id = {e}.id);"
    )


def _of_enrollment(vendor: str, enrollment_id: str, certs: str, hours: str) -> str:
    return (
        f"INSERT INTO statistics_delta ({COLUMNS}) SELECT {_keys(vendor, 'e')}, '', 0,"
        f" {certs}, {hours} FROM enrollment_enrollment e WHERE e.id = {enrollment_id};"
    )


MOVED = (
    "OLD.org_id IS DISTINCT FROM NEW.org_id OR OLD.project_id IS DISTINCT FROM NEW.project_id"
    " OR OLD.base_id IS DISTINCT FROM NEW.base_id OR OLD.submitted_at IS DISTINCT FROM"
    " NEW.submitted_at"
)
KEYED = "enrollment_enrollment"
WATCHED = "status, org_id, project_id, base_id, submitted_at"


def _pg() -> list[str]:
    v = "postgresql"
    return [
        f"""
CREATE FUNCTION statistics_enrollment_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN {_enrollment_row(v, "OLD", "-")} END IF;
    IF TG_OP <> 'DELETE' THEN {_enrollment_row(v, "NEW", "+")} END IF;
    IF TG_OP = 'UPDATE' THEN
        IF {MOVED} THEN
            {_carried(v, "OLD", "-")}
            {_carried(v, "NEW", "+")}
        END IF;
    END IF;
    RETURN NULL;
END $$""",
        f"""CREATE TRIGGER statistics_enrollment_change AFTER INSERT OR DELETE ON {KEYED}
FOR EACH ROW EXECUTE FUNCTION statistics_enrollment_delta()""",
        f"""CREATE TRIGGER statistics_enrollment_update AFTER UPDATE OF {WATCHED} ON {KEYED}
FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR {MOVED})
EXECUTE FUNCTION statistics_enrollment_delta()""",
        f"""
CREATE FUNCTION statistics_certificate_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF OLD.status = 'valid' THEN {_of_enrollment(v, "OLD.enrollment_id", "-1", "0")} END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF NEW.status = 'valid' THEN {_of_enrollment(v, "NEW.enrollment_id", "1", "0")} END IF;
    END IF;
    RETURN NULL;
END $$""",
        """CREATE TRIGGER statistics_certificate_change
AFTER INSERT OR DELETE OR UPDATE OF status, enrollment_id ON certificates_certificate
FOR EACH ROW EXECUTE FUNCTION statistics_certificate_delta()""",
        f"""
CREATE FUNCTION statistics_attendance_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN {_of_enrollment(v, "OLD.enrollment_id", "0", "-OLD.hours")} END IF;
    IF TG_OP <> 'DELETE' THEN {_of_enrollment(v, "NEW.enrollment_id", "0", "NEW.hours")} END IF;
    RETURN NULL;
END $$""",
        """CREATE TRIGGER statistics_attendance_change
AFTER INSERT OR DELETE OR UPDATE OF hours, enrollment_id ON attendance_attendancerecord
FOR EACH ROW EXECUTE FUNCTION statistics_attendance_delta()""",
    ]


def _sqlite() -> list[str]:
    v = "sqlite"
    moved = MOVED.replace("IS DISTINCT FROM", "IS NOT")
    return [
        f"""CREATE TRIGGER statistics_enrollment_insert AFTER INSERT ON {KEYED} BEGIN
{_enrollment_row(v, "NEW", "+")} END""",
        f"""CREATE TRIGGER statistics_enrollment_delete AFTER DELETE ON {KEYED} BEGIN
{_enrollment_row(v, "OLD", "-")} END""",
        f"""CREATE TRIGGER statistics_enrollment_update AFTER UPDATE OF {WATCHED} ON {KEYED}
WHEN OLD.status IS NOT NEW.status OR {moved} BEGIN
{_enrollment_row(v, "OLD", "-")}
{_enrollment_row(v, "NEW", "+")} END""",
        f"""CREATE TRIGGER statistics_enrollment_move AFTER UPDATE OF {WATCHED} ON {KEYED}
WHEN {moved} BEGIN
{_carried(v, "OLD", "-")}
{_carried(v, "NEW", "+")} END""",
        f"""CREATE TRIGGER statistics_certificate_insert AFTER INSERT ON certificates_certificate
WHEN NEW.status = 'valid' BEGIN {_of_enrollment(v, "NEW.enrollment_id", "1", "0")} END""",
        f"""CREATE TRIGGER statistics_certificate_delete AFTER DELETE ON certificates_certificate
WHEN OLD.status = 'valid' BEGIN {_of_enrollment(v, "OLD.enrollment_id", "-1", "0")} END""",
        f"""CREATE TRIGGER statistics_certificate_update
AFTER UPDATE OF status, enrollment_id ON certificates_certificate BEGIN
INSERT INTO statistics_delta ({COLUMNS}) SELECT {_keys(v, "e")}, '', 0, -1, 0
FROM enrollment_enrollment e WHERE e.id = OLD.enrollment_id AND OLD.status = 'valid';
INSERT INTO statistics_delta ({COLUMNS}) SELECT {_keys(v, "e")}, '', 0, 1, 0
FROM enrollment_enrollment e WHERE e.id = NEW.enrollment_id AND NEW.status = 'valid'; END""",
        f"""CREATE TRIGGER statistics_attendance_insert AFTER INSERT ON attendance_attendancerecord
BEGIN {_of_enrollment(v, "NEW.enrollment_id", "0", "NEW.hours")} END""",
        f"""CREATE TRIGGER statistics_attendance_delete AFTER DELETE ON attendance_attendancerecord
BEGIN {_of_enrollment(v, "OLD.enrollment_id", "0", "-OLD.hours")} END""",
        f"""CREATE TRIGGER statistics_attendance_update
AFTER UPDATE OF hours, enrollment_id ON attendance_attendancerecord BEGIN
{_of_enrollment(v, "OLD.enrollment_id", "0", "-OLD.hours")}
{_of_enrollment(v, "NEW.enrollment_id", "0", "NEW.hours")} END""",
    ]


def create_triggers(vendor: str) -> list[str]:
    return _pg() if vendor == "postgresql" else _sqlite()


def drop_triggers(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            "DROP TRIGGER IF EXISTS statistics_enrollment_change ON enrollment_enrollment",
            "DROP TRIGGER IF EXISTS statistics_enrollment_update ON enrollment_enrollment",
            "DROP TRIGGER IF EXISTS statistics_certificate_change ON certificates_certificate",
            "DROP TRIGGER IF EXISTS statistics_attendance_change ON attendance_attendancerecord",
            "DROP FUNCTION IF EXISTS statistics_enrollment_delta()",
            "DROP FUNCTION IF EXISTS statistics_certificate_delta()",
            "DROP FUNCTION IF EXISTS statistics_attendance_delta()",
        ]
    names = [
        "enrollment_insert",
        "enrollment_delete",
        "enrollment_update",
        "enrollment_move",
        "certificate_insert",
        "certificate_delete",
        "certificate_update",
        "attendance_insert",
        "attendance_delete",
        "attendance_update",
    ]
    return [f"DROP TRIGGER IF EXISTS statistics_{n}" for n in names]
