"""The signed forms: the VC-JWT checks with an independent library against the published keys,
the QR payload with the key id it names; altered or forged, both fail; rotation keeps old ones."""

import json
from io import StringIO

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command

from shipei.certificates import services, signing
from shipei.certificates.signing import b64url, unb64url

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(c004, issuer):
    return services.certificate_issue(actor=issuer.user, enrollment=c004.enrollments[0])


def test_the_credential_is_an_open_badge_that_pyjwt_verifies_with_the_published_key(
    certificate, client
):
    keys = client.get("/verify/keys.json").json()["keys"]
    header = jwt.get_unverified_header(certificate.credential)
    assert header["alg"] == "EdDSA" and header["typ"] == "vc+jwt"
    jwk = next(k for k in keys if k["kid"] == header["kid"])
    key = jwt.PyJWK(jwk).key
    claims = jwt.decode(certificate.credential, key, algorithms=["EdDSA"])
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    subject = claims["credentialSubject"]
    assert subject["achievement"]["name"] == certificate.title
    assert subject["identifier"][0]["identityHash"] == certificate.holder_name
    assert subject["creditsEarned"] == 56.0 and claims["identifier"] == certificate.number
    assert claims["credentialStatus"]["statusListIndex"] == str(certificate.pk)


def test_an_altered_credential_or_payload_does_not_verify(certificate):
    head, body, sig = certificate.credential.split(".")
    claims = json.loads(unb64url(body))
    claims["credentialSubject"]["creditsEarned"] = 560.0
    altered = f"{head}.{b64url(json.dumps(claims).encode())}.{sig}"
    assert signing.jwt_verify(certificate.credential)["identifier"] == certificate.number
    assert signing.jwt_verify(altered) is None
    message, signature = certificate.qr_payload.split(".")
    fields = json.loads(unb64url(message))
    fields[3] = "李四"
    forged = f"{b64url(json.dumps(fields, ensure_ascii=False).encode())}.{signature}"
    assert signing.payload_read(certificate.qr_payload)[1] is True
    assert signing.payload_read(forged) == (fields[2:], False)
    assert signing.payload_read("not a payload") == (None, False)


def test_a_payload_signed_with_a_key_of_our_id_but_not_ours_fails(certificate):
    message = json.dumps([1, signing.current_kid(), certificate.number, "张伟"]).encode()
    stranger = Ed25519PrivateKey.generate().sign(message)
    assert signing.payload_read(f"{b64url(message)}.{b64url(stranger)}")[1] is False


def test_after_a_rotation_the_new_key_signs_and_the_old_still_verifies(certificate, settings):
    old = certificate.qr_payload
    settings.CERT_SIGNING_KEYS = f"{signing.new_key_line('k2')},{settings.CERT_SIGNING_KEYS}"
    assert signing.current_kid() == "k2"
    assert [k["kid"] for k in signing.jwks()["keys"]] == ["k2", "k1"]
    assert signing.payload_read(old)[1] is True
    assert signing.jwt_verify(certificate.credential) is not None
    assert json.loads(unb64url(signing.payload_sign(["x"]).split(".")[0]))[1] == "k2"


def test_the_rotation_command_prints_a_key_and_re_signs_with_the_new_one(certificate, settings):
    out = StringIO()
    call_command("rotate_cert_keys", "--new-key", "k2", stdout=out)
    line = out.getvalue().strip()
    assert line.startswith("k2:")
    settings.CERT_SIGNING_KEYS = f"{line},{settings.CERT_SIGNING_KEYS}"
    out = StringIO()
    call_command("rotate_cert_keys", stdout=out)
    assert "重新签署 1 份证书" in out.getvalue()
    certificate.refresh_from_db()
    assert signing.signed_with(certificate.credential) == "k2"
    assert signing.payload_read(certificate.qr_payload)[1] is True
    out = StringIO()
    call_command("rotate_cert_keys", stdout=out)
    assert "重新签署 0 份证书" in out.getvalue()
