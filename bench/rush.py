"""An enrollment rush against the production shape: attempts arrive at a fixed rate whatever the
answers (an open model), through nginx (TLS) to two app servers.

Never run in CI. Usage (from the repository root, as root: it runs PostgreSQL as postgres):

    .venv/bin/python bench/rush.py [--seconds 20] [--rate R] [--admission-limit 4]

It starts a PostgreSQL cluster and a Redis server of its own (the shared ones are never
touched), loads notice 000 and its teachers as bench/enroll_burst.py does, and brings up the
production shape with deploy/prod-local.sh (nginx with its edge limit, two app servers, the task
worker), deploy/'s configuration as shipped. Then:

1. 1x: what the shape sustains, measured (closed loop, as many clients as the app servers
   admit at once) unless given (--rate);
2. the rush at 1x, then at 5x, each from the same fresh state (no enrollment, every seat free);
3. the rush at 5x with faults: one app server killed a third of the way in (nginx moves on),
   PostgreSQL restarted two thirds of the way in.

Each second it prints the arrivals, the answers by kind, the attempts that timed out (no answer
within 10 s) and the answers' p50/p99; after each run, the seats held against the quotas and
what was lost or doubled. The last line sums up the 5x run with faults, and the admitted
throughput at 5x against 1x (the fault-free runs).
"""

import argparse
import asyncio
import base64
import collections
import contextlib
import dataclasses
import gc
import hashlib
import json
import os
import random
import resource
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import enroll_burst  # noqa: E402  (the data set-up is the burst's)
from shipei.core.tests.throwaway_pg import ThrowawayPostgres  # noqa: E402

TIMEOUT = 10.0  # an attempt with no answer after this long (at the client) timed out
WARM = 512  # connections opened before a run starts: as many as the client ever holds
ITEM, CLOSED_ITEM = "p1", "p3"  # 第1期: 10,000 seats; 第3期: registration closed for the rush
URL = "/api/v1/enrollments/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of each run")
    parser.add_argument("--rate", type=float, help="1x in attempts a second (default: measured)")
    parser.add_argument("--teachers", type=int, default=25_000)
    parser.add_argument("--admission-limit", type=int, default=3, help="ADMISSION_LIMIT")
    parser.add_argument("--workers", type=int, default=1, help="GUNICORN_WORKERS a server")
    parser.add_argument("--threads", type=int, default=6, help="GUNICORN_THREADS a worker")
    parser.add_argument(
        "--max-requests",
        type=int,
        help="GUNICORN_MAX_REQUESTS (default: the shape's; 0: workers are never recycled)",
    )
    parser.add_argument(
        "--edge-limit",
        type=int,
        help="EDGE_LIMIT: requests in flight nginx lets through to each app server, any more "
        "answered 'busy' by nginx (default: workers x (admission limit + 1), as env.example)",
    )
    parser.add_argument("--keep", action="store_true", help="leave everything running")
    args = parser.parse_args()
    if args.edge_limit is None:
        args.edge_limit = args.workers * (args.admission_limit + 1)

    shape = Shape(args)
    try:
        shape.start()
        world = shape.load(args.teachers)
        shape.up()
        runs = Runs(args, shape, world)
        rate = args.rate or runs.sustained()
        one = runs.rush("1x", rate)
        five = runs.rush("5x", 5 * rate)
        faults = runs.rush("5x, faults", 5 * rate, faults=True)
    finally:
        if not args.keep:
            shape.stop()
    print()
    ratio = five.admitted_rate / one.admitted_rate if one.admitted_rate else float("nan")
    print(
        f"rush: timeouts {faults.timeouts}, over {faults.over}, lost {faults.lost}, "
        f"doubled {faults.doubled}, busy p99 {faults.busy_p99:.0f} ms, admitted 5x/1x {ratio:.2f}"
    )


# --- the shape: PostgreSQL, Redis, the data, deploy/prod-local.sh ---------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _key(nbytes: int) -> str:
    return base64.b64encode(os.urandom(nbytes)).decode()


