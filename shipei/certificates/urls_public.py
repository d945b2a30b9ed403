from django.urls import path

from . import views_public

urlpatterns = [
    path("", views_public.verify, name="verify"),
    path("offline/", views_public.verify_offline, name="verify-offline"),
    path("keys.json", views_public.keys, name="verify-keys"),
    path("status/revocation.json", views_public.status_list, name="verify-status-list"),
]
