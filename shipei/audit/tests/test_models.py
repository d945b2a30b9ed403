"""Every action the apps record has Chinese words in the log; each entry names who acted."""

import ast
from pathlib import Path

from shipei.accounts.models import User
from shipei.accounts.tests.factories import PersonFactory
from shipei.audit.models import ACTION_GROUPS, ACTION_LABELS, AuditEntry
from shipei.audit.services import record

SHIPEI = Path(__file__).resolve().parents[2]
# Made at run time as f"project.{to}" from projects.services.DECISIONS. The enrollment.<event>
# codes are made too, from the events passed to enrollment.events.record_event/event_rows: the
# scan finds those. An attempt's result is f"assessment.{to}" (assessment.lifecycle).
DECIDED = {
    "project.approved",
    "project.returned",
    "project.rejected",
    "assessment.passed",
    "assessment.failed",
}


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _strings(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):  # "quota.allocated" if before is None else "quota.changed"
        return _strings(node.body) + _strings(node.orelse)
    return []


def recorded_codes() -> tuple[set[str], set[str]]:
    """(codes written literally, prefixes of codes made by f-strings) in the apps' sources."""
    codes: set[str] = set()
    prefixes: set[str] = set()
    for path in SHIPEI.rglob("*.py"):
        if {"tests", "migrations"} & set(path.relative_to(SHIPEI).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node)
            action = None
            if name in ("record", "entry_for") and len(node.args) >= 2:
                action = node.args[1]
            elif name == "move":  # a lifecycle's move names its audit code (audit.lifecycle)
                action = next((k.value for k in node.keywords if k.arg == "action"), None)
            if action is not None:
                if isinstance(action, ast.JoinedStr):
                    first = action.values[0]
                    prefixes.add(first.value if isinstance(first, ast.Constant) else "")
                codes.update(_strings(action))
            elif name in ("record_event", "event_rows") and len(node.args) >= 3:
                codes.update(f"enrollment.{event}" for event in _strings(node.args[2]))
    return codes, prefixes


def test_every_action_code_the_apps_record_has_a_chinese_label() -> None:
    codes, prefixes = recorded_codes()

    assert len(codes) > 50  # the scan found the calls
    assert prefixes == {
        "project.",
        "enrollment.",
        "assessment.",
    }  # a new kind of made-up code: list it above
    assert (codes | DECIDED) - set(ACTION_LABELS) == set()
    assert {code.split(".")[0] for code in ACTION_LABELS} == set(ACTION_GROUPS)


def test_an_entry_names_who_acted_even_after_the_account_is_given_to_another_person(tree):
    first = PersonFactory(org=tree["hz_school"], name="李先")
    user = User.objects.create_user("shared-login", "Secret123", person=first)
    record(user, "org.alias_added", tree["hz_school"], alias="中策职校")
    user.person = PersonFactory(org=tree["hz_school"], name="赵后")
    user.save()

    entry = AuditEntry.objects.select_related("actor__person").get(action="org.alias_added")
    assert entry.actor_name == "李先"
    record(user, "org.alias_removed", tree["hz_school"], alias="中策职校")
    assert AuditEntry.objects.get(action="org.alias_removed").actor_name == "赵后"
