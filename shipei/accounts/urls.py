from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("new/", views.person_create, name="person_create"),
    path("export/", views.person_export, name="person_export"),
    path("import/", views.person_import, name="person_import"),
    path("import/template/", views.person_import_template, name="person_import_template"),
    path("me/", views.me, name="me"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
    path("<int:pk>/major-class/", views.major_class_set, name="major_class_set"),
    path("<int:pk>/account/", views.account_open, name="account_open"),
    path("<int:pk>/account/reset/", views.account_reset, name="account_reset"),
    path("<int:pk>/roles/", views.role_assign, name="role_assign"),
    path("<int:pk>/roles/<int:assignment_pk>/revoke/", views.role_revoke, name="role_revoke"),
]
