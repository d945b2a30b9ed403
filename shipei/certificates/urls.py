from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/credential.json", views.credential_json, name="credential"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("<int:pk>/reissue/", views.reissue, name="reissue"),
    path("issue/<int:enrollment_pk>/", views.issue, name="issue"),
    path("<str:kind>/<int:pk>/", views.scope_page, name="scope"),
    path("<str:kind>/<int:pk>/batch/", views.batch_start, name="batch_start"),
    path("<str:kind>/<int:pk>/batch/progress/", views.batch_progress, name="batch_progress"),
    path("<str:kind>/<int:pk>/certificates.zip", views.download_zip, name="zip"),
]
