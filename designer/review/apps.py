from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """Design review: comments, review requests and approvals, releases, share links, the
    activity log, notifications and presence (its own app, so its migrations are its own)."""
    name = "designer.review"
    label = "review"
    verbose_name = "Statewise design review"
    default_auto_field = "django.db.models.BigAutoField"
