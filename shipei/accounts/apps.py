from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shipei.accounts"
    label = "accounts"
    verbose_name = "人员与账号"

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.contrib.auth.signals import user_login_failed

        from shipei.core import access

        from . import backends, checks, models, scope  # noqa: F401  (checks: registered on import)

        access.install(scope)
        user_login_failed.connect(backends.count_failure, dispatch_uid="accounts.count_failure")

        # Ciphertexts change on every save (fresh nonce) and say nothing readable: leave them out.
        auditlog.register(
            models.Person,
            exclude_fields=[
                "id_number_cipher",
                "id_number_hash",
                "mobile_cipher",
                "mobile_hash",
                "name_pinyin",
                "updated_at",
            ],
        )
        auditlog.register(models.TeacherProfile)
        auditlog.register(models.RoleAssignment)
        auditlog.register(
            models.User, include_fields=["is_active", "is_superuser", "is_staff", "person"]
        )
