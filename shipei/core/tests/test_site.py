"""The site's frame around every page: the API docs page in the site's layout, the icon, and the
polite 您 in every message (the menu each role gets: dashboard/tests/test_navigation.py)."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils.translation import trans_real

SHIPEI = Path(__file__).resolve().parents[2]


# --- the API docs page --------------------------------------------------------------------------


def test_api_docs_page_has_the_sites_header_chinese_title_and_a_way_back(
    client: Client, zhejiang_admin: Any
) -> None:
    client.force_login(zhejiang_admin.user)
    html = client.get("/api/docs/").content.decode()

    assert "<title>接口文档 · 师培</title>" in html
    assert 'class="navbar navbar-expand-lg sp-topbar' in html  # the site's header
    assert re.search(r'<li class="breadcrumb-item"><a href="/">工作台</a></li>', html)
    assert re.search(r'aria-current="page"><i [^>]*></i> 接口文档</a>', html)  # in the menu
    assert '<div id="swagger-ui"></div>' in html
    assert "/api/v1/auth/token/" in html and "Idempotency-Key" in html  # the Chinese guide


def test_api_docs_page_is_not_listed_as_an_endpoint_of_the_api(
    client: Client, trainee: Any
) -> None:
    client.force_login(trainee.user)
    spec = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert "/api/docs/" not in spec["paths"]


# --- the icon -----------------------------------------------------------------------------------


def test_favicon_ico_leads_to_the_icon_among_the_static_files(client: Client, db: Any) -> None:
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/shipei/favicon.ico"
    assert "max-age" in response["Cache-Control"]
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.parametrize("path", ["/login/", "/", "/no-such-page/", "/api/docs/"])
def test_pages_link_the_icon(client: Client, national_admin: Any, path: str) -> None:
    if path != "/login/":
        client.force_login(national_admin.user)
    html = client.get(path).content.decode()

    assert '<link rel="icon" href="/static/shipei/favicon.svg" type="image/svg+xml">' in html
    assert '<link rel="icon" href="/static/shipei/favicon.ico" sizes="32x32">' in html
    for name in ("favicon.svg", "favicon.ico"):
        assert finders.find(f"shipei/{name}"), name


def test_every_page_template_either_extends_the_base_or_links_the_icon_itself() -> None:
    missing = []
    for template in SHIPEI.glob("*/templates/**/*.html"):
        if "pdf" in template.parts or template.stem.endswith("_pdf"):
            continue  # a document WeasyPrint prints (a certificate, a transcript): no tab, no icon
        text = template.read_text(encoding="utf-8")
        if "<html" in text and "favicon.svg" not in text:
            missing.append(str(template.relative_to(SHIPEI)))

    assert missing == []


# --- 您, not 你 ---------------------------------------------------------------------------------


def test_no_chinese_message_django_may_show_says_你() -> None:
    """Django's own catalogue is informal in its password rules, the password change form and the
    admin; the project's locale says 您 there."""
    catalog = trans_real.translation(settings.LANGUAGE_CODE)._catalog

    # A TranslationCatalog (the merged catalogues) can be walked by keys() only.
    impolite = {key: catalog[key] for key in catalog.keys() if "你" in catalog[key]}  # noqa: SIM118

    assert impolite == {}


def test_password_rules_are_stated_with_您(client: Client, trainee: Any) -> None:
    client.force_login(trainee.user)
    response = client.post(
        "/password/",
        {"old_password": "Secret123", "new_password1": "1234567a", "new_password2": "1234567a"},
    )
    html = response.content.decode()

    assert "您的密码不能是常见密码" in html  # the rules beside the field
    assert "这个密码太常见了" in html  # and the refusal
    assert "你" not in html


def test_no_source_file_says_你() -> None:
    """Templates, code and messages address users as 您 (tests and migrations aside)."""
    found = []
    for path in SHIPEI.rglob("*"):
        if path.suffix not in {".py", ".html", ".js", ".po"}:  # not the notices' own texts
            continue
        if {"tests", "migrations"} & set(path.relative_to(SHIPEI).parts):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "你" in line:
                found.append(f"{path.relative_to(SHIPEI)}:{number}")

    assert found == []
