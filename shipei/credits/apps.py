from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "shipei.credits"
    label = "credits"
    verbose_name = "继续教育学时"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from shipei.certificates.models import Certificate

        from . import services

        # Every save of a certificate (issued one by one or in a batch, re-signed, revoked)
        # brings its ledger entry in line: one idempotent receiver covers every path.
        post_save.connect(
            services.certificate_saved, sender=Certificate, dispatch_uid="credits.certificate"
        )
