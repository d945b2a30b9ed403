"""Enrollment pages: the teacher's, the school coordinator's and the approvers'."""

from django.urls import path

from . import views, views_application, views_detail, views_no_show, views_teacher

urlpatterns = [
    path("", views.enrollment_list, name="list"),
    path("mine/", views.my_enrollments, name="mine"),
    path("apply/", views_teacher.apply, name="apply"),
    path("apply/class/<int:pk>/", views_application.apply_class, name="apply_class"),
    path(
        "class/<int:pk>/applications/",
        views_application.class_applications,
        name="class_applications",
    ),
    path(
        "class/<int:pk>/applications.xlsx",
        views_application.class_applications_xlsx,
        name="class_applications_xlsx",
    ),
    path("<int:pk>/application/", views_application.application_detail, name="application"),
    path("<int:pk>/application.xlsx", views_application.application_xlsx, name="application_xlsx"),
    path("catalogue/<int:pk>/apply/", views_teacher.catalogue_apply, name="catalogue_apply"),
    path("nominate/", views.nominate, name="nominate"),
    path("awaiting/", views.awaiting, name="awaiting"),
    path("awaiting/decide/", views.decide_batch, name="decide_batch"),
    path("<int:pk>/", views_detail.detail, name="detail"),
    path("<int:pk>/decide/", views_detail.decide, name="decide"),
    path("<int:pk>/withdraw/", views_detail.withdraw, name="withdraw"),
    path("<int:pk>/resubmit/", views_detail.resubmit, name="resubmit"),
    path("admitted/", views_no_show.admitted, name="admitted"),
    path("<int:pk>/no-show/", views_no_show.no_show, name="no_show"),
]
