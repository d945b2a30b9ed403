from django.urls import path

from . import views, views_plans

app_name = "classes"
urlpatterns = [
    path("", views.class_list, name="list"),
    path("new/", views.class_unplanned, name="unplanned"),
    path("review/", views_plans.review_queue, name="queue"),
    path("plans/", views_plans.plan_list, name="plans"),
    path("plans/new/", views_plans.plan_create, name="plan_create"),
    path("plans/export/", views_plans.plans_export, name="plans_export"),
    path("plans/<int:pk>/", views_plans.plan_detail, name="plan"),
    path("plans/<int:pk>/decide/", views_plans.plan_decide, name="plan_decide"),
    path("plans/<int:pk>/export/", views_plans.plan_export, name="plan_export"),
    path("plans/<int:pk>/import/", views_plans.plan_import, name="plan_import"),
    path("amendments/<int:pk>/decide/", views.amendment_decide, name="amendment_decide"),
    path("amendments/<int:pk>/record/", views.amendment_record, name="amendment_record"),
    path("amendments/<int:pk>/scan/", views.amendment_scan, name="amendment_scan"),
    path("<int:pk>/", views.class_detail, name="detail"),
    path("<int:pk>/move/<str:to>/", views.class_move, name="move"),
    path("<int:pk>/plan/", views.class_file_plan, name="file_plan"),
    path("<int:pk>/review/", views.class_review, name="review"),
    path("<int:pk>/record/", views.class_record, name="record"),
    path("<int:pk>/cancel/", views.class_cancel, name="cancel"),
    path("<int:pk>/except/", views.class_except, name="except"),
    path("<int:pk>/amend/", views.amendment_request, name="amend"),
]
