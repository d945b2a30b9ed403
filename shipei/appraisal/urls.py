from django.urls import path

from . import views

app_name = "appraisal"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.programme_page, name="programme"),
    path("<int:pk>/compute/", views.compute, name="compute"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/export.xlsx", views.export, name="export"),
]
