from django.urls import path

from . import views

app_name = "attendance"

urlpatterns = [
    path("", views.class_list, name="classes"),
    path("classes/<int:pk>/", views.class_detail, name="class"),
    path("classes/<int:pk>/export/<str:kind>/", views.export, name="export"),
    path("classes/<int:pk>/import/", views.import_sheet, name="import"),
    path("sessions/<int:pk>/grid/", views.grid, name="grid"),
    path("sessions/<int:pk>/screen/", views.screen, name="screen"),
    # What the room's code holds: short, so that the code stays small enough to scan from afar.
    path("c/<int:pk>/<int:slot>/<str:sig>/", views.check_in, name="check_in"),
]
