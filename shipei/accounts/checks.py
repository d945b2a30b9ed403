"""The keys against the data: ``shipei check --database default`` (and ``shipei migrate``)
reads one person's ID number back. A database restored without its keys, or started with
another installation's, is an error said plainly, before anyone sees a page fail."""

from typing import Any

from django.core.checks import Error, Tags, register
from django.db import connections

from shipei.core import pii

from .models import ID_CONTEXT, Person


@register(Tags.database)
def pii_keys_read_the_data(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[Error]:
    errors: list[Error] = []
    for alias in databases or ():
        if Person._meta.db_table not in connections[alias].introspection.table_names():
            continue  # not migrated yet: nothing to read
        person = (
            Person.objects.using(alias)
            .only("id_number_cipher", "id_number_hash")
            .order_by("pk")
            .first()
        )
        if person is None:
            continue
        try:
            number = pii.decrypt(person.id_number_cipher, context=ID_CONTEXT)
        except pii.Undecryptable as exc:
            errors.append(Error(str(exc), id="shipei.accounts.E001"))
            continue
        if pii.blind_index(number, context=ID_CONTEXT) != person.id_number_hash:
            errors.append(
                Error(
                    "PII_INDEX_KEY 与数据不符：按身份证号、手机号查找、查重和登录都会失败。",
                    hint="请配置建立这些数据时的 PII_INDEX_KEY（恢复备份时须使用备份时的密钥，"
                    "见 deploy/backup.md）。",
                    id="shipei.accounts.E002",
                )
            )
    return errors
