import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import ProtectedError

from shipei.accounts.models import User
from shipei.accounts.tests.factories import PersonFactory
from shipei.audit.models import AuditEntry
from shipei.audit.services import record


def _account(tree) -> User:
    person = PersonFactory(org=tree["hz_school"], name="王审计")
    return User.objects.create_user(f"p{person.pk}", "Secret123", person=person)


def test_an_account_that_acted_cannot_be_deleted_and_its_entries_keep_who_acted(tree):
    user = _account(tree)
    record(user, "org.alias_added", tree["hz_school"], alias="中策职校")

    with pytest.raises(ProtectedError), transaction.atomic():
        user.delete()

    entry = AuditEntry.objects.get(action="org.alias_added")
    assert entry.actor == user and entry.actor_name == "王审计"


def test_an_account_named_only_in_the_field_history_is_kept_too(tree):
    user = _account(tree)
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(User),
        object_pk=str(user.pk),
        object_repr=str(user),
        action=LogEntry.Action.UPDATE,
        actor=user,
    )

    with pytest.raises(ProtectedError, match="请改为停用该账号"), transaction.atomic():
        user.delete()

    assert LogEntry.objects.filter(actor=user).exists()


def test_an_account_that_never_acted_can_still_be_deleted(tree):
    user = _account(tree)

    user.delete()

    assert not User.objects.filter(pk=user.pk).exists()
