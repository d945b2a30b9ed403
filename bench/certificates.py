"""Issue N certificates (number, sign, render, store), then load the public verification.

Never run in CI. Usage (from the repository root, PostgreSQL on loopback):

    .venv/bin/python bench/certificates.py [--n 10000] [--db shipei_bench_certs] [--seconds 5]

It makes a fresh database (dropped first if it exists), migrates it, and builds one closed
class of notice 004 with N admitted trainees and a second one of N for the workers. Then:

1. single process: for each trainee of the first class the whole pipeline (the issuing service:
   eligibility, a number under the series lock, the VC-JWT and the QR payload signed, the row
   written; then the PDF rendered and stored on disk), and a bare render (``render.
   certificate_pdf``: the same template filled with the same data, its QR code drawn, the PDF
   made, nothing else) of every ``--bare-every``-th of the same certificates, in blocks of 100
   one after the other (the shared machine's speed drifts within minutes: both rates are
   measured over the same minutes). The **render ratio** is the pipeline's rate over the bare
   render's: what numbering, signing and storing cost beside the render;
2. the same pipeline with one process per core the bench may use over the second class
   (certificates/s);
3. gunicorn on loopback with the bench settings (the per-address limit raised): /verify/?no= of
   issued numbers, and a bare Django view before and after it, each for ``--seconds`` from as
   many client threads as the server has; the **verify ratio** is the 200 answers per second of
   the first over the mean of the bare view's;
4. offline signature checks per second (the QR payload, Ed25519, one core).

Both issuing stages print their running rates every 100 certificates.
Its last line: ``certificates: N/s, render ratio X, verify ratio Y``.
"""

import argparse
import http.client
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("SHIPEI_DATA_DIR", tempfile.mkdtemp(prefix="bench-certs-"))
    os.environ["CERT_VERIFY_PER_MINUTE"] = "1000000000"
    import django

    django.setup()


