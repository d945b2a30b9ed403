from django.contrib import admin
from django.http import HttpRequest

# The Django admin is a superuser's tool; domain roles work in the product's own pages.
admin.site.site_header = "师培 管理后台"
admin.site.site_title = "师培 管理后台"
admin.site.index_title = "超级管理员"


def _superuser_only(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superuser_only
