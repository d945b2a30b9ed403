"""What production refuses to start without, and the SQLite file's mode (settings.py)."""

import ast
import os
import stat
import subprocess
import sys

import pytest

from shipei.core.tests.test_setup import _production_env


def _start(
    env: dict[str, str], code: str = "import shipei.settings"
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


def test_production_starts_with_everything_set():
    result = _start(_production_env())
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("REDIS_URL", "生产环境必须设置 REDIS_URL"),
        ("PII_KEYS", "生产环境必须通过环境变量设置 PII_KEYS"),
        ("CERT_SIGNING_KEYS", "生产环境必须通过环境变量设置 CERT_SIGNING_KEYS"),
        ("SMS_BACKEND", "SMS_BACKEND 设置为短信网关的发送类"),
        ("EMAIL_BACKEND", "EMAIL_BACKEND 设置为真实的邮件发送类"),
    ],
)
def test_production_refuses_to_start_without(missing, message):
    env = _production_env()
    del env[missing]
    result = _start(env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SMS_BACKEND", "shipei.core.sms.ConsoleBackend"),
        ("SMS_BACKEND", "shipei.core.sms.MemoryBackend"),
        ("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"),
        ("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"),
        ("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend"),
        ("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"),
    ],
)
def test_production_refuses_senders_that_reach_nobody(name, value):
    result = _start(_production_env(**{name: value}))
    assert result.returncode != 0
    assert name in result.stderr


def test_production_admits_six_requests_a_process_at_once_unless_told_otherwise():
    """Six of gunicorn's eight threads work, the others answer "busy" (deploy/env.example)."""
    code = "import shipei.settings as s; print(s.ADMISSION_LIMIT)"
    env = {k: v for k, v in _production_env().items() if k != "ADMISSION_LIMIT"}
    assert _start(env, code).stdout.strip() == "6"
    assert _start({**env, "ADMISSION_LIMIT": "0"}, code).stdout.strip() == "0"
    assert _start({**env, "SHIPEI_ENV": "test"}, code).stdout.strip() == "0"


def test_a_trusted_proxy_that_is_no_address_is_refused():
    result = _start(_production_env(TRUSTED_PROXIES="127.0.0.1,nginx.local"))
    assert result.returncode != 0
    assert "TRUSTED_PROXIES 中的 nginx.local 不是有效的地址或网段" in result.stderr


def test_the_sqlite_database_and_its_journal_are_readable_by_the_owner_only(tmp_path):
    database = tmp_path / "data" / "shipei.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        SHIPEI_ENV="test",
        DJANGO_SETTINGS_MODULE="shipei.settings",
        DATABASE_URL=f"sqlite:///{database}",
    )
    # Read while the connection is open: SQLite removes its -wal and -shm files at the close.
    code = (
        "import os, glob, django; os.umask(0o022); django.setup(); "
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('CREATE TABLE t (x)'); c.execute('INSERT INTO t VALUES (1)'); "
        f"print({{f[-4:]: oct(os.stat(f).st_mode & 0o777) for f in glob.glob('{database}*')}})"
    )
    result = _start(env, code)
    assert result.returncode == 0, result.stderr
    assert ast.literal_eval(result.stdout) == {"ite3": "0o600", "-wal": "0o600", "-shm": "0o600"}


def test_an_existing_sqlite_database_is_made_private_at_start(tmp_path):
    database = tmp_path / "shipei.sqlite3"
    database.touch(mode=0o644)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(SHIPEI_ENV="test", DATABASE_URL=f"sqlite:///{database}")
    assert _start(env).returncode == 0
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
