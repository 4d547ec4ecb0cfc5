from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "frontline.notices"
    label = "notices"
    verbose_name = "Notices"
