from django.urls import path

from . import views

app_name = "schedule"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("classes/<int:pk>/", views.class_schedule, name="class"),
    path("classes/<int:pk>/add/", views.session_add, name="add"),
    path("classes/<int:pk>/export/", views.class_export, name="export"),
    path("sessions/<int:pk>/", views.session_edit, name="edit"),
    path("sessions/<int:pk>/delete/", views.session_delete, name="delete"),
    path("projects/<int:pk>/resources/", views.resources, name="resources"),
    path("resources/<int:pk>/delete/", views.resource_delete, name="resource_delete"),
]
