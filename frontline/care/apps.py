from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "frontline.care"
    label = "care"
    verbose_name = "Care"
