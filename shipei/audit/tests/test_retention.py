"""The audit trail is kept at least 184 days; `shipei prune_audit` deletes what is older."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.utils import timezone

from shipei.accounts.models import Person
from shipei.accounts.tests.factories import PersonFactory
from shipei.audit.checks import audit_retention
from shipei.audit.models import AuditEntry, DisclosedPerson
from shipei.audit.services import record


def _aged(days: int, person: Person) -> AuditEntry:
    entry = record(
        None, "person.revealed", person, field="id_number", disclosed=[(person.pk, person.org_id)]
    )
    AuditEntry.objects.filter(pk=entry.pk).update(created_at=timezone.now() - timedelta(days=days))
    return entry


def _change_aged(days: int, person: Person) -> LogEntry:
    change = LogEntry.objects.filter(object_pk=str(person.pk)).latest("pk")
    LogEntry.objects.filter(pk=change.pk).update(timestamp=timezone.now() - timedelta(days=days))
    return change


@pytest.fixture
def aged(tree):
    """An entry (with its disclosed person) and a field change each 183 and 185 days old."""
    young, old = PersonFactory(org=tree["hz_school"]), PersonFactory(org=tree["hz_school"])
    return {
        "young": (_aged(183, young), _change_aged(183, young)),
        "old": (_aged(185, old), _change_aged(185, old)),
    }


def test_prune_deletes_what_is_older_than_184_days_and_keeps_what_is_younger(aged, capsys):
    call_command("prune_audit", "--older-than-days", "184")

    young_entry, young_change = aged["young"]
    old_entry, old_change = aged["old"]
    assert AuditEntry.objects.filter(pk=young_entry.pk).exists()
    assert LogEntry.objects.filter(pk=young_change.pk).exists()
    assert not AuditEntry.objects.filter(pk=old_entry.pk).exists()
    assert not LogEntry.objects.filter(pk=old_change.pk).exists()
    assert not DisclosedPerson.objects.filter(entry_id=old_entry.pk).exists()
    assert "已删除 1 条审计记录和 1 条字段变更记录" in capsys.readouterr().out


def test_prune_refuses_fewer_than_184_days_and_deletes_nothing(aged):
    before = (AuditEntry.objects.count(), LogEntry.objects.count())

    with pytest.raises(CommandError, match=r"审计记录须保留至少 184 天.*183 天太短"):
        call_command("prune_audit", "--older-than-days", "183")

    assert (AuditEntry.objects.count(), LogEntry.objects.count()) == before


def test_prune_takes_the_configured_age_and_refuses_one_below_184_days(aged, settings):
    settings.AUDIT_RETENTION_DAYS = 100
    with pytest.raises(CommandError, match="100 天太短"):
        call_command("prune_audit")
    assert AuditEntry.objects.filter(pk=aged["old"][0].pk).exists()
    [error] = audit_retention()
    assert error.id == "shipei.audit.E001" and "AUDIT_RETENTION_DAYS=100" in error.msg

    settings.AUDIT_RETENTION_DAYS = 184
    assert audit_retention() == []
    call_command("prune_audit")
    assert not AuditEntry.objects.filter(pk=aged["old"][0].pk).exists()
    assert AuditEntry.objects.filter(pk=aged["young"][0].pk).exists()


def test_a_dry_run_counts_and_deletes_nothing(aged, capsys):
    before = (AuditEntry.objects.count(), LogEntry.objects.count())

    call_command("prune_audit", "--older-than-days", "184", "--dry-run")

    assert "将删除 1 条审计记录和 1 条字段变更记录" in capsys.readouterr().out
    assert (AuditEntry.objects.count(), LogEntry.objects.count()) == before
