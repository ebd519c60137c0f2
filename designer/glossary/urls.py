"""API routes of the data glossary, mounted under /api/."""
from django.urls import path

from . import api

urlpatterns = [
    path("workflows/<int:workflow_id>/glossary/", api.GlossaryView.as_view(), name="api-glossary"),
]
