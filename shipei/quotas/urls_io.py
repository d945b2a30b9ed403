"""Quota table export and import, under /programmes/<programme_pk>/quotas/ (namespace quotas)."""

from django.urls import path

from . import views_io

urlpatterns = [
    path("export/", views_io.quota_export, name="export"),
    path("import/", views_io.quota_import, name="import"),
]
