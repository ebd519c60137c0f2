from django.contrib import admin

from .models import Draft, Membership, Workflow, WorkflowVersion


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
