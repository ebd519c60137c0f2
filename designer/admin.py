from django.contrib import admin

from .models import Draft, Execution, Membership, TestCase, Workflow, WorkflowVersion


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(Workflow)
class WorkflowAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "updated"]
    search_fields = ["name", "description"]
    inlines = [MembershipInline]


@admin.register(WorkflowVersion)
class WorkflowVersionAdmin(admin.ModelAdmin):
    list_display = ["workflow", "number", "author", "message", "created"]
    list_filter = ["workflow"]

    # Versions are history: the admin may look and delete, never edit or invent one.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ["workflow", "user", "base_version", "updated"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["workflow", "user", "role"]
    list_filter = ["role"]


@admin.register(TestCase)
class TestCaseAdmin(admin.ModelAdmin):
    list_display = ["name", "workflow", "mock_test_case", "created"]
    search_fields = ["name"]


@admin.register(Execution)
class ExecutionAdmin(admin.ModelAdmin):
    list_display = ["name", "workflow", "version", "status", "mode", "last_seq", "started_by", "created"]
    list_filter = ["status", "mode"]
    readonly_fields = ["snapshot_json", "summary"]
