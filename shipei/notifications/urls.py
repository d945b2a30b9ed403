from django.urls import path

from . import views, views_calendar

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list_view, name="list"),
    path("read-all/", views.notification_read_all_view, name="read_all"),
    path("<int:pk>/read/", views.notification_read_view, name="read"),
    path("<int:pk>/open/", views.notification_open_view, name="open"),
    path("calendar/", views_calendar.calendar_view, name="calendar"),
    path("calendar/feed/", views_calendar.feed_reset, name="feed_reset"),
    path("calendar/feed/revoke/", views_calendar.feed_revoke, name="feed_revoke"),
]
