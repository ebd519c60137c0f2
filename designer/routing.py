"""Websocket routes."""
from django.urls import path

from .consumers import ExecutionConsumer
from .review.consumers import FeedConsumer, ShareExecutionConsumer, ShareFeedConsumer
from .runlist.consumer import RunListConsumer

websocket_urlpatterns = [
    path("ws/executions/<int:execution_id>/", ExecutionConsumer.as_asgi()),
    path("ws/workflows/<int:workflow_id>/runs/", RunListConsumer.as_asgi()),
    path("ws/workflows/<int:workflow_id>/feed/", FeedConsumer.as_asgi()),
    path("ws/inbox/", FeedConsumer.as_asgi()),
    path("ws/share/<str:token>/feed/", ShareFeedConsumer.as_asgi()),
    path("ws/share/<str:token>/execution/", ShareExecutionConsumer.as_asgi()),
]
