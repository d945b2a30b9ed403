"""The proxy in front of the app servers (deploy/): nginx's configuration as rendered, checked
by nginx itself, then run on loopback in front of stand-in app servers and a real gunicorn."""

import datetime
import importlib.util
import json
import os
import re
import runpy
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
import urllib3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
_spec = importlib.util.spec_from_file_location("render_nginx", DEPLOY / "render_nginx.py")
render_nginx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(render_nginx)


def _nginx() -> str:
    """`make test` installs nginx (Makefile SYSTEM_PACKAGES): a missing nginx fails the test."""
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    )
    if found is None:
        pytest.fail("nginx 未安装：请运行 make system-deps（make test 会自动安装）")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class Proxy:
    """nginx with deploy/'s configuration, in a directory of its own."""

    def __init__(self, app_ports: list[int], edge_limit: int = 4) -> None:
        # Readable by nginx's workers (nobody, when the tests run as root).
        self.dir = Path(tempfile.mkdtemp(prefix="shipei-nginx-"))
        self.dir.chmod(0o755)
        for sub in ("pids", "logs", "nginx/tmp", "static/css"):
            (self.dir / sub).mkdir(parents=True)
        (self.dir / "static/css/site.0123456789ab.css").write_text("body{}")
        shutil.copytree(DEPLOY / "nginx/errors", self.dir / "errors")
        cert, key = _certificate(self.dir)
        self.port = _free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        site = render_nginx.render(
            (DEPLOY / "nginx/shipei.conf.in").read_text(),
            {
                "SERVER_NAME": "localhost",
                "LISTEN": f"127.0.0.1:{self.port}",
                "APP_SERVERS": " ".join(f"127.0.0.1:{p}" for p in app_ports),
                "TLS_CERT": str(cert),
                "TLS_KEY": str(key),
                "STATIC_ROOT": str(self.dir / "static"),
                "ERROR_PAGES": str(self.dir / "errors"),
                "EDGE_LIMIT": str(edge_limit),
            },
        )
        (self.dir / "nginx/shipei.conf").write_text(site)
        main = render_nginx.render(
            (DEPLOY / "nginx/prod-local.conf.in").read_text(), {"RUN_DIR": str(self.dir)}
        )
        self.conf = self.dir / "nginx/nginx.conf"
        self.conf.write_text(main)
        self.args = [_nginx(), "-c", str(self.conf), "-p", str(self.dir / "nginx")]

    def check(self) -> subprocess.CompletedProcess:
        return subprocess.run([*self.args, "-t"], capture_output=True, text=True, timeout=30)

    def start(self) -> None:
        subprocess.run(self.args, check=True, capture_output=True, timeout=30)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)

    def stop(self) -> None:
        pid = self.dir / "pids/nginx.pid"
        if pid.exists() and pid.read_text().strip():  # `nginx -t` leaves it empty
            os.kill(int(pid.read_text()), 15)
            for _ in range(100):
                if not pid.exists():
                    break
                time.sleep(0.05)
        shutil.rmtree(self.dir, ignore_errors=True)

    def get(self, path: str, **kwargs) -> requests.Response:
        return _client().get(self.url + path, timeout=10, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return _client().post(self.url + path, timeout=10, **kwargs)


def _client() -> requests.Session:
    session = requests.Session()
    session.verify = False  # the test's own self-signed certificate
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    session.trust_env = False
    return session


class AppStandIn:
    """An app server stand-in on loopback: answers `status`, telling what it received."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.requests = 0
        # Cleared: each request waits for it to be set before it is answered (requests held in
        # flight).
        self.go = threading.Event()
        self.go.set()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self):
                stand_in.requests += 1
                stand_in.go.wait(10)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.dumps(
                    {
                        "port": stand_in.port,
                        "host": self.headers["Host"],
                        "forwarded_for": self.headers["X-Forwarded-For"],
                        "proto": self.headers["X-Forwarded-Proto"],
                    }
                ).encode()
                self.send_response(stand_in.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def apps():
    started = [AppStandIn(), AppStandIn()]
    yield started
    for app in started:
        app.stop()


@pytest.fixture
def proxy(apps):
    proxy = Proxy([a.port for a in apps])
    proxy.start()
    yield proxy
    proxy.stop()


# --- the template ------------------------------------------------------------------------------


def test_a_field_without_a_value_or_a_value_without_a_field_is_an_error():
    with pytest.raises(ValueError, match="no value for TLS_KEY"):
        render_nginx.render("@TLS_CERT@ @TLS_KEY@", {"TLS_CERT": "a"})
    with pytest.raises(ValueError, match="no field SERVER"):
        render_nginx.render("@TLS_CERT@", {"TLS_CERT": "a", "SERVER": "b"})
    with pytest.raises(ValueError, match="no app server"):
        render_nginx.render("@APP_SERVERS@", {"APP_SERVERS": " "})


def test_the_edge_limit_is_per_app_server_and_written_for_all_of_them():
    template = "@APP_SERVERS@ limit_conn edge @EDGE_LIMIT@;"
    servers = "127.0.0.1:8101 127.0.0.1:8102 127.0.0.1:8103"
    rendered = render_nginx.render(template, {"APP_SERVERS": servers, "EDGE_LIMIT": "14"})
    assert rendered.endswith("limit_conn edge 42;")
    for wrong in ("0", "-3", "many", ""):
        with pytest.raises(ValueError, match="EDGE_LIMIT must be a positive whole number"):
            render_nginx.render(template, {"APP_SERVERS": servers, "EDGE_LIMIT": wrong})


def test_nginx_accepts_the_rendered_configuration():
    proxy = Proxy([_free_port(), _free_port()])
    try:
        result = proxy.check()
    finally:
        proxy.stop()
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


# --- nginx running it --------------------------------------------------------------------------


def test_the_app_server_learns_the_client_the_scheme_and_the_host_asked_for(proxy):
    answer = proxy.get("/x", headers={"X-Forwarded-For": "198.51.100.1"}).json()
    assert answer["proto"] == "https"
    assert answer["host"] == f"127.0.0.1:{proxy.port}"
    # What the client wrote stays on the left; the address nginx saw is appended.
    assert answer["forwarded_for"] == "198.51.100.1, 127.0.0.1"


def test_requests_go_on_to_the_other_app_server_when_one_is_down(proxy, apps):
    apps[0].stop()
    answers = [proxy.get("/x") for _ in range(6)] + [proxy.post("/x", data={"a": "b"})]
    assert [r.status_code for r in answers] == [200] * 7
    assert {r.json()["port"] for r in answers} == {apps[1].port}


def test_with_no_app_server_up_the_proxy_answers_503_in_chinese_with_retry_after(proxy, apps):
    for app in apps:
        app.stop()
    page = proxy.get("/")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "10"
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "系统暂时无法访问" in page.text
    api = proxy.post("/api/v1/enrollments/", json={})
    assert (api.status_code, api.headers["Retry-After"]) == (503, "10")
    assert api.json()["message"] == "系统暂时无法访问，请稍后再试。"


def test_an_app_servers_own_busy_answer_is_passed_on_and_not_retried(proxy, apps):
    for app in apps:
        app.status = 503
    answers = [proxy.get("/x") for _ in range(4)]
    # Each is the app's own answer (not the proxy's page), each sent to one server only, and
    # no server is taken for dead because of it.
    assert all(r.status_code == 503 and "port" in r.json() for r in answers)
    assert sum(app.requests for app in apps) == 4


def _held(proxy: Proxy, apps: list[AppStandIn], paths: list[str]) -> list[threading.Thread]:
    """Requests for `paths` in flight at the app servers, held there until `go` is set."""
    before = sum(app.requests for app in apps)
    for app in apps:
        app.go.clear()
    threads = [threading.Thread(target=proxy.get, args=(path,)) for path in paths]
    for thread in threads:
        thread.start()
    for _ in range(400):
        if sum(app.requests for app in apps) - before == len(paths):
            break
        time.sleep(0.025)
    return threads


def _words(html: str) -> list[str]:
    """The heading and the paragraph a user reads."""
    return [
        re.sub(r"<[^>]+>", "", m).strip()
        for m in re.findall(r"<(?:h1|p)\b.*?</(?:h1|p)>", html, re.S)
    ]


def test_beyond_the_edge_limit_nginx_answers_busy_itself_as_the_app_would(apps):
    from django.test import RequestFactory

    from shipei.core.middleware import busy_response

    proxy = Proxy([a.port for a in apps], edge_limit=1)  # two in flight for the two servers
    proxy.start()
    try:
        held = _held(proxy, apps, ["/x", "/x"])
        api = proxy.post("/api/v1/enrollments/", json={})
        browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        page = proxy.get("/programmes/", headers={"Accept": browser})
        no_accept = proxy.get("/programmes/", headers={"Accept": None})
        json_client = proxy.get("/programmes/", headers={"Accept": "application/json"})
        # The health checks are never refused: a monitor tells busy from dead.
        held += _held(proxy, apps, ["/health/ready"])
        reached = sum(app.requests for app in apps)
    finally:
        for app in apps:
            app.go.set()
        for thread in held:
            thread.join(10)
        proxy.stop()
    assert reached == 3  # the two held and the probe; nothing refused woke an app server

    factory = RequestFactory()
    app_api = busy_response(factory.post("/api/v1/enrollments/"))
    app_page = busy_response(factory.get("/programmes/", HTTP_ACCEPT=browser))
    for edge, app in [
        (api, app_api),
        (json_client, app_api),
        (page, app_page),
        (no_accept, app_page),
    ]:
        assert edge.status_code == app.status_code == 503
        assert edge.headers["Retry-After"] == app["Retry-After"]
        assert edge.headers["Content-Type"].split(";")[0] == app["Content-Type"].split(";")[0]
    assert api.content == json_client.content == app_api.content
    assert api.json() == {"code": "system_busy", "message": "系统繁忙，请稍后再试。", "fields": {}}
    assert _words(page.text) == _words(app_page.content.decode()) != []
    assert "系统繁忙，请稍后再试。" in page.text


def test_too_long_a_url_gets_the_chinese_414_page(proxy):
    page = proxy.get("/" + "a" * 9000)
    assert page.status_code == 414
    assert "网址过长" in page.text


def test_too_large_headers_get_the_chinese_431_page(proxy):
    page = proxy.get("/", headers={"X-Big": "b" * 9000})
    assert page.status_code == 431
    assert "请求信息过多" in page.text
    many = {f"X-H{n}": "c" * 7000 for n in range(6)}  # each fits, 42 KB in all does not
    assert proxy.get("/", headers=many).status_code == 431


def test_static_files_come_from_the_proxy_hashed_ones_cached_for_a_year(proxy, apps):
    response = proxy.get("/static/css/site.0123456789ab.css")
    assert response.text == "body{}"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert sum(app.requests for app in apps) == 0


@pytest.fixture
def gunicorn(tmp_path):
    """A real app server with deploy/gunicorn.conf.py (test settings, no database needed)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        SHIPEI_ENV="test",
        DJANGO_SETTINGS_MODULE="shipei.settings",
        SHIPEI_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="2",
    )
    process = subprocess.Popen(
        [
            Path(sys.executable).with_name("gunicorn"),
            "-c",
            DEPLOY / "gunicorn.conf.py",
            "shipei.wsgi",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Ready when its worker answers: the master opens the port before the worker has loaded
    # Django, which on a loaded machine takes longer than a test request waits.
    for _ in range(600):
        try:
            if _client().get(f"http://127.0.0.1:{port}/health/live", timeout=5).ok:
                break
        except requests.RequestException:
            time.sleep(0.1)
    yield port
    process.terminate()
    process.wait(timeout=30)


def test_what_nginx_lets_through_reaches_django_not_gunicorns_english_errors(gunicorn):
    proxy = Proxy([gunicorn])
    proxy.start()
    try:
        assert proxy.get("/health/live").json() == {"status": "ok"}
        # Just under nginx's limits: gunicorn's defaults (4094-byte request line, 8190-byte
        # header line, 100 headers) would answer these with English 400/431 pages.
        long_url = proxy.get("/" + "a" * 8000)
        big_header = proxy.get("/health/live", headers={"X-Big": "b" * 8000})
        many = proxy.get("/health/live", headers={f"X-H{n}": "c" for n in range(150)})
    finally:
        proxy.stop()
    assert long_url.status_code == 404
    assert "未找到该页面或记录" in long_url.text
    assert (big_header.status_code, many.status_code) == (200, 200)


def _gunicorn_config(monkeypatch, **env: str) -> dict:
    for name in [n for n in os.environ if n.startswith("GUNICORN_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


def test_workers_are_not_recycled_unless_asked_and_then_not_all_together(monkeypatch):
    """Recycling counts "busy" refusals too: in a rush it would take workers away every few
    seconds (bench/README.md)."""
    assert _gunicorn_config(monkeypatch)["max_requests"] == 0
    asked = _gunicorn_config(monkeypatch, GUNICORN_MAX_REQUESTS="100000")
    assert (asked["max_requests"], asked["max_requests_jitter"]) == (100000, 25000)


def test_every_variable_the_settings_read_is_in_the_environment_example():
    """An operator learns the settings from deploy/env.example: one missing there is unknown."""
    settings_text = (Path(__file__).resolve().parents[2] / "settings.py").read_text("utf-8")
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]+)"', settings_text))
    read |= set(re.findall(r'_secret\("([A-Z][A-Z0-9_]+)"', settings_text))
    example = (DEPLOY / "env.example").read_text("utf-8")
    documented = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    assert len(read) > 20
    assert sorted(read - documented) == []
