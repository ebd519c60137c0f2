from django.apps import AppConfig


class AccessConfig(AppConfig):
    """Members of a workflow and invitations for people without an account. Who may do what is
    decided in ``designer.selectors.PERMISSIONS``; this app only changes who has which role."""
    name = "designer.access"
    label = "access"
    verbose_name = "Statewise members and invitations"
    default_auto_field = "django.db.models.BigAutoField"
