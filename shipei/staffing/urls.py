from django.urls import path

from . import views

app_name = "staffing"
urlpatterns = [
    path("pool/", views.pool, name="pool"),
    path("pool/new/", views.teacher_create, name="teacher_create"),
    path("pool/import/", views.pool_import, name="pool_import"),
    path("pool/import/template/", views.pool_import_template, name="pool_import_template"),
    path("pool/export/", views.pool_export, name="pool_export"),
    path("pool/<int:pk>/", views.teacher_detail, name="teacher_detail"),
    path("pool/<int:pk>/edit/", views.teacher_edit, name="teacher_edit"),
    path("classes/", views.class_list, name="classes"),
    path("classes/<int:pk>/", views.class_staffing, name="class"),
    path("classes/<int:pk>/preferences/", views.class_preferences, name="class_preferences"),
    path("classes/<int:pk>/recommend/", views.class_recommend, name="class_recommend"),
    path("assignments/<int:pk>/invite/", views.assignment_invite, name="invite"),
    path("assignments/<int:pk>/withdraw/", views.assignment_withdraw, name="withdraw"),
    path("plan/", views.plan, name="plan"),
    path("plan/runs/<int:pk>/", views.run_detail, name="run"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/accept/", views.my_accept, name="accept"),
    path("mine/<int:pk>/decline/", views.my_decline, name="decline"),
]
