from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import views
from .compare import views as compare_views
from .imports import views as import_views

urlpatterns = [
    path("", views.home, name="home"),
    path("workflows/", views.workflow_list, name="workflow-list"),
    path("workflows/import/", import_views.import_page, name="workflow-import"),
    path("workflows/<int:workflow_id>/", views.workflow_editor, name="workflow-editor"),
    path("workflows/<int:workflow_id>/versions/", views.workflow_versions, name="workflow-versions"),
    path("workflows/<int:workflow_id>/compare/", compare_views.compare_page, name="workflow-compare"),
    path("workflows/<int:workflow_id>/versions/<int:number>/review/", compare_views.review_document,
         name="version-review-document"),
    path("workflows/<int:workflow_id>/simulate/", views.workflow_simulate, name="workflow-simulate"),
    path("workflows/<int:workflow_id>/test-cases/", views.workflow_test_case_create, name="workflow-test-case-create"),
    path("executions/<int:execution_id>/", views.execution_page, name="execution-page"),
    path("executions/<int:execution_id>/control/", views.execution_control, name="execution-control"),
    path("", include("designer.review.urls")),
    path("", include("designer.access.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", include("designer.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
]

handler404 = "designer.serving.views.not_found"
handler500 = "designer.serving.views.server_error"
