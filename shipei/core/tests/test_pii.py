import base64

import pytest
from cryptography.exceptions import InvalidTag
from django.test import override_settings

from shipei.core import pii


def test_encrypted_value_reads_back_and_hides_the_plain_text():
    token = pii.encrypt("330106199001011234", context="person.id_number")
    assert "330106" not in token
    assert pii.decrypt(token, context="person.id_number") == "330106199001011234"


def test_same_value_encrypts_differently_each_time():
    assert pii.encrypt("13800000001", context="m") != pii.encrypt("13800000001", context="m")


def test_ciphertext_cannot_be_moved_to_another_column():
    token = pii.encrypt("13800000001", context="person.mobile")
    with pytest.raises(InvalidTag):
        pii.decrypt(token, context="person.id_number")


def test_blind_index_is_stable_keyed_and_column_specific():
    a = pii.blind_index("13800000001", context="person.mobile")
    assert a == pii.blind_index("13800000001", context="person.mobile")
    assert a != pii.blind_index("13800000001", context="person.id_number")
    assert "13800000001" not in a


def test_old_key_still_decrypts_after_rotation_and_new_rows_use_the_new_key():
    old_key = base64.b64encode(b"o" * 32).decode()
    new_key = base64.b64encode(b"n" * 32).decode()
    with override_settings(PII_KEYS=f"k1:{old_key}"):
        pii._keys.cache_clear()
        token = pii.encrypt("secret", context="c")
    try:
        with override_settings(PII_KEYS=f"k2:{new_key},k1:{old_key}"):
            pii._keys.cache_clear()
            assert pii.decrypt(token, context="c") == "secret"
            assert pii.needs_rotation(token)
            assert pii.encrypt("x", context="c").startswith("k2:")
    finally:
        pii._keys.cache_clear()


def test_rotation_command_reencrypts_every_person_with_the_new_key(trainee, settings):
    from io import StringIO

    from django.core.management import call_command

    person = trainee.person
    number, mobile = person._id_number(), person._mobile()
    old = settings.PII_KEYS
    settings.PII_KEYS = f"k9:{base64.b64encode(b'9' * 32).decode()},{old}"
    pii._keys.cache_clear()
    try:
        out = StringIO()
        call_command("rotate_pii_keys", stdout=out)
        assert "重新加密 1 人" in out.getvalue()
        person.refresh_from_db()
        assert person.id_number_cipher.startswith("k9:") and person.mobile_cipher.startswith("k9:")
        assert person._id_number() == number and person._mobile() == mobile
        call_command("rotate_pii_keys", stdout=out)
        assert "重新加密 0 人" in out.getvalue()
    finally:
        pii._keys.cache_clear()


def test_a_value_under_another_key_says_so_instead_of_failing_silently():
    token = pii.encrypt("330106199001011234", context="person.id_number")
    other = base64.b64encode(b"x" * 32).decode()
    try:
        with override_settings(PII_KEYS=f"k1:{other}"):
            pii._keys.cache_clear()
            with pytest.raises(pii.Undecryptable, match="密钥“k1”与数据不符"):
                pii.decrypt(token, context="person.id_number")
        with override_settings(PII_KEYS=f"k7:{other}"):
            pii._keys.cache_clear()
            with pytest.raises(pii.Undecryptable, match="PII_KEYS 中没有这把密钥"):
                pii.decrypt(token, context="person.id_number")
    finally:
        pii._keys.cache_clear()