class Shape:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.environ = dict(os.environ)  # as this process was started: for prod-local.sh
        self.dir = Path(tempfile.mkdtemp(prefix="shipei-rush-"))
        self.dir.chmod(0o755)  # nginx's workers read the static files and error pages inside
        self.pg = ThrowawayPostgres(max_connections="300")
        self.redis_port = _free_port()
        self.https_port = _free_port()
        self.app_ports = [_free_port(), _free_port()]
        self.redis: subprocess.Popen | None = None
        # The keys the data is encrypted with: this process loads it, the app servers read it.
        self.secrets = {
            "SECRET_KEY": _key(48),
            "PII_KEYS": f"k1:{_key(32)}",
            "PII_INDEX_KEY": _key(32),
            "CERT_SIGNING_KEYS": f"k1:{_key(32)}",  # production refuses to start without it
        }

    @property
    def database_url(self) -> str:
        return self.pg.url(enroll_burst.DB_NAME)

    def start(self) -> None:
        print(f"load at start: {_load()}")
        self.pg.start()
        self.redis = subprocess.Popen(
            [shutil.which("redis-server") or "/usr/bin/redis-server", "--port",
             str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        print(
            f"PostgreSQL of its own on port {self.pg.port} ({self.pg.dir}), "
            f"Redis of its own on port {self.redis_port}"
        )

    def load(self, teachers: int) -> dict[str, Any]:
        """enroll_burst's data (notice 000, its quotas, teachers with tokens) in this cluster;
        its 第3期 closed, for the attempts that come too late."""
        enroll_burst.PG = self.pg.url("").rstrip("/")
        os.environ.update(
            SHIPEI_ENV="demo",
            SHIPEI_DATA_DIR=str(self.dir / "loader"),
            DATABASE_URL=self.database_url,
            DJANGO_SETTINGS_MODULE="shipei.settings",
            DB_POOL="0",
            LOG_LEVEL="WARNING",
            **self.secrets,
        )
        enroll_burst.fresh_database()
        import django

        django.setup()
        from shipei.accounts.models import User
        from shipei.programmes.models import Programme

        started = time.perf_counter()
        world = enroll_burst.load_world(teachers)
        programme = Programme.objects.get(pk=world["programme"])
        for item in programme.policy["items"]:
            if item["code"] == CLOSED_ITEM:
                item["registration"] = {"opens": "2020-01-01", "closes": "2020-01-31"}
        programme.save(update_fields=["policy", "updated_at"])
        users = dict(User.objects.values_list("person_id", "pk"))
        for teacher in world["teachers"]:
            teacher["user"] = users[teacher["person"]]
        print(
            f"data: {len(world['teachers'])} teachers, {world['quotas']} quotas "
            f"(第1期: 10,000 seats), in {time.perf_counter() - started:.0f}s"
        )
        return world

    def prod_env(self) -> dict[str, str]:
        return {
            **self.environ,
            "PL_DIR": str(self.dir / "shape"),
            "DATABASE_URL": self.database_url,
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "HTTPS_PORT": str(self.https_port),
            "APP_PORTS": " ".join(map(str, self.app_ports)),
            "PL_LOAD_DEMO": "0",
            "ADMISSION_LIMIT": str(self.args.admission_limit),
            "EDGE_LIMIT": str(self.args.edge_limit),
            "GUNICORN_WORKERS": str(self.args.workers),
            "GUNICORN_THREADS": str(self.args.threads),
            "GUNICORN_ACCESS_LOG": "/dev/null",
            "DB_POOL_MAX": str(self.args.threads + 1),
            "LOG_LEVEL": "WARNING",
            **(
                {"GUNICORN_MAX_REQUESTS": str(self.args.max_requests)}
                if self.args.max_requests is not None
                else {}
            ),
        }

    def up(self) -> None:
        pl_dir = self.dir / "shape"
        pl_dir.mkdir()
        # prod-local.sh keeps the secrets it finds: the ones the data was loaded with.
        secrets = pl_dir / "env"
        secrets.touch(mode=0o600)
        secrets.write_text("".join(f"{k}='{v}'\n" for k, v in self.secrets.items()))
        started = time.perf_counter()
        subprocess.run(
            [str(ROOT / "deploy/prod-local.sh"), "up"],
            env=self.prod_env(),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        recycled = "the shape's" if self.args.max_requests is None else self.args.max_requests
        print(
            f"shape: nginx (TLS) on 127.0.0.1:{self.https_port} -> app servers on "
            f"{' and '.join(map(str, self.app_ports))}, {self.args.workers} workers x "
            f"{self.args.threads} threads each, ADMISSION_LIMIT={self.args.admission_limit}, "
            f"EDGE_LIMIT={self.args.edge_limit}, GUNICORN_MAX_REQUESTS={recycled}, "
            f"up in {time.perf_counter() - started:.0f}s ({pl_dir})"
        )

    def kill_app(self, port: int) -> None:
        """Kill an app server as a crash would: its master and workers at once."""
        master = int((self.dir / "shape" / "pids" / f"app-{port}.pid").read_text())
        for pid in [master, *_children(master)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def parts(self, processes: dict[int, tuple[int, float]]) -> dict[int, str]:
        """This run's processes by part: the app servers (masters and workers), nginx,
        PostgreSQL (the postmaster and its backends), Redis."""
        pids = self.dir / "shape" / "pids"
        roots = {"nginx": [pids / "nginx.pid"], "PostgreSQL": [self.pg.data / "postmaster.pid"]}
        roots["app"] = [pids / f"app-{port}.pid" for port in self.app_ports]
        part_of = {self.redis.pid: "Redis"} if self.redis else {}
        for part, files in roots.items():
            for file in files:
                with contextlib.suppress(OSError, ValueError):
                    part_of[int(file.read_text().split()[0])] = part
        for pid, (parent, _) in processes.items():
            if parent in part_of and part_of[parent] != "Redis":
                part_of[pid] = part_of[parent]
        return part_of

    def reset(self) -> None:
        """No enrollment, every seat free, no flag: the same start for every run."""
        import psycopg
        import redis

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            conn.execute("TRUNCATE enrollment_enrollment CASCADE")
            conn.execute("UPDATE quotas_quota SET seats_held = 0")
        redis.Redis(port=self.redis_port).flushdb()

    def stop(self) -> None:
        if (self.dir / "shape").exists():
            subprocess.run(
                [str(ROOT / "deploy/prod-local.sh"), "down"],
                env=self.prod_env(),
                stdout=subprocess.DEVNULL,
                check=False,
            )
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait(10)
        self.pg.remove()
        shutil.rmtree(self.dir, ignore_errors=True)


class CpuMeter:
    """CPU seconds each part of the run used since it started, sampled every second: a process
    that ends meanwhile (a worker recycled or killed, a backend whose connection closed) keeps
    what it had used at its last sample."""

    def __init__(self, shape: "Shape") -> None:
        self.shape = shape
        self.seen: dict[int, tuple[str, float, float]] = {}  # pid -> (part, first, last)
        self.machine = _machine_cpu()
        self.me = self._me()
        for pid, (part, cpu) in self._parts().items():
            self.seen[pid] = (part, cpu, cpu)

    @staticmethod
    def _me() -> float:
        used = resource.getrusage(resource.RUSAGE_SELF)
        return used.ru_utime + used.ru_stime

    def _parts(self) -> dict[int, tuple[str, float]]:
        processes = _processes()
        return {
            pid: (part, processes[pid][1])
            for pid, part in self.shape.parts(processes).items()
            if pid in processes
        }

    def sample(self) -> None:
        for pid, (part, cpu) in self._parts().items():
            first = self.seen[pid][1] if pid in self.seen else 0.0  # 0: started meanwhile
            self.seen[pid] = (part, first, cpu)

    def used(self) -> str:
        self.sample()
        used: dict[str, float] = collections.defaultdict(float)
        for part, first, last in self.seen.values():
            used[part] += last - first
        used["clients"] = self._me() - self.me
        others = _machine_cpu() - self.machine - sum(used.values())
        return (
            ", ".join(f"{part} {cpu:.1f}s" for part, cpu in sorted(used.items()))
            + f"; other processes on the machine {others:.1f}s"
        )


def _processes() -> dict[int, tuple[int, float]]:
    """Every process: pid -> (parent pid, CPU seconds used so far)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        fields = text[text.rindex(")") + 2 :].split()
        found[int(stat.parent.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK)
    return found


def _children(pid: int) -> list[int]:
    return [child for child, (parent, _) in _processes().items() if parent == pid]


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


_TICK = os.sysconf("SC_CLK_TCK")


def _machine_cpu() -> float:
    """CPU seconds the whole machine has used (every process, this run's or not)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    idle = int(fields[3]) + int(fields[4])  # idle, iowait
    return (sum(int(f) for f in fields[:8]) - idle) / _TICK


# --- the client: HTTP/1.1 over TLS, keep-alive, asyncio -------------------------------------


class Connections:
    """Keep-alive connections to nginx: `warm` of them opened before the clock starts, more as
    needed up to `most`; beyond that an attempt waits for one (and its wait counts in its time).
    TLS handshakes are dear on two shared cores: opened during a run, one per arrival, they
    would measure the client and nginx rather than the app."""

    def __init__(self, port: int, most: int = 512) -> None:
        self.port = port
        self.most = most
        self.opened = 0
        self.idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]]
        self.idle = asyncio.Queue()
        self.tls = ssl.create_default_context()
        self.tls.check_hostname = False
        self.tls.verify_mode = ssl.CERT_NONE  # prod-local's self-signed certificate

    async def warm(self, n: int) -> None:
        async def one() -> None:
            self.opened += 1
            try:
                self.idle.put_nowait(await self._open())
            except OSError:
                self.opened -= 1

        await asyncio.gather(*(one() for _ in range(n)))

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection("127.0.0.1", self.port, ssl=self.tls)

    async def _take(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.idle.empty() and self.opened < self.most:
            self.opened += 1
            try:
                return await self._open()
            except BaseException:
                self.opened -= 1
                raise
        return await self.idle.get()

    def _drop(self, writer: asyncio.StreamWriter) -> None:
        writer.close()
        self.opened -= 1

    async def request(
        self, method: str, path: str, token: str, body: bytes = b"", key: str = ""
    ) -> tuple[int, dict[str, str], bytes]:
        reader, writer = await self._take()
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Authorization: Token {token}\r\nAccept: application/json\r\n"
            + (f"Idempotency-Key: {key}\r\n" if key else "")
            + (f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n" if body else "")
            + "\r\n"
        )
        try:
            writer.write(head.encode() + body)
            status, headers, content = await _response(reader)
        except BaseException:
            self._drop(writer)  # cut off, or given up on (timeout): never reused
            raise
        if headers.get("connection", "").lower() == "close":
            self._drop(writer)
        else:
            self.idle.put_nowait((reader, writer))
        return status, headers, content

    def close(self) -> None:
        while not self.idle.empty():
            self._drop(self.idle.get_nowait()[1])


async def _response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        return status, headers, await reader.readexactly(int(headers["content-length"]))
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")
        return status, headers, b"".join(chunks)
    headers["connection"] = "close"
    return status, headers, await reader.read()


# --- attempts and their answers ---------------------------------------------------------------


@dataclass
class Attempt:
    at: float  # seconds from the run's start, when it arrives
    teacher: dict[str, Any]
    item: str
    key: str
    kind: str = ""  # the answer: admitted, waitlisted, full, closed, already, busy...
    status: int = 0
    seconds: float = 0.0
    enrollment: int | None = None


def classify(status: int, body: bytes) -> tuple[str, int | None]:
    """The answer's kind, and the enrollment it names."""
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        data = {}
    if status in (200, 201):
        kind = "waitlisted" if data.get("status") == "waitlisted" else "admitted"
        return kind, data.get("id")
    code = data.get("code", "")
    if status == 503:
        # The app's own "busy" (its admission limit, the database away) or the proxy's (no app
        # server answered: the request may have been done, which a retry with its key tells).
        return ("busy" if code == "system_busy" else "proxy 503"), None
    return {
        "quota_exhausted": "full",
        "enrollment_closed": "closed",
        "already_enrolled": "already",
    }.get(code, f"error {status} {code}".strip()), None


def plan(world: dict[str, Any], rate: float, seconds: float, seed: int) -> list[Attempt]:
    """Arrivals at `rate` a second: teachers of every region in turn (the small regions' quotas
    run out), 3% for the closed phase, 3% a retry of an earlier attempt with its key, 2% the
    same teacher again with a new key."""
    rng = random.Random(seed)
    teachers = list(world["teachers"])
    rng.shuffle(teachers)
    n = int(rate * seconds)
    attempts: list[Attempt] = []
    for i in range(n):
        at = i / rate
        roll = rng.random()
        if attempts and roll < 0.03:
            earlier = rng.choice(attempts)
            attempts.append(Attempt(at, earlier.teacher, earlier.item, earlier.key))
        elif attempts and roll < 0.05:
            earlier = rng.choice(attempts)
            attempts.append(Attempt(at, earlier.teacher, earlier.item, f"{seed}-{i}"))
        else:
            item = CLOSED_ITEM if rng.random() < 0.03 else ITEM
            attempts.append(Attempt(at, teachers[i % len(teachers)], item, f"{seed}-{i}"))
    return attempts


@dataclass
class Outcome:
    label: str
    rate: float
    seconds: float
    attempts: list[Attempt] = field(default_factory=list)
    timeouts: int = 0
    over: int = 0
    lost: int = 0
    doubled: int = 0
    busy_p99: float = 0.0

    @property
    def admitted_rate(self) -> float:
        admitted = sum(1 for a in self.attempts if a.kind == "admitted" and a.status == 201)
        return admitted / self.seconds


class Runs:
    def __init__(self, args: argparse.Namespace, shape: Shape, world: dict[str, Any]) -> None:
        self.args, self.shape, self.world = args, shape, world
        self.seed = 0

    def sustained(self) -> float:
        """Answers a second (admissions and refusals, not "busy") with as many clients as the
        app servers admit at once (every slot in use, and no client turned away to try again
        at once), over 10 s after 2 s of warming up: what the shape sustains, 1x."""
        self.shape.reset()
        clients = len(self.shape.app_ports) * self.args.workers * self.args.admission_limit
        attempts = plan(self.world, 10_000, 2, seed=self._seed())
        answered = asyncio.run(self._closed_loop(attempts, clients, seconds=12, warm_up=2))
        rate = round(answered / 10)
        print(f"1x: {rate}/s (closed loop, {clients} clients for 10 s, not counting 'busy')")
        return rate

    async def _closed_loop(
        self, attempts: list[Attempt], clients: int, seconds: float, warm_up: float
    ) -> int:
        """Non-busy answers after `warm_up` seconds, each client sending its next attempt as
        soon as it has its answer."""
        connections = Connections(self.shape.https_port)
        await connections.warm(clients)
        queue = iter(attempts)
        answered = 0
        start = time.monotonic()
        deadline = start + seconds

        async def client() -> None:
            nonlocal answered
            for attempt in queue:
                if time.monotonic() > deadline:
                    return
                await self._send(connections, attempt, time.monotonic())
                counted = time.monotonic() - start > warm_up
                answered += counted and attempt.kind not in ("busy", "proxy 503", "timeout")

        await asyncio.gather(*(client() for _ in range(clients)))
        connections.close()
        return answered

    def _seed(self) -> int:
        self.seed += 1
        return self.seed

    def rush(self, label: str, rate: float, *, faults: bool = False) -> Outcome:
        self.shape.reset()
        seconds = self.args.seconds
        outcome = Outcome(label, rate, seconds, plan(self.world, rate, seconds, self._seed()))
        print(f"\n{label}: {rate:.0f} attempts/s for {seconds:.0f}s; load {_load()}")
        self.meter, started = CpuMeter(self.shape), time.monotonic()
        # The client's own pauses are not the server's answer time: no collection of its
        # tens of thousands of attempts and tasks in mid-run.
        gc.collect()
        gc.disable()
        try:
            with _ahead():
                asyncio.run(self._open_loop(outcome, faults))
        finally:
            gc.enable()
        wall = time.monotonic() - started
        print(f"  CPU in {wall:.0f}s on {os.cpu_count()} cores: {self.meter.used()}")
        self.check(outcome)
        return outcome

    async def _send(self, connections: Connections, attempt: Attempt, due: float) -> None:
        t = attempt.teacher
        body = json.dumps({"programme": self.world["programme"], "item": attempt.item,
                           "person": t["person"]}).encode()  # fmt: skip
        try:
            status, _, content = await asyncio.wait_for(
                connections.request("POST", URL, t["token"], body, attempt.key),
                timeout=max(0.0, due + TIMEOUT - time.monotonic()),
            )
            attempt.status = status
            attempt.kind, attempt.enrollment = classify(status, content)
        except TimeoutError:
            attempt.kind = "timeout"
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            attempt.kind = f"failed {type(exc).__name__}"
        attempt.seconds = time.monotonic() - due

    async def _open_loop(self, outcome: Outcome, faults: bool) -> None:
        connections = Connections(self.shape.https_port)
        await connections.warm(WARM)
        start = time.monotonic()
        seconds = outcome.seconds
        tasks = []
        events = []
        if faults:
            events = [
                (seconds / 3, "kill app server", self._kill_app),
                (2 * seconds / 3, "restart PostgreSQL", self._restart_pg),
            ]
        reporter = asyncio.create_task(self._report(outcome, start))
        checks: list[asyncio.Task] = []
        for attempt in outcome.attempts:
            due = start + attempt.at
            while events and events[0][0] <= attempt.at:
                _, what, action = events.pop(0)
                print(f"  -- {what} at {time.monotonic() - start:.1f}s")
                tasks.append(asyncio.create_task(asyncio.to_thread(_behind, action)))
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.create_task(self._send(connections, attempt, due))
            if len(tasks) % 20 == 0:
                task.add_done_callback(lambda _, a=attempt: checks.append(
                    asyncio.create_task(self._read_back(connections, a))))  # fmt: skip
            tasks.append(task)
        await asyncio.gather(*tasks)
        await asyncio.gather(*checks)
        await asyncio.sleep(1.1)
        reporter.cancel()
        connections.close()
        self.read_backs = [c.result() for c in checks]

    async def _read_back(self, connections: Connections, attempt: Attempt) -> bool | None:
        """Read your writes: an admitted teacher finds the enrollment on the next request,
        whichever app server nginx sends it to."""
        if attempt.kind != "admitted" or not attempt.enrollment:
            return None
        try:
            status, _, _ = await asyncio.wait_for(
                connections.request("GET", f"{URL}{attempt.enrollment}/",
                                    attempt.teacher["token"]),
                timeout=TIMEOUT,
            )  # fmt: skip
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            return None
        return status == 200 if status != 503 else None

    def _kill_app(self) -> None:
        self.shape.kill_app(self.shape.app_ports[0])

    def _restart_pg(self) -> None:
        self.shape.pg.stop("fast")
        self.shape.pg.start()

    async def _report(self, outcome: Outcome, start: float) -> None:
        """Each second: the arrivals in it, and the answers and timeouts that came in it."""
        second = 0
        while True:
            second += 1
            await asyncio.sleep(start + second - time.monotonic())
            self.meter.sample()
            lo, hi = second - 1, second
            arrived = sum(1 for a in outcome.attempts if lo <= a.at < hi)
            done = [a for a in outcome.attempts if a.kind and lo <= a.at + a.seconds < hi]
            kinds = collections.Counter(a.kind for a in done if a.kind != "timeout")
            timeouts = sum(1 for a in done if a.kind == "timeout")
            times = sorted(a.seconds * 1000 for a in done if a.kind != "timeout")
            p50 = statistics.median(times) if times else 0
            p99 = times[int(len(times) * 0.99) - 1] if len(times) >= 100 else max(times or [0])
            print(
                f"  {second:3d}s arrivals {arrived:5d}  "
                + " ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
                + f"  timeouts {timeouts}  p50 {p50:.0f} ms  p99 {p99:.0f} ms"
            )

    def check(self, outcome: Outcome) -> None:
        """The database against the answers: seats held against the quotas, answers of
        admission lost, people or refusals with an enrollment they should not have."""
        from django.db import connections
        from django.db.models import Count

        from shipei.enrollment.models import Enrollment
        from shipei.enrollment.seats import seats_consistent
        from shipei.programmes.models import Programme
        from shipei.quotas.models import Quota

        connections.close_all()  # PostgreSQL may have restarted under this process's connection
        attempts = outcome.attempts
        kinds = collections.Counter(a.kind for a in attempts)
        outcome.timeouts = kinds["timeout"]
        programme = Programme.objects.get(pk=self.world["programme"])
        enrollments = Enrollment.objects.filter(programme=programme)
        live = set(enrollments.filter(live=True).values_list("pk", flat=True))
        admitted = {a.enrollment for a in attempts if a.kind in ("admitted", "waitlisted")}
        outcome.lost = len(admitted - live - {None})
        twice = (
            enrollments.filter(live=True)
            .values("person", "live_key")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .count()
        )
        # A refusal (quota full, closed, enrolled already) must leave nothing behind. "busy" is
        # no refusal but "try again": what a retry with the same key answers is its outcome.
        admitted_keys = {
            _submission_key(a) for a in attempts if a.kind in ("admitted", "waitlisted")
        }
        refused = {_submission_key(a) for a in attempts if a.kind in ("full", "closed", "already")}
        stored_keys = set(enrollments.values_list("submission_key", flat=True))
        answered_no = len((refused - admitted_keys) & stored_keys)
        outcome.doubled = twice + answered_no
        quotas = list(Quota.objects.filter(programme=programme, item=ITEM))
        held = sum(q.seats_held for q in quotas)
        outcome.over = sum(max(0, q.seats_held + q.seats_split - q.seats) for q in quotas)
        full = sum(1 for q in quotas if q.seats_held + q.seats_split >= q.seats)
        unsure = [
            a
            for a in attempts
            if a.kind in ("busy", "proxy 503", "timeout") or a.kind.startswith("failed")
        ]
        done = [a for a in unsure if _submission_key(a) in stored_keys - admitted_keys]
        busy = sorted(a.seconds * 1000 for a in attempts if a.kind == "busy")
        outcome.busy_p99 = busy[max(0, int(len(busy) * 0.99) - 1)] if busy else 0.0
        answered = sorted(a.seconds * 1000 for a in attempts if a.kind != "timeout")
        checked = [r for r in self.read_backs if r is not None]
        retried = asyncio.run(self._retry(done))
        print(
            f"{outcome.label}: {len(attempts)} attempts at {outcome.rate:.0f}/s; answers "
            + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
            + f"; p50 {statistics.median(answered):.0f} ms, "
            f"p99 {answered[int(len(answered) * 0.99) - 1]:.0f} ms; busy p99 "
            f"{outcome.busy_p99:.0f} ms; admitted {outcome.admitted_rate:.1f}/s"
        )
        print(
            f"  seats held {held} of {sum(q.seats for q in quotas)} ({len(quotas)} quotas, "
            f"{full} full, over their seats by {outcome.over}); counters "
            f"{'exact' if not seats_consistent(programme) else seats_consistent(programme)}; "
            f"lost {outcome.lost}; doubled {outcome.doubled} (a person twice {twice}, "
            f"a refusal stored {answered_no}); answered busy, cut off or timed out but done: "
            f"{len(done)}, of which a retry with the same key answered with the enrollment "
            f"{retried}; read your writes: {sum(checked)} of {len(checked)} found at once; "
            f"load {_load()}"
        )

    async def _retry(self, attempts: list[Attempt]) -> int:
        """Send each attempt again with its key: the enrollment it made is the answer (200)."""
        connections = Connections(self.shape.https_port)
        answers = 0
        for attempt in attempts:
            again = dataclasses.replace(attempt)
            await self._send(connections, again, time.monotonic())
            answers += again.status == 200 and again.enrollment is not None
        connections.close()
        return answers


# The client runs ahead of the servers (as root, which may raise a priority): on one shared
# machine a client waiting for a core would add its wait to every answer it times, while real
# clients have machines of their own. Linux keeps the nice value per thread, and a thread or
# process started inherits its starter's: the faults (a PostgreSQL restarted) run behind again.
def _set_nice(value: int) -> None:
    if os.geteuid() == 0:
        os.setpriority(os.PRIO_PROCESS, 0, value)  # 0: this thread only


@contextlib.contextmanager
def _ahead() -> Any:
    _set_nice(-10)
    try:
        yield
    finally:
        _set_nice(0)


def _behind(action: Any) -> None:
    _set_nice(0)
    action()


def _submission_key(attempt: Attempt) -> str:
    """The key the API stores for an attempt's Idempotency-Key (enrollment.api)."""
    digest = hashlib.sha256(attempt.key.encode()).hexdigest()[:40]
    return f"api:{attempt.teacher['user']}:{digest}"


if __name__ == "__main__":
    main()
