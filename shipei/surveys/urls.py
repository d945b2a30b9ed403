from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.index, name="index"),
    path("open/", views.open_survey, name="open"),
    path("results/", views.results_page, name="results"),
    path("<int:pk>/", views.fill, name="fill"),
    path("<int:pk>/close/", views.close, name="close"),
    path("templates/<int:programme_pk>/<str:code>/", views.template, name="template"),
]
