from django.urls import path

from . import views, views_bank, views_trainee

app_name = "assessment"

urlpatterns = [
    path("", views.class_list, name="classes"),
    path("classes/<int:pk>/", views.class_detail, name="class"),
    path("classes/<int:pk>/sheet/<str:code>/", views.score_sheet, name="sheet"),
    path("classes/<int:pk>/export/", views.export, name="export"),
    path("essays/<int:pk>/", views.essay_detail, name="essay"),
    path("scores/<int:pk>/correct/", views.correct, name="correct"),
    path("enrollments/<int:pk>/<str:code>/retry/", views.retry, name="retry"),
    path("mine/", views_trainee.mine, name="mine"),
    path("mine/<int:pk>/<str:code>/essay/", views_trainee.essay_write, name="essay_write"),
    path("mine/<int:pk>/<str:code>/test/", views_trainee.test_start, name="test_start"),
    path("papers/<int:pk>/", views_trainee.paper_view, name="paper"),
    path("programmes/<int:pk>/questions/", views_bank.bank, name="bank"),
    path("programmes/<int:pk>/questions/template/", views_bank.bank_template, name="bank_template"),
    path("programmes/<int:pk>/questions/import/", views_bank.bank_import, name="bank_import"),
]
