from django.urls import path

from . import share_views as share
from . import views as v

urlpatterns = [
    path("workflows/<int:workflow_id>/comments/", v.CommentListView.as_view(), name="api-comment-list"),
    path("workflows/<int:workflow_id>/comments/<int:comment_id>/", v.CommentDetailView.as_view(),
         name="api-comment-detail"),
    path("workflows/<int:workflow_id>/comments/<int:comment_id>/resolve/", v.CommentResolveView.as_view(),
         name="api-comment-resolve"),
    path("workflows/<int:workflow_id>/comments/<int:comment_id>/reopen/", v.CommentReopenView.as_view(),
         name="api-comment-reopen"),
    path("workflows/<int:workflow_id>/reviews/", v.ReviewListView.as_view(), name="api-review-list"),
    path("workflows/<int:workflow_id>/reviews/<int:review_id>/", v.ReviewDetailView.as_view(),
         name="api-review-detail"),
    path("workflows/<int:workflow_id>/reviews/<int:review_id>/answer/", v.ReviewAnswerView.as_view(),
         name="api-review-answer"),
    path("workflows/<int:workflow_id>/reviews/<int:review_id>/withdraw/", v.ReviewWithdrawView.as_view(),
         name="api-review-withdraw"),
    path("workflows/<int:workflow_id>/release/", v.ReleaseView.as_view(), name="api-release"),
    path("workflows/<int:workflow_id>/export/<str:fmt>/", v.WorkflowExportView.as_view(), name="api-workflow-export"),
    path("workflows/<int:workflow_id>/activity/", v.ActivityView.as_view(), name="api-activity"),
    path("workflows/<int:workflow_id>/presence/", v.PresenceView.as_view(), name="api-presence"),
    path("workflows/<int:workflow_id>/share-links/", v.ShareLinkListView.as_view(), name="api-share-link-list"),
    path("workflows/<int:workflow_id>/share-links/<int:link_id>/", v.ShareLinkDetailView.as_view(),
         name="api-share-link-detail"),
    path("notifications/", v.NotificationListView.as_view(), name="api-notification-list"),
    path("notifications/read-all/", v.NotificationReadAllView.as_view(), name="api-notification-read-all"),
    path("notifications/<int:notification_id>/read/", v.NotificationReadView.as_view(), name="api-notification-read"),
    path("share/<str:token>/", share.ShareView.as_view(), name="api-share"),
    path("share/<str:token>/comments/", share.ShareCommentsView.as_view(), name="api-share-comments"),
    path("share/<str:token>/events/", share.ShareEventsView.as_view(), name="api-share-events"),
    path("share/<str:token>/dataflow/", share.ShareDataFlowView.as_view(), name="api-share-dataflow"),
]
