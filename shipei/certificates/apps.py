import datetime

from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "shipei.certificates"
    label = "certificates"
    verbose_name = "结业证书"

    def ready(self) -> None:
        from shipei.assessment import exports
        from shipei.notifications import schedule

        from . import batches, selectors

        exports.register_certificate_number(selectors.number_of)

        # A batch whose worker was killed goes on within minutes, from where it stopped.
        schedule.register(
            "certificate_batches_resume",
            every=datetime.timedelta(minutes=1),
            run=batches.batches_resume,
        )
