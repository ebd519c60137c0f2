from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    name = "designer.glossary"
    label = "glossary"
    verbose_name = "Data glossary"
    default_auto_field = "django.db.models.BigAutoField"