def fresh_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def build(n: int) -> tuple[int, list[list[int]]]:
    """A closed 004 class of `n` admitted trainees, twice; the issuer's user id."""
    import datetime
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    from shipei.accounts.models import Person, Role, RoleAssignment, User
    from shipei.classes.models import TrainingClass
    from shipei.enrollment.models import Enrollment
    from shipei.orgs.models import Organisation
    from shipei.orgs.services import org_bootstrap
    from shipei.presets.loader import preset_data
    from shipei.programmes.models import Programme
    from shipei.projects.models import Project

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages' static manifest
    moe = org_bootstrap(parent=None, name="教育部", kind=Organisation.Kind.MINISTRY)
    base = org_bootstrap(
        parent=moe,
        name="杭州职业技术学院",
        kind=Organisation.Kind.SCHOOL,
        school_kind=Organisation.SchoolKind.HIGHER,
        school_code="4133012863",
    )
    data = preset_data("mohrss-integrated-teacher-training")
    policy = data["policy"]
    # The pipeline is measured, not the scoring of its trainees: no assessment asked.
    policy["certificate"] = {
        **policy["certificate"],
        "number_format": "ZJSZ-{year}-{serial:06d}",
        "after_assessment": False,
    }
    programme = Programme.objects.create(
        code="bench-004", title=data["title"], issuer=data["issuer"], policy=policy
    )
    # Synthetic rows: a unique stand-in for the ID number's index, no number.
    issuer_person = Person.objects.create(name="发证人", org=base, id_number_hash="bench-issuer")
    issuer = User.objects.create_user("bench-issuer", "Secret123", person=issuer_person)
    RoleAssignment.objects.create(user=issuer, role=Role.BASE_ADMIN, org=base)
    surnames, given = "王李张刘陈杨赵黄周吴", "伟芳娜敏静磊洋勇艳杰"
    groups = []
    for seq in (1, 2):
        project = Project.objects.create(
            programme=programme,
            item="l3-c1",
            base=base,
            title=f"工学一体化教师培训（三级·机械类）{seq}",
            hours=Decimal("56"),
            status=Project.Status.COMPLETED,
        )
        start = timezone.localdate() - datetime.timedelta(days=10)
        klass = TrainingClass.objects.create(
            project=project,
            seq=1,
            starts_on=start,
            ends_on=start + datetime.timedelta(days=6),
            capacity=n,
            status=TrainingClass.Status.CLOSED,
        )
        people = Person.objects.bulk_create(
            [
                Person(
                    name=surnames[i % 10] + given[(i // 10) % 10] + given[i % 7],
                    org=base,
                    id_number_hash=f"bench-{seq}-{i}",
                )
                for i in range(n)
            ],
            batch_size=2000,
        )
        enrollments = Enrollment.objects.bulk_create(
            [
                Enrollment(
                    programme=programme,
                    item="l3-c1",
                    project=project,
                    training_class=klass,
                    base=base,
                    person=p,
                    org=base,
                    channel=Enrollment.Channel.SELF_REGISTRATION,
                    status=Enrollment.Status.ADMITTED,
                    live_key=f"bench-{seq}",
                    live=False,
                )
                for p in people
            ],
            batch_size=2000,
        )
        groups.append([e.pk for e in enrollments])
    return issuer.pk, groups


def pipeline(issuer_id: int, enrollment_ids: list[int], out_dir: str) -> list[Any]:
    """Issue, render and store each; the certificates."""
    from shipei.accounts.models import User
    from shipei.certificates import render, services
    from shipei.enrollment.models import Enrollment

    issuer = User.objects.get(pk=issuer_id)
    made = []
    for pk in enrollment_ids:
        certificate = services.certificate_issue(actor=issuer, enrollment=Enrollment(pk=pk))
        Path(out_dir, render.filename(certificate)).write_bytes(render.certificate_pdf(certificate))
        made.append(certificate)
    return made


def _worker(args: tuple[int, list[int], str]) -> int:
    issuer_id, ids, out_dir = args
    return len(pipeline(issuer_id, ids, out_dir))


BLOCK = 100
PROGRESS = BLOCK


def single_process(
    issuer_id: int, ids: list[int], out_dir: str, bare_every: int
) -> tuple[float, float]:
    """The pipeline over `ids` and the bare render of every `bare_every`-th certificate, block
    by block; both rates (certificates/s)."""
    from shipei.certificates import render

    made = 0
    spent = bare_spent = 0.0
    bare_done = 0
    for start in range(0, len(ids), BLOCK):
        began = time.perf_counter()
        block = pipeline(issuer_id, ids[start : start + BLOCK], out_dir)
        spent += time.perf_counter() - began
        made += len(block)
        sample = block[::bare_every]
        began = time.perf_counter()
        for certificate in sample:
            render.certificate_pdf(certificate)
        bare_spent += time.perf_counter() - began
        bare_done += len(sample)
        if made % PROGRESS == 0 and made < len(ids):
            print(
                f"  single process: {made} of {len(ids)}, {made / spent:.1f}/s, "
                f"bare render {bare_done / bare_spent:.1f}/s",
                flush=True,
            )
    return made / spent, bare_done / bare_spent


def in_workers(url: str, issuer_id: int, ids: list[int], out_dir: str, cores: int) -> float:
    """The pipeline over `ids` from `cores` processes (Django set up once each) taking chunks
    of 50; certificates/s."""
    chunks = [ids[i : i + 50] for i in range(0, len(ids), 50)]
    done = 0
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(cores, setup_django, (url,)) as pool:
        for n in pool.imap_unordered(_worker, [(issuer_id, c, out_dir) for c in chunks]):
            done += n
            if done % PROGRESS == 0 and done < len(ids):
                rate = done / (time.perf_counter() - started)
                print(f"  {cores} processes: {done} of {len(ids)}, {rate:.1f}/s", flush=True)
    assert done == len(ids)
    return done / (time.perf_counter() - started)


def load(port: int, paths: list[str], seconds: float, threads: int) -> float:
    """200 answers per second over `seconds` from `threads` keep-alive clients."""
    ok = [0] * threads
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        k = i
        while time.monotonic() < stop:
            try:
                conn.request("GET", paths[k % len(paths)])
                response = conn.getresponse()
                response.read()
            except OSError:  # a timeout or a closed connection: counted as not answered
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            ok[i] += response.status == 200
            k += threads

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    started = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(ok) / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="shipei_bench_certs")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--port", type=int, default=8917)
    parser.add_argument("--bare-every", type=int, default=10)
    args = parser.parse_args()
    url = f"{args.server}/{args.db}"
    fresh_database(args.server, args.db)
    setup_django(url)
    from urllib.parse import quote

    from django.db import connections

    from shipei.certificates import signing
    from shipei.certificates.models import Certificate

    issuer_id, (first, second) = build(args.n)
    out = tempfile.mkdtemp(prefix="bench-certs-pdf-")
    pipeline_rate, bare_rate = single_process(issuer_id, first, out, args.bare_every)
    render_ratio = pipeline_rate / bare_rate
    print(f"single process: {pipeline_rate:.1f} certificates/s, bare render {bare_rate:.1f}/s")

    cores = len(os.sched_getaffinity(0))
    connections.close_all()
    parallel_rate = in_workers(url, issuer_id, second, out, cores)
    print(f"{cores} processes: {parallel_rate:.1f} certificates/s")
    assert Certificate.objects.count() == 2 * args.n
    serials = sorted(Certificate.objects.values_list("serial", flat=True))
    assert serials == list(range(1, 2 * args.n + 1)), "numbers not gap-free"

    numbers = list(Certificate.objects.values_list("number", flat=True)[:1000])
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    threads = 4
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "shipei.wsgi",
            "-b",
            f"127.0.0.1:{args.port}",
            "-w",
            str(cores),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(300):  # every worker up: each answers its first requests slowly
            try:
                probe = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
                probe.request("GET", "/bench/bare-get/")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        verify_paths = [f"/verify/?no={quote(n)}" for n in numbers]
        bare = ["/bench/bare-get/"]
        load(args.port, [*verify_paths[:50], *bare], 3, cores * threads)  # warm up
        # The machine's speed drifts (other work shares it): the bare view before and after.
        bare_before = load(args.port, bare, args.seconds, cores * threads)
        verify_rate = load(args.port, verify_paths, args.seconds, cores * threads)
        bare_after = load(args.port, bare, args.seconds, cores * threads)
    finally:
        server.terminate()
        server.wait(10)
    bare_view_rate = (bare_before + bare_after) / 2
    verify_ratio = verify_rate / bare_view_rate
    print(
        f"verify: {verify_rate:.0f}/s, bare view {bare_view_rate:.0f}/s "
        f"({bare_before:.0f} before, {bare_after:.0f} after)"
    )

    payloads = list(Certificate.objects.values_list("qr_payload", flat=True)[:1000])
    checks, started = 0, time.perf_counter()
    while time.perf_counter() - started < 2:
        assert signing.payload_read(payloads[checks % len(payloads)])[1]
        checks += 1
    print(f"offline checks: {checks / (time.perf_counter() - started):.0f}/s")
    print(
        f"certificates: {parallel_rate:.1f}/s, render ratio {render_ratio:.2f}, "
        f"verify ratio {verify_ratio:.2f}"
    )


if __name__ == "__main__":
    main()
