from django.urls import path

from . import api, views, views_annual

app_name = "statistics"

urlpatterns: list = [
    # The annual summary (views_annual.py)
    path("annual/", views_annual.annual_page, name="annual"),
    path("annual/download/", views_annual.annual_download, name="annual_download"),
    path("annual/api/", views_annual.AnnualApi.as_view(), name="annual_api"),
    # Dashboards (issue 18): the page, its exports (?export=<table>) and its API.
    path("", views.dashboard_view, name="dashboard"),
    path("api/figures/", api.FiguresView.as_view(), name="api_figures"),
]
