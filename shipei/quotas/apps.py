from django.apps import AppConfig


class QuotasConfig(AppConfig):
    name = "shipei.quotas"
    label = "quotas"
    verbose_name = "名额"

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from shipei.audit import describe
        from shipei.programmes.selectors import ITEM_USERS
        from shipei.programmes.signals import programme_cloned

        from . import audit_describers, carry, models, seats, selectors

        ITEM_USERS.append(selectors.items_with_quotas)

        def copy_quotas(
            sender: type,
            actor: object,
            source: object,
            clone: object,
            copy_quotas: int | None,
            **kw: object,
        ) -> None:
            if copy_quotas:
                carry.quota_copy(actor=actor, source=source, target=clone, percent=copy_quotas)

        # Held strongly: a local function would be gone when ready() returns.
        programme_cloned.connect(copy_quotas, weak=False, dispatch_uid="quotas.copy")
        describe.register("quotas.quota", audit_describers.describe_quotas)

        def forget(
            sender: type, instance: models.Quota, created: bool = True, **kw: object
        ) -> None:
            if created:  # a new or removed row; a counter's change covers no one else
                # After the commit, or another thread could keep what it read before it.
                transaction.on_commit(seats.forget_covering)

        # A local function: held strongly, or it would be gone when ready() returns.
        post_save.connect(forget, sender=models.Quota, weak=False, dispatch_uid="covering")
        post_delete.connect(forget, sender=models.Quota, weak=False, dispatch_uid="covering")
