"""What a design review leaves behind: comments pinned to the design, review requests and their
answers, the released version, share links, the activity log and each person's notifications.

The activity log (``Activity``) is append-only and numbered per workflow (``seq``): it is both
the workflow's activity page and its live feed, which a page that reconnects reads again from
the last number it saw (see ``feed.py``).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models

from ..models import Execution, Workflow, WorkflowVersion

MAX_COMMENT = 10_000


class Anchor(models.TextChoices):
    WORKFLOW = "workflow", "the workflow as a whole"
    STATE = "state", "a step"
    EDGE = "edge", "an arrow between two steps"


class EdgeKind(models.TextChoices):
    NEXT = "next", "then"
    CHOICE = "choice", "a decision's rule"
    DEFAULT = "default", "a decision's otherwise"
    CATCH = "catch", "on error"


class Comment(models.Model):
    """One comment. A thread is a first comment (``parent`` empty) and its replies, in order.

    The anchor is the step's *current* name (``state_name``): when a saved version renames the
    step, the anchor follows (``written_state_name`` keeps the name it was written on). An edge is
    (``state_name`` → ``edge_to``, ``edge_kind``). Deleting keeps the row without its text, so
    replies keep their place ("comment deleted")."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    version = models.ForeignKey(WorkflowVersion, on_delete=models.CASCADE, related_name="comments",
                                help_text="the version it was written on")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    anchor = models.CharField(max_length=10, choices=Anchor.choices, default=Anchor.WORKFLOW)
    state_name = models.CharField(max_length=200, blank=True)
    edge_to = models.CharField(max_length=200, blank=True)
    edge_kind = models.CharField(max_length=10, choices=EdgeKind.choices, blank=True)
    written_state_name = models.CharField(max_length=200, blank=True)
    written_edge_to = models.CharField(max_length=200, blank=True)
    text = models.TextField(max_length=MAX_COMMENT)
    mentions = models.JSONField(default=list, blank=True, help_text="usernames of members it @mentions")
    created = models.DateTimeField(auto_now_add=True)
    edited = models.DateTimeField(null=True, blank=True)
    deleted = models.DateTimeField(null=True, blank=True)
    resolved = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["workflow", "id"]
        indexes = [models.Index(fields=["workflow", "parent"])]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.workflow}"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "in review"
    SUPERSEDED = "superseded", "superseded by a newer version"
    WITHDRAWN = "withdrawn", "withdrawn"


class ReviewRequest(models.Model):
    """An editor asks members to review one version. A newer saved version supersedes it: its
    answers stay as they were given, for that version, and never count for the new one."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="review_requests")
    version = models.ForeignKey(WorkflowVersion, on_delete=models.CASCADE, related_name="review_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    message = models.TextField(blank=True, max_length=MAX_COMMENT)
    status = models.CharField(max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    superseded_by = models.ForeignKey(WorkflowVersion, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    closed = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["workflow", "-id"]

    def __str__(self) -> str:
        return f"review of {self.version}"


class Decision(models.TextChoices):
    PENDING = "pending", "not answered yet"
    APPROVED = "approved", "approved"
    CHANGES_REQUESTED = "changes_requested", "requested changes"


class ReviewAnswer(models.Model):
    """One reviewer's place on a request: pending until they answer; they may answer again."""

    request = models.ForeignKey(ReviewRequest, on_delete=models.CASCADE, related_name="answers")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    comment = models.TextField(blank=True, max_length=MAX_COMMENT)
    answered = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "reviewer"], name="one_answer_per_reviewer")]


class Release(models.Model):
    """A version marked as the released one. The newest row is the workflow's released version."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="releases")
    version = models.ForeignKey(WorkflowVersion, on_delete=models.CASCADE, related_name="releases")
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workflow", "-id"]


class ShareLink(models.Model):
    """A read-only link to one version or one run, for people without an account.

    The link's text is ``<id>-<secret>`` signed with the server's secret key (``sharing.py``): the
    secret alone, read from the database, does not make a link that opens."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="share_links")
    version = models.ForeignKey(WorkflowVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    execution = models.ForeignKey(Execution, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    secret = models.CharField(max_length=64)
    label = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    last_used = models.DateTimeField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["workflow", "-id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(version__isnull=False) | models.Q(execution__isnull=False),
            name="share_link_points_at_something")]


class Activity(models.Model):
    """One thing that happened in the workflow's review, never changed or deleted afterwards.

    ``kind`` is a dotted name (``comment.created``, ``review.answered``...); ``data`` holds what is
    needed to say it in words later (state names, decisions), never a comment's text, so that
    deleting a comment really removes its words."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="activity")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    version_number = models.PositiveIntegerField(null=True, blank=True)
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    review = models.ForeignKey(ReviewRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workflow", "seq"]
        constraints = [models.UniqueConstraint(fields=["workflow", "seq"], name="one_activity_per_seq")]

    def save(self, *args, **kwargs):
        assert self._state.adding, "Activity is append-only: record a new entry with feed.record()"
        super().save(*args, **kwargs)


class NotificationKind(models.TextChoices):
    REVIEW_REQUESTED = "review_requested", "asked you to review"
    REVIEW_ANSWERED = "review_answered", "answered your review request"
    MENTIONED = "mentioned", "mentioned you"
    REPLIED = "replied", "replied to your comment"
    RESOLVED = "resolved", "resolved your thread"
    REOPENED = "reopened", "reopened your thread"


class Notification(models.Model):
    """Something that concerns one person, in their inbox until they open it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    created = models.DateTimeField(auto_now_add=True)
    read = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user", "-id"]
        indexes = [models.Index(fields=["user", "read"])]


class Presence(models.Model):
    """An open page of a workflow (one per websocket), so every page can show who else is here.
    Rows of a server that died age out: a page that is still open says so every ``HEARTBEAT``."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=200, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    share_link = models.ForeignKey(ShareLink, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    page = models.CharField(max_length=20, blank=True)
    state = models.CharField(max_length=200, blank=True, help_text="the step they are looking at")
    seen = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["workflow", "seen"])]
