"""``shipei check --database default`` reads one person's ID number back with the keys."""

import base64

import pytest

from shipei.accounts.checks import pii_keys_read_the_data
from shipei.accounts.tests.factories import PersonFactory
from shipei.core import pii

OTHER = base64.urlsafe_b64encode(b"o" * 32).decode()


@pytest.fixture
def fresh_keys():
    """The keys are read once per process: read them again after the test's."""
    yield
    pii._keys.cache_clear()


def test_the_keys_that_wrote_the_data_pass(tree):
    assert pii_keys_read_the_data(databases=["default"]) == []  # nobody registered yet
    PersonFactory(org=tree["hz_school"])
    assert pii_keys_read_the_data(databases=["default"]) == []
    assert pii_keys_read_the_data() == []  # without --database, no query at all


def test_another_encryption_key_is_named_as_the_one_that_does_not_fit(tree, settings, fresh_keys):
    PersonFactory(org=tree["hz_school"])
    settings.PII_KEYS = f"k1:{OTHER}"
    pii._keys.cache_clear()

    [error] = pii_keys_read_the_data(databases=["default"])

    assert error.id == "shipei.accounts.E001"
    assert "PII_KEYS 中的密钥“k1”与数据不符" in error.msg


def test_another_index_key_is_said_to_break_lookups_and_logins(tree, settings):
    PersonFactory(org=tree["hz_school"])
    settings.PII_INDEX_KEY = OTHER

    [error] = pii_keys_read_the_data(databases=["default"])

    assert error.id == "shipei.accounts.E002" and "登录都会失败" in error.msg
