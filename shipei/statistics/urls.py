from django.urls import path

from . import api, views

app_name = "statistics"

urlpatterns: list = [
    # Dashboards (issue 18): the page, its exports (?export=<table>) and its API.
    path("", views.dashboard_view, name="dashboard"),
    path("api/figures/", api.FiguresView.as_view(), name="api_figures"),
]
