"""The backup and restore drill of deploy/backup.md, run for real: a dump of the database,
restored into a new empty one, read with the same keys; with another key, a plain error."""

import base64
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from shipei.accounts.tests.factories import PersonFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
SHIPEI = Path(sys.executable).parent / "shipei"


def _server() -> dict[str, str]:
    """libpq's environment for the test database's server."""
    db = connection.settings_dict
    found = {"PGHOST": db["HOST"], "PGPORT": str(db["PORT"]), "PGUSER": db["USER"]}
    if db["PASSWORD"]:
        found["PGPASSWORD"] = db["PASSWORD"]
    return {k: v for k, v in found.items() if v}


def _url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{name}"


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """A command as an operator runs it: shipei in its own process, in demo mode, with the
    keys given (the test settings module left out)."""
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    base.update(_server(), SHIPEI_ENV="demo", SHIPEI_DATA_DIR=str(tmp_path), SHIPEI=str(SHIPEI))
    base.update(env)
    return subprocess.run(args, env=base, capture_output=True, text=True, timeout=300)


@pytest.fixture
def scratch_database(tmp_path: Path):
    name = f"shipei_restore_{uuid.uuid4().hex[:12]}"
    subprocess.run(["createdb", name], env={**os.environ, **_server()}, check=True)
    yield name
    subprocess.run(["dropdb", "--force", name], env={**os.environ, **_server()}, check=True)


def test_a_restored_backup_reads_the_id_numbers_with_the_same_keys_and_refuses_other_keys(
    tree, tmp_path, scratch_database
):
    person = PersonFactory(org=tree["hz_school"], name="备份演练")
    number = person._id_number()
    keys = {
        "PII_KEYS": settings.PII_KEYS,
        "PII_INDEX_KEY": settings.PII_INDEX_KEY,
        "SECRET_KEY": settings.SECRET_KEY,
    }

    backup = _run(
        [str(DEPLOY / "backup.sh"), str(tmp_path / "backups")],
        tmp_path,
        DATABASE_URL=_url(connection.settings_dict["NAME"]),
    )
    assert backup.returncode == 0, backup.stderr
    dump = backup.stdout.strip()
    assert Path(dump).is_file() and Path(f"{dump}.sha256").is_file()

    target = _url(scratch_database)
    restore = _run([str(DEPLOY / "restore.sh"), dump, target], tmp_path, **keys)
    assert restore.returncode == 0, restore.stderr
    assert "密钥能读出其中的个人信息" in restore.stdout

    read = (
        "from shipei.accounts.models import ID_CONTEXT, Person; from shipei.core import pii; "
        f"p = Person.objects.get(pk={person.pk}); print('number', p._id_number()); "
        f"print('found', Person.objects.filter(id_number_hash=pii.blind_index('{number}', "
        "context=ID_CONTEXT)).count())"
    )
    same = _run([str(SHIPEI), "shell", "-c", read], tmp_path, DATABASE_URL=target, **keys)
    assert same.returncode == 0, same.stderr
    assert f"number {number}" in same.stdout and "found 1" in same.stdout

    other = {**keys, "PII_KEYS": f"k1:{base64.urlsafe_b64encode(b'o' * 32).decode()}"}
    check = _run(
        [str(SHIPEI), "check", "--database", "default"], tmp_path, DATABASE_URL=target, **other
    )
    refused = _run([str(SHIPEI), "shell", "-c", read], tmp_path, DATABASE_URL=target, **other)
    assert check.returncode == 1
    assert "个人信息无法解密：PII_KEYS 中的密钥“k1”与数据不符" in check.stderr
    assert refused.returncode != 0 and "与数据不符" in refused.stderr
    assert number not in refused.stdout + refused.stderr

    again = _run([str(DEPLOY / "restore.sh"), dump, target], tmp_path, **keys)
    assert again.returncode == 1 and "只能恢复到新建的空数据库" in again.stderr
