from django.apps import AppConfig


class MobilizationConfig(AppConfig):
    name = "frontline.mobilization"
    label = "mobilization"
    verbose_name = "Mobilization"
