from django.urls import path

from . import views, views_review

app_name = "projects"
urlpatterns = [
    path("projects/", views.project_list, name="list"),
    path("projects/new/", views.project_create, name="create"),
    path("projects/review/", views_review.review_queue, name="queue"),
    path("projects/review/publish/", views_review.publish_batch, name="publish_batch"),
    path("projects/reviews/", views_review.review_list, name="reviews"),
    path("projects/reviews/<int:pk>/", views_review.review_detail, name="review"),
    path("projects/<int:pk>/", views.project_detail, name="detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="edit"),
    path("projects/<int:pk>/submit/", views.project_submit, name="submit"),
    path("projects/<int:pk>/experts/", views.project_assign, name="assign"),
    path("projects/<int:pk>/decide/", views.project_decide, name="decide"),
    path("projects/<int:pk>/publish/", views.project_publish, name="publish"),
    path("projects/<int:pk>/cancel/", views.project_cancel, name="cancel"),
    path("projects/<int:pk>/advance/<str:to>/", views.project_advance, name="advance"),
    path(
        "projects/<int:pk>/attachments/<int:att_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "projects/<int:pk>/attachments/<int:att_pk>/delete/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<int:pk>/", views.catalogue_detail, name="catalogue_detail"),
]
