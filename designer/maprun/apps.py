from django.apps import AppConfig


class MapRunConfig(AppConfig):
    name = "designer.maprun"
    label = "maprun"
    verbose_name = "Distributed Map children"
    default_auto_field = "django.db.models.BigAutoField"
