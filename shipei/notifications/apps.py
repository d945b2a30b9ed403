from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "shipei.notifications"
    label = "notifications"
    verbose_name = "消息"
