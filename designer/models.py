"""What Statewise stores: workflows, who may see them, their immutable versions and drafts.

Definitions are kept as JSON *text*, not a JSON column: PostgreSQL's jsonb reorders object keys,
and the order of states and fields is part of what the author wrote.
"""
from __future__ import annotations

import json

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    """A member's role, from least to most: each can do what the one before can, and more.
    What each may do is decided in one place, ``selectors.PERMISSIONS``."""
    VIEWER = "viewer", "Viewer (can look)"
    REVIEWER = "reviewer", "Reviewer (can comment and approve)"
    EDITOR = "editor", "Editor (can change)"


class WorkflowType(models.TextChoices):
    """AWS's two kinds of state machine (interpreter/workflow_type.py says how they differ)."""
    STANDARD = "STANDARD", "Standard"
    EXPRESS = "EXPRESS", "Express"


class Workflow(models.Model):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # The type it is deployed as (from an imported template, or set by an editor): runs default to it.
    workflow_type = models.CharField(max_length=8, choices=WorkflowType.choices, default=WorkflowType.STANDARD)
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


# --- simulation -----------------------------------------------------------------------------

class TestCase(models.Model):
    """A saved way to run a workflow: an input and a Step Functions Local mock config.

    ``mock_test_case`` names the test case inside the config (defaults to ``name``), so one config
    with several test cases, as Step Functions Local reads it, can back several saved test cases.
    """

    __test__ = False  # not a pytest class, whatever its name says

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="test_cases")
    name = models.CharField(max_length=200)
    input_json = models.TextField(default="{}")
    mock_config_json = models.TextField(default="{}")
    mock_test_case = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workflow", "name"]
        constraints = [models.UniqueConstraint(fields=["workflow", "name"], name="one_test_case_name_per_workflow")]

    def __str__(self) -> str:
        return f"{self.workflow}: {self.name}"

    @property
    def input(self):
        return json.loads(self.input_json)

    @property
    def mock_config(self):
        return json.loads(self.mock_config_json)


class ExecutionStatus(models.TextChoices):
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    ABORTED = "ABORTED"


class ExecutionMode(models.TextChoices):
    PAUSED = "paused", "Paused (steps on request)"
    CONTINUING = "continuing", "Continuing (the server advances it)"


class UnmockedAnswer(models.TextChoices):
    FAIL = "fail", "Stop the run (every step must be mocked)"
    RETURN_INPUT = "return_input", "Return its input"
    EMPTY = "empty", "Return nothing ({})"
    ASK = "ask", "Stop and ask me"


class Execution(models.Model):
    """One simulated run of a workflow version. Its events (ExecutionEvent) are the truth; the
    columns here are what the last write left: the interpreter's snapshot to go on from, and the
    derived status, summary and waits, so that a page can be drawn without replaying the log."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="executions")
    version = models.ForeignKey(WorkflowVersion, on_delete=models.CASCADE, related_name="executions")
    name = models.CharField(max_length=80)
    input_json = models.TextField(default="{}")
    test_case = models.ForeignKey(TestCase, null=True, blank=True, on_delete=models.SET_NULL, related_name="executions")
    # Copied from the test case at start: editing a test case later does not change a run.
    mock_config_json = models.TextField(default="{}")
    mock_test_case = models.CharField(max_length=200, blank=True)
    manual_callbacks = models.BooleanField(default=True)
    # What a Task without a mocked answer does (interpreter/unmocked.py): kept with the run, so a
    # runner that resumes it answers the same way.
    unmocked = models.CharField(max_length=16, choices=UnmockedAnswer.choices, default=UnmockedAnswer.FAIL)
    workflow_type = models.CharField(max_length=8, choices=WorkflowType.choices, default=WorkflowType.STANDARD)
    seed = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=ExecutionStatus.choices, default=ExecutionStatus.RUNNING)
    mode = models.CharField(max_length=10, choices=ExecutionMode.choices, default=ExecutionMode.PAUSED)
    speed = models.FloatField(default=0, help_text="transitions per second while continuing; 0 is as fast as possible")
    breakpoints = models.JSONField(default=list, blank=True)
    virtual_time = models.BigIntegerField(help_text="the interpreter's clock, milliseconds since the epoch")
    started_at_virtual = models.BigIntegerField()
    snapshot_json = models.TextField(help_text="Execution.to_json() of the interpreter after the last write")
    last_seq = models.PositiveIntegerField(default=0)
    revision = models.PositiveIntegerField(default=0, help_text="+1 on every write; frames carry it")
    summary = models.JSONField(default=dict, blank=True, help_text="timeline.fold() of every event so far")
    current_states = models.JSONField(default=list, blank=True)
    map_runs = models.JSONField(default=list, blank=True,
                                help_text="each Distributed Map's Map Run: status and counts (map_run.progress)")
    waiting = models.JSONField(null=True, blank=True, help_text="what the run waits for: a callback, a timer, a task")
    stop_reason = models.CharField(max_length=200, blank=True)
    output_json = models.TextField(blank=True)
    error = models.TextField(blank=True)
    cause = models.TextField(blank=True)
    # Which server process advances a continuing run, and when it last said so (see simulation/runner.py).
    runner_id = models.CharField(max_length=64, blank=True)
    runner_heartbeat = models.DateTimeField(null=True, blank=True)
    # Redrive (simulation/redrive.py): AWS's 14 days are counted from when the run last ended, on
    # the wall clock; ``redrives`` says who redrove it and which mocked answer they changed first.
    ended_at = models.DateTimeField(null=True, blank=True)
    redrives = models.JSONField(default=list, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["workflow", "-created"]), models.Index(fields=["mode", "status"])]

    def __str__(self) -> str:
        return f"{self.workflow} run {self.name}"

    @property
    def input(self):
        return json.loads(self.input_json)

    @property
    def output(self):
        return json.loads(self.output_json) if self.output_json else None


class ExecutionEvent(models.Model):
    """One history event, as the interpreter wrote it: ``seq`` is AWS's event id."""

    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    previous_event_id = models.PositiveIntegerField(default=0)
    type = models.CharField(max_length=60)
    timestamp = models.BigIntegerField(help_text="virtual milliseconds since the epoch")
    # The state the event belongs to (AWS console's "Step"), and the Task's resource.
    step = models.CharField(max_length=200, blank=True)
    resource = models.CharField(max_length=300, blank=True)
    # Text, not a JSON column: jsonb would reorder the keys of the payloads users wrote.
    details_json = models.TextField(blank=True)

    class Meta:
        ordering = ["execution", "seq"]
        constraints = [models.UniqueConstraint(fields=["execution", "seq"], name="one_event_per_seq")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.type}"

    @property
    def details(self):
        return json.loads(self.details_json) if self.details_json else None
