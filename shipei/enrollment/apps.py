import datetime

from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    # Not registered with auditlog: every change is already an EnrollmentEvent and an audit
    # entry, and a third copy on the busiest write path cost time in the enrollment burst.
    name = "shipei.enrollment"
    label = "enrollment"
    verbose_name = "报名"

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from shipei.audit import describe
        from shipei.classes.signals import class_started
        from shipei.notifications import schedule
        from shipei.programmes.models import PrintedTable, Programme
        from shipei.programmes.selectors import ITEM_USERS
        from shipei.projects.models import Project
        from shipei.projects.signals import project_cancelled, project_started

        from . import (
            audit_describers,
            outbox,
            reminders,
            selectors,
            services,
            terms,
            training,
            weights,
        )

        ITEM_USERS.append(selectors.items_with_enrollments)
        weights.register_sources()  # admitted and completed counts as quota weights

        def end_enrollments(
            sender: type, actor: object, project: object, reason: str, **kw: object
        ):
            services.enrollments_end_for_project(actor=actor, project=project, reason=reason)

        # Held strongly: a local function would be gone when ready() returns.
        project_cancelled.connect(end_enrollments, weak=False, dispatch_uid="enrollment.end")

        # The training begins: the class's (or the project's) admitted trainees attend it.
        def class_attended(sender: type, actor: object, training_class: object, **kw: object):
            training.enrollments_attend(actor=actor, training_class=training_class)

        def project_attended(sender: type, actor: object, project: object, **kw: object):
            training.enrollments_attend(actor=actor, project=project)

        class_started.connect(class_attended, weak=False, dispatch_uid="enrollment.attend_class")
        project_started.connect(
            project_attended, weak=False, dispatch_uid="enrollment.attend_project"
        )

        describe.register("enrollment.enrollment", audit_describers.describe_enrollments)

        # The field classes kept for major-match rules (terms.field_classes): at once for this
        # thread, and again after the commit, or another thread could keep what it read before.
        def forget_field_classes(sender: type, **kw: object) -> None:
            terms.forget_field_classes()
            transaction.on_commit(terms.forget_field_classes)

        for model in (Project, PrintedTable, Programme):
            for signal in (post_save, post_delete):
                # A local function: held strongly, or it would be gone when ready() returns.
                signal.connect(
                    forget_field_classes, sender=model, weak=False, dispatch_uid="field_classes"
                )

        # Reminders are recorded as sent, so a shorter interval only makes them go out sooner
        # after a deadline comes into range. Notices are delivered within seconds of each
        # commit; the sweep delivers any whose delivery was lost (a worker stopped mid-run, a
        # task that could not be queued) at every run of the schedule.
        hourly = datetime.timedelta(hours=1)
        schedule.register(
            "approval_deadline_reminders", every=hourly, run=reminders.remind_approval_deadlines
        )
        schedule.register(
            "registration_closing_reminders",
            every=hourly,
            run=reminders.remind_registration_closing,
        )
        schedule.register(
            "enrollment_notices", every=datetime.timedelta(minutes=1), run=outbox.notices_deliver
        )
