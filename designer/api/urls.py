from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

from . import views

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("workflows/", views.WorkflowListView.as_view(), name="api-workflow-list"),
    path("workflows/import/", views.WorkflowImportView.as_view(), name="api-workflow-import"),
    path("workflows/<int:workflow_id>/", views.WorkflowDetailView.as_view(), name="api-workflow-detail"),
    path("workflows/<int:workflow_id>/versions/", views.VersionListView.as_view(), name="api-version-list"),
    path("workflows/<int:workflow_id>/import/", views.VersionImportView.as_view(), name="api-version-import"),
    path("workflows/<int:workflow_id>/versions/<int:number>/", views.VersionDetailView.as_view(),
         name="api-version-detail"),
    path("workflows/<int:workflow_id>/versions/<int:number>/export/<str:fmt>/", views.VersionExportView.as_view(),
         name="api-version-export"),
    path("workflows/<int:workflow_id>/draft/", views.DraftView.as_view(), name="api-draft"),
    path("workflows/<int:workflow_id>/members/", views.MemberListView.as_view(), name="api-member-list"),
    path("workflows/<int:workflow_id>/members/<int:user_id>/", views.MemberDetailView.as_view(),
         name="api-member-detail"),
    path("validate/", views.ValidateView.as_view(), name="api-validate"),
    path("render/", views.RenderView.as_view(), name="api-render"),
]
