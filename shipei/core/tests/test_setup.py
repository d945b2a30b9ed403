"""The set-up a new user relies on: production checks, regions, the admin site (the demo data:
demo/tests/test_demo_setup.py)."""

import base64
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from shipei.accounts.models import User
from shipei.orgs.models import Region


def test_load_regions_is_idempotent(db):
    out = StringIO()
    call_command("load_regions", stdout=out)
    assert "本次变更 0 条" in out.getvalue()
    assert Region.objects.get(code="660000").short_name == "兵团"


def _production_env(**extra):
    key = base64.b64encode(os.urandom(32)).decode()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PII_", "SECRET", "CERT_"))
    }
    env.update(
        SHIPEI_ENV="production",
        DJANGO_SETTINGS_MODULE="shipei.settings",
        SECRET_KEY=base64.b64encode(os.urandom(48)).decode(),
        PII_KEYS=f"k1:{key}",
        PII_INDEX_KEY=key[::-1],
        CERT_SIGNING_KEYS=f"k1:{base64.b64encode(os.urandom(32)).decode()}",
        ALLOWED_HOSTS="shipei.example.cn",
        DATABASE_URL="sqlite:////tmp/shipei-deploy-check.sqlite3",
        REDIS_URL="redis://127.0.0.1:6379/0",
        SMS_BACKEND="shipei.core.sms_gateway.HttpGatewayBackend",
        SMS_GATEWAY_URL="https://sms.example.cn/send",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    )
    env.update(extra)
    return env


def test_production_settings_pass_the_deploy_check():
    result = subprocess.run(
        [sys.executable, "-m", "shipei", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_its_secrets():
    env = _production_env()
    del env["PII_INDEX_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "shipei", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "PII_INDEX_KEY" in result.stderr


@pytest.mark.parametrize("superuser", [False, True])
def test_admin_site_is_for_superusers_only(client, zhejiang_admin, superuser):
    zhejiang_admin.user.is_staff = True
    zhejiang_admin.user.is_superuser = superuser
    zhejiang_admin.user.save()
    client.force_login(zhejiang_admin.user)
    response = client.get("/admin/")
    assert (response.status_code == 200) is superuser


def test_admin_person_pages_show_masked_numbers_only(client, trainee):
    admin = User.objects.create_superuser("root", "Root12345")
    client.force_login(admin)
    number = trainee.person._id_number()
    page = client.get(f"/admin/accounts/person/{trainee.person.pk}/change/").content.decode()
    assert number not in page
    assert number[:6] + "********" + number[-4:] in page
    assert number not in client.get("/admin/accounts/person/").content.decode()
