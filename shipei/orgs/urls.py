from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_list, name="list"),
    path("new/", views.org_create, name="create"),
    path("export/", views.org_export, name="export"),
    path("import/", views.org_import, name="import"),
    path("import/template/", views.org_import_template, name="import_template"),
    path("regions/", views.region_list, name="regions"),
    path("<int:pk>/", views.org_detail, name="detail"),
    path("<int:pk>/edit/", views.org_edit, name="edit"),
    path("<int:pk>/active/", views.org_set_active, name="set_active"),
    path("<int:pk>/aliases/", views.org_alias_add, name="alias_add"),
    path("<int:pk>/aliases/<int:alias_pk>/delete/", views.org_alias_remove, name="alias_remove"),
    path("<int:pk>/designations/", views.org_designation_add, name="designation_add"),
    path(
        "<int:pk>/designations/<int:designation_pk>/delete/",
        views.org_designation_remove,
        name="designation_remove",
    ),
]
