from django.utils.translation import gettext_lazy as _

from shipei.core.errors import DomainError


class RetentionTooShort(DomainError):
    code = "retention_too_short"
    template = _(
        "审计记录须保留至少 %(min)s 天（《网络安全法》要求网络日志留存不少于六个月），"
        "%(days)s 天太短，未删除任何记录。"
    )
