from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    # Not registered with auditlog: every change is already an EnrollmentEvent and an audit
    # entry, and a third copy on the busiest write path cost time in the enrollment burst.
    name = "shipei.enrollment"
    label = "enrollment"
    verbose_name = "报名"

    def ready(self) -> None:
        from shipei.audit import describe
        from shipei.programmes.selectors import ITEM_USERS
        from shipei.projects.signals import project_cancelled

        from . import audit_describers, selectors, services

        ITEM_USERS.append(selectors.items_with_enrollments)

        def end_enrollments(
            sender: type, actor: object, project: object, reason: str, **kw: object
        ):
            services.enrollments_end_for_project(actor=actor, project=project, reason=reason)

        # Held strongly: a local function would be gone when ready() returns.
        project_cancelled.connect(end_enrollments, weak=False, dispatch_uid="enrollment.end")

        describe.register("enrollment.enrollment", audit_describers.describe_enrollments)
