from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    # Not registered with auditlog: every change is already an EnrollmentEvent and an audit
    # entry, and a third copy on the busiest write path cost time in the enrollment burst.
    name = "shipei.enrollment"
    label = "enrollment"
    verbose_name = "报名"

    def ready(self) -> None:
        from shipei.audit import describe

        from . import audit_describers

        describe.register("enrollment.enrollment", audit_describers.describe_enrollments)
        describe.register("quotas.quota", audit_describers.describe_quotas)
