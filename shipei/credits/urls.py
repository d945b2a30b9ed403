from django.urls import path, re_path

from . import views

app_name = "credits"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("claims/new/", views.claim_new, name="claim_new"),
    path("claims/<int:pk>/proof/", views.proof, name="proof"),
    path("claims/<int:pk>/decide/", views.decide, name="decide"),
    path("review/", views.review, name="review"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
    path("export.xlsx", views.export, name="export"),
    re_path(
        r"^transcripts/people/(?P<pk>\d+)\.(?P<fmt>xlsx|pdf)$",
        views.transcript_person,
        name="transcript_person",
    ),
    re_path(
        r"^transcripts/classes/(?P<pk>\d+)\.(?P<fmt>xlsx|pdf)$",
        views.transcript_class,
        name="transcript_class",
    ),
]
