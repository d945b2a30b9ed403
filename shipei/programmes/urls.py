from django.urls import path

from . import views, views_items, views_revisions

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_create, name="create"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/edit/", views.programme_edit, name="edit"),
    # The items section lists the items and edits one at a time; the other sections are forms.
    path("<int:pk>/edit/items/", views_items.items_page, name="items"),
    path("<int:pk>/edit/<str:section>/", views.programme_edit_section, name="edit_section"),
    path("<int:pk>/items/new/", views_items.item_new, name="item_new"),
    path("<int:pk>/items/<str:code>/row/", views_items.item_row, name="item_row"),
    path("<int:pk>/items/<str:code>/edit/", views_items.item_edit, name="item_edit"),
    path("<int:pk>/items/<str:code>/remove/", views_items.item_remove, name="item_remove"),
    path("<int:pk>/clone/", views.programme_clone, name="clone"),
    path("<int:pk>/revisions/", views_revisions.revision_list, name="revisions"),
    path("<int:pk>/revisions/<int:number>/", views_revisions.revision_detail, name="revision"),
    path(
        "<int:pk>/revisions/<int:number>/restore/",
        views_revisions.revision_restore,
        name="revision_restore",
    ),
    path("<int:pk>/notice/", views.programme_notice_file, name="notice_file"),
]
