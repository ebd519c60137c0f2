from django.apps import AppConfig


class ServingConfig(AppConfig):
    name = "designer.serving"
    label = "serving"
    verbose_name = "Statewise serving"
