from django.apps import AppConfig


class SuitesConfig(AppConfig):
    name = "designer.suites"
    label = "suites"
    verbose_name = "Test suites"
    default_auto_field = "django.db.models.BigAutoField"
