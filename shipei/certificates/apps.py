import datetime

from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "shipei.certificates"
    label = "certificates"
    verbose_name = "结业证书"

    def ready(self) -> None:
        from shipei.assessment import exports
        from shipei.assessment.signals import attempt_decided
        from shipei.classes.signals import class_closed
        from shipei.notifications import schedule
        from shipei.projects.signals import project_completed

        from . import batches, completion, selectors

        exports.register_certificate_number(selectors.number_of)

        # The training ends: each trainee has completed it (已结业) or not (未结业).
        class_closed.connect(
            completion.on_class_closed, weak=False, dispatch_uid="certificates.complete_class"
        )
        project_completed.connect(
            completion.on_project_completed,
            weak=False,
            dispatch_uid="certificates.complete_project",
        )
        attempt_decided.connect(
            completion.on_attempt_decided, weak=False, dispatch_uid="certificates.recomplete"
        )

        # Items run without classes or projects move by their training window's dates.
        schedule.register(
            "training_items_progress",
            every=datetime.timedelta(minutes=10),
            run=completion.items_progress,
        )

        # A batch whose worker was killed goes on within minutes, from where it stopped.
        schedule.register(
            "certificate_batches_resume",
            every=datetime.timedelta(minutes=1),
            run=batches.batches_resume,
        )
