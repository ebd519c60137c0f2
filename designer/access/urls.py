from .views import urlpatterns  # noqa: F401  (pages; the API is in api.py)
