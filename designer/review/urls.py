from django.urls import path

from . import pages

urlpatterns = [
    path("workflows/<int:workflow_id>/activity/", pages.activity_page, name="workflow-activity"),
    path("inbox/", pages.inbox_page, name="inbox"),
    path("inbox/read-all/", pages.inbox_read_all, name="inbox-read-all"),
    path("inbox/<int:notification_id>/open/", pages.inbox_open, name="inbox-open"),
    path("s/<str:token>/", pages.share_page, name="share-page"),
]
