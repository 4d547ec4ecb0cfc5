from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "frontline.areas"
    label = "areas"
