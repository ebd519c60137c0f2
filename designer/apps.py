from django.apps import AppConfig


class DesignerConfig(AppConfig):
    name = "designer"
    verbose_name = "Statewise designer"
    default_auto_field = "django.db.models.BigAutoField"
