from django.urls import path

from . import views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_create, name="create"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/edit/", views.programme_edit, name="edit"),
    path("<int:pk>/edit/<str:section>/", views.programme_edit_section, name="edit_section"),
    path("<int:pk>/clone/", views.programme_clone, name="clone"),
    path("<int:pk>/notice/", views.programme_notice_file, name="notice_file"),
]
