"""Websocket routes."""
from django.urls import path

from .consumers import ExecutionConsumer
from .runlist.consumer import RunListConsumer

websocket_urlpatterns = [
    path("ws/executions/<int:execution_id>/", ExecutionConsumer.as_asgi()),
    path("ws/workflows/<int:workflow_id>/runs/", RunListConsumer.as_asgi()),
]
