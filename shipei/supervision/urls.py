from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.index, name="index"),
    path("draw/", views.draw, name="draw"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reproduce/", views.reproduce, name="reproduce"),
    path("<int:pk>/export/", views.export, name="export"),
    path("<int:pk>/assign/", views.assign_many, name="assign"),
    path("inspections/<int:pk>/", views.inspection, name="inspection"),
    path("inspections/<int:pk>/files/<int:file_pk>/", views.file_download, name="file"),
]
