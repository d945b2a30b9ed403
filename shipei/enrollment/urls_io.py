"""Enrollment imports and exports: participant lists in the notices' layouts (views_io.py)."""

from django.urls import path

from . import views_io, views_lists

urlpatterns = [
    path(
        "programmes/<int:programme_pk>/import/participants/",
        views_io.import_003,
        name="import_003",
    ),
    path(
        "programmes/<int:programme_pk>/import/signup-table/",
        views_io.import_001,
        name="import_001",
    ),
    path(
        "programmes/<int:programme_pk>/import/template/<str:layout>/",
        views_io.import_template,
        name="import_template",
    ),
    path("import/progress/<str:token>/", views_io.import_progress, name="import_progress"),
    path("programmes/<int:programme_pk>/lists/", views_io.exports_page, name="io_exports"),
    path(
        "programmes/<int:programme_pk>/export/summary/",
        views_io.export_summary_000,
        name="export_summary_000",
    ),
    path(
        "programmes/<int:programme_pk>/export/summary/contacts/",
        views_io.summary_contacts,
        name="summary_contacts",
    ),
    path(
        "programmes/<int:programme_pk>/export/participants/",
        views_io.export_list_003,
        name="export_list_003",
    ),
    path("classes/<int:class_pk>/roster/", views_io.export_roster, name="export_roster"),
    path("lists/", views_lists.list_index, name="lists"),
    path("lists/<int:pk>/", views_lists.list_detail, name="list_detail"),
    path("lists/<int:pk>/scan/", views_lists.list_scan, name="list_scan"),
    path("lists/<int:pk>/<str:action>/", views_lists.list_act, name="list_act"),
]
