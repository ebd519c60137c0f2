"""Invitations: a link that lets someone without an account set a password and join a workflow
with a role. Single use, expiring, revocable; its text is signed like a share link's."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from ..models import Role, Workflow


class Invitation(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    secret = models.CharField(max_length=64)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    accepted = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["workflow", "-id"]

    def __str__(self) -> str:
        return f"invitation of {self.email} to {self.workflow}"
