"""Public verification without login: valid, revoked (date and reason), not found, a forged QR
code; the holder's name masked; the per-address limit; the keys and the revocation list."""

import json

import pytest

from shipei.accounts.tests.factories import PersonFactory
from shipei.certificates import credential, services
from shipei.certificates.signing import b64url, unb64url
from shipei.certificates.tests.conftest import P000, admit, programme_from

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(c004, issuer):
    return [services.certificate_issue(actor=issuer.user, enrollment=e) for e in c004.enrollments]


def test_anyone_checks_a_number_and_sees_it_valid_with_the_name_masked(issued, client):
    c = issued[0]
    page = client.get("/verify/", {"no": c.number}).content.decode()
    assert "证书有效" in page and c.issuer in page and c.title in page and "56" in page
    assert c.holder_name not in page and c.masked_name in page
    assert c.masked_name == c.holder_name[0] + "*" * (len(c.holder_name) - 1)


def test_a_revoked_certificate_shows_revoked_with_date_and_reason_never_valid(
    issued, client, issuer
):
    c = services.certificate_revoke(actor=issuer.user, certificate=issued[0], reason="error")
    for query in ({"no": c.number}, {"c": c.qr_payload}):
        page = client.get("/verify/", query).content.decode()
        assert "证书已撤销" in page and "证书信息有误" in page and "证书有效" not in page
        assert f"{c.revoked_on.year}年" in page


def test_a_number_not_issued_is_not_found(client, issued):
    response = client.get("/verify/", {"no": "ZJSZ-2026-99999"})
    assert response.status_code == 404 and "未找到该证书" in response.content.decode()


def test_a_forged_or_altered_qr_code_shows_invalid(issued, client):
    message, signature = issued[0].qr_payload.split(".")
    fields = json.loads(unb64url(message))
    fields[5] = "560"
    altered = f"{b64url(json.dumps(fields, ensure_ascii=False).encode())}.{signature}"
    for payload in (altered, "garbage", f"{message}.{b64url(b'x' * 64)}"):
        page = client.get("/verify/", {"c": payload}).content.decode()
        assert "无效：签名不符" in page and "证书有效" not in page


def test_lookups_are_limited_per_address(issued, client, settings):
    settings.CERT_VERIFY_PER_MINUTE = 3
    codes = [
        client.get("/verify/", {"no": issued[0].number}, REMOTE_ADDR="203.0.113.9").status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    other = client.get("/verify/", {"no": issued[0].number}, REMOTE_ADDR="203.0.113.10")
    assert other.status_code == 200
    assert (
        "查询过于频繁"
        in client.get("/verify/", {"no": "x"}, REMOTE_ADDR="203.0.113.9").content.decode()
    )


def test_the_revocation_list_sets_the_bit_of_each_revoked_certificate(issued, client, issuer):
    services.certificate_revoke(actor=issuer.user, certificate=issued[1], reason="error")
    listed = client.get("/verify/status/revocation.json").json()
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    encoded = listed["credentialSubject"]["encodedList"]
    assert credential.revoked_in(encoded, issued[1].pk)
    assert not credential.revoked_in(encoded, issued[0].pk)


def test_the_form_submits_a_get_with_the_number(client):
    page = client.get("/verify/").content.decode()
    assert 'method="get"' in page and 'name="no"' in page


def test_a_cached_valid_answer_turns_revoked_the_moment_the_revocation_commits(
    issued, client, issuer, django_capture_on_commit_callbacks
):
    c = issued[0]
    assert "证书有效" in client.get("/verify/", {"no": c.number}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_revoke(actor=issuer.user, certificate=c, reason="error")
    page = client.get("/verify/", {"no": c.number}).content.decode()
    assert "证书已撤销" in page and "证书有效" not in page


def test_a_lookup_that_read_the_row_before_the_revocation_cannot_cache_it_as_valid(
    issued, issuer, django_capture_on_commit_callbacks
):
    from shipei.certificates import selectors

    c = issued[0]
    stale = selectors.verdict_facts(selectors.verify_number(c.number))  # read before the change
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_revoke(actor=issuer.user, certificate=c, reason="error")
    from django.core.cache import cache

    cache.add(f"cert-verdict:{c.number}", stale, 60)  # the slow lookup finishes afterwards
    assert selectors.verify_number_facts(c.number)["state"] == "revoked"


def test_a_reissued_certificate_names_its_successor_on_the_page(
    issued, client, issuer, django_capture_on_commit_callbacks
):
    old = issued[0]
    client.get("/verify/", {"no": old.number})
    with django_capture_on_commit_callbacks(execute=True):
        new = services.certificate_reissue(actor=issuer.user, certificate=old)
    page = client.get("/verify/", {"no": old.number}).content.decode()
    assert "证书已撤销" in page and new.number in page
    assert "证书有效" in client.get("/verify/", {"no": new.number}).content.decode()


def test_a_repeated_lookup_reads_nothing_from_the_database(
    issued, client, django_assert_max_num_queries
):
    client.get("/verify/", {"no": issued[1].number})
    with django_assert_max_num_queries(0):
        assert client.get("/verify/", {"no": issued[1].number}).status_code == 200


def test_round_hours_show_as_written_not_in_exponent_form(tree, national_admin, client):
    """000's phase 2 counts 20 hours: "20", never Decimal's "2E+1"."""
    programme = programme_from(P000, "c000")
    c = services.certificate_issue(
        actor=national_admin.user,
        enrollment=admit(programme, "p2-f1", PersonFactory(org=tree["hz_school"])),
    )
    page = client.get("/verify/", {"no": c.number}).content.decode()
    assert ">20</dd>" in page and "E+" not in page
    answer = client.post("/api/v1/certificates/verify/", {"number": c.number}).json()
    assert answer["hours"] == "20"


def test_a_first_lookup_costs_one_query_and_shows_everything_the_page_must(
    issued, client, django_assert_num_queries
):
    from django.core.cache import cache

    cache.clear()  # nothing of this number kept: the first lookup of it
    c = issued[2]
    with django_assert_num_queries(1):
        page = client.get("/verify/", {"no": c.number}).content.decode()
    assert "证书有效" in page and c.masked_name in page and c.holder_name not in page
    assert c.programme_title in page and c.title in page and c.issuer in page and ">56</dd>" in page
    assert f"{c.issued_on.year}年{c.issued_on.month}月{c.issued_on.day}日" in page
    # The fixed parts rendered once a process are there: the styles, the offline verifier.
    assert (
        "bootstrap.min" in page and "/verify/offline/" in page and page.rstrip().endswith("</html>")
    )
