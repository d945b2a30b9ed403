from django.urls import include, path

app_name = "enrollment"
urlpatterns = [
    path("", include("shipei.enrollment.urls_pages")),
    path("", include("shipei.enrollment.urls_io")),
]
