"""People as .xlsx: a full export is audited with the people it held."""

from shipei.accounts import exports
from shipei.accounts.models import Person
from shipei.accounts.tests.factories import PersonFactory
from shipei.audit.models import AuditEntry


def test_a_full_export_lists_in_its_audit_entry_exactly_the_people_it_held(
    client, city_admin, tree
):
    inside = PersonFactory(org=tree["hz_school"], name="杭州甲")
    outside = PersonFactory(org=tree["nj_school"], name="南京乙")
    client.force_login(city_admin.user)

    client.get("/people/export/")  # masked: nobody's number shown, nobody listed
    assert not AuditEntry.objects.filter(action="person.exported_full").exists()
    client.get("/people/export/", {"full": "1"})

    entry = AuditEntry.objects.get(action="person.exported_full")
    listed = {d.person_id: d.org_id for d in entry.disclosed.all()}
    in_scope = Person.objects.filter(org__path__startswith=tree["hz"].path)
    assert set(listed) == set(in_scope.values_list("pk", flat=True))
    assert listed[inside.pk] == tree["hz_school"].pk and outside.pk not in listed
    assert entry.data["count"] == len(listed)


def test_a_full_export_of_a_selection_lists_only_the_selection(zhejiang_admin, tree):
    chosen = PersonFactory(org=tree["hz_school"], name="选中者")
    PersonFactory(org=tree["hz_school"], name="未选者")

    exports.person_export(
        actor=zhejiang_admin.user, people=Person.objects.filter(name="选中者"), full=True
    )

    entry = AuditEntry.objects.get(action="person.exported_full")
    assert [d.person_id for d in entry.disclosed.all()] == [chosen.pk]
