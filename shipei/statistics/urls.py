from django.urls import path

from . import views_annual

app_name = "statistics"

urlpatterns: list = [
    # The annual summary (views_annual.py)
    path("annual/", views_annual.annual_page, name="annual"),
    path("annual/download/", views_annual.annual_download, name="annual_download"),
    path("annual/api/", views_annual.AnnualApi.as_view(), name="annual_api"),
]
