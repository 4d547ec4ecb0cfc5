from django.apps import AppConfig


class GridConfig(AppConfig):
    name = "frontline.grid"
    label = "grid"
