from django.apps import AppConfig


class EpidemicConfig(AppConfig):
    name = "frontline.epidemic"
    label = "epidemic"
    verbose_name = "Epidemic"
