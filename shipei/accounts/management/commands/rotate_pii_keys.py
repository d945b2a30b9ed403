"""Re-encrypt ID numbers and mobiles with the current key (the first one in PII_KEYS).

Rotation: put the new key first in PII_KEYS (keep the old one after it), deploy, run this
command, then drop the old key. Safe to run again; blind indexes do not change.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from shipei.accounts.models import ID_CONTEXT, MOBILE_CONTEXT, Person
from shipei.core import pii


class Command(BaseCommand):
    help = "用当前密钥重新加密身份证号和手机号（密钥轮换后执行，可重复执行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        done = 0
        batch: list[Person] = []
        for person in Person.objects.only("pk", "id_number_cipher", "mobile_cipher").iterator(
            chunk_size=2000
        ):
            changed = False
            for field, context in (
                ("id_number_cipher", ID_CONTEXT),
                ("mobile_cipher", MOBILE_CONTEXT),
            ):
                token = getattr(person, field)
                if token and pii.needs_rotation(token):
                    plain = pii.decrypt(token, context=context)
                    setattr(person, field, pii.encrypt(plain, context=context))
                    changed = True
            if changed:
                batch.append(person)
            if len(batch) >= 2000:
                done += self._save(batch)
        done += self._save(batch)
        self.stdout.write(f"已用当前密钥重新加密 {done} 人的个人信息。")

    @transaction.atomic
    def _save(self, batch: list[Person]) -> int:
        count = len(batch)
        Person.objects.bulk_update(batch, ["id_number_cipher", "mobile_cipher"])
        batch.clear()
        return count
