"""Certificates in headless Chromium on a phone (390 px): the base issues its class in one go
and watches the progress; anyone checks a number on /verify/; an inspector with the network
off checks a QR payload on the offline verifier, and an altered one fails."""

import json
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from shipei.certificates.models import Certificate
from shipei.certificates.signing import b64url, unb64url
from shipei.certificates.tests.conftest import make_class
from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    PHONE,
    browser_context_args,
    login,
    page_problems,
    shot,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_the_base_issues_its_class_and_anyone_verifies_even_offline(
    live_server: Any, page: Page, tree: Any, base_admin: Any
) -> None:
    url = live_server.url
    c = make_class(tree, n=3)
    page.set_viewport_size(PHONE)
    login(page, url, base_admin.person._mobile())
    page.goto(f"{url}/certificates/class/{c.klass.pk}/")
    page.get_by_role("button", name="为符合条件的学员批量发证").click()
    expect(page.get_by_text("批量发证已完成：已发证 3 人，未发证 0 人。")).to_be_visible()
    assert page_problems(page) == []
    shot(page, "certificates-class")
    certificate = Certificate.objects.order_by("number").first()

    page.context.clear_cookies()
    page.goto(f"{url}/verify/")
    page.get_by_label("证书编号").fill(certificate.number)
    page.get_by_role("button", name="核验").click()
    expect(page.get_by_text("证书有效")).to_be_visible()
    expect(page.get_by_text(certificate.masked_name)).to_be_visible()
    assert page_problems(page) == []
    shot(page, "certificates-verify")

    page.goto(f"{url}/verify/offline/")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.context.set_offline(True)
    page.get_by_label("二维码内容").fill(f"{url}/verify/?c={certificate.qr_payload}")
    page.get_by_role("button", name="核验签名").click()
    expect(page.get_by_text("签名有效：内容由发证单位签发，未被改动。")).to_be_visible()
    expect(page.locator("#result")).to_contain_text(certificate.holder_name)
    message, signature = certificate.qr_payload.split(".")
    fields = json.loads(unb64url(message))
    fields[5] = "560"
    altered = f"{b64url(json.dumps(fields, ensure_ascii=False).encode())}.{signature}"
    page.get_by_label("二维码内容").fill(altered)
    page.get_by_role("button", name="核验签名").click()
    expect(page.get_by_text("签名无效：内容被改动或并非发证单位签发，请勿采信。")).to_be_visible()
    # Nothing but the browser's own late look for the tab's icon.
    assert [r for r in requests if "favicon" not in r] == []
    shot(page, "certificates-offline")
    page.context.set_offline(False)
    assert page_problems(page) == []
