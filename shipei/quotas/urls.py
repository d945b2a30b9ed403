from django.urls import include, path

from . import views

app_name = "quotas"
urlpatterns = [
    path("", views.quota_matrix, name="matrix"),
    path("", include("shipei.quotas.urls_io")),
]
