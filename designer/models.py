"""What Statewise stores: workflows, who may see them, their immutable versions and drafts.

Definitions are kept as JSON *text*, not a JSON column: PostgreSQL's jsonb reorders object keys,
and the order of states and fields is part of what the author wrote.
"""
from __future__ import annotations

import json

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer (can look)"
    EDITOR = "editor", "Editor (can change)"


class Workflow(models.Model):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_workflows")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="workflows")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role on a workflow; the owner needs none (an owner can do everything)."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workflow", "user"], name="one_membership_per_user")]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.workflow}"


class WorkflowVersion(models.Model):
    """One saved state of a workflow. Never changed after it is written; a new save is a new row."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition_json = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    message = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    # The validator's diagnostics at save time: a version may be saved with problems.
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["workflow", "-number"]
        constraints = [models.UniqueConstraint(fields=["workflow", "number"], name="one_version_number_per_workflow")]

    def __str__(self) -> str:
        return f"{self.workflow} v{self.number}"

    @property
    def definition(self):
        return json.loads(self.definition_json)

    @property
    def is_valid(self) -> bool:
        return not any(p.get("severity") == "error" for p in self.problems)

    def save(self, *args, **kwargs):
        # A guard, not business logic: history that can be rewritten is not history.
        assert self._state.adding, "WorkflowVersion is immutable: save a new version with services.version_create()"
        super().save(*args, **kwargs)


class Draft(models.Model):
    """What a user is editing and has not saved as a version yet, autosaved from the editor."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    definition_json = models.TextField()
    # The version number the draft started from, so the editor can tell when others saved since.
    base_version = models.PositiveIntegerField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workflow", "user"], name="one_draft_per_user_and_workflow")]

    def __str__(self) -> str:
        return f"{self.user}'s draft of {self.workflow}"

    @property
    def definition(self):
        return json.loads(self.definition_json)
