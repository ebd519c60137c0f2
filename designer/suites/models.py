"""A saved test case's expectations, and each suite run's result, kept per version."""
from __future__ import annotations

import json

from django.conf import settings
from django.db import models


class CaseSpec(models.Model):
    """The callbacks answered in a test case and what its run should do, as
    ``interpreter.testing.spec`` reads them (``{"callbacks": [...], "expect": {...}}``)."""

    test_case = models.OneToOneField("designer.TestCase", on_delete=models.CASCADE, related_name="spec")
    # Text, not a JSON column: jsonb would reorder the keys of expected outputs users wrote.
    spec_json = models.TextField(default="{}")
    updated = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    def __str__(self) -> str:
        return f"expectations of {self.test_case}"

    @property
    def spec(self) -> dict:
        return json.loads(self.spec_json or "{}")


class SuiteRun(models.Model):
    """Every test case of a workflow run against one version: the outcome of each, the coverage,
    and what each case ran with (so that one can be opened in the simulator as it ran)."""

    workflow = models.ForeignKey("designer.Workflow", on_delete=models.CASCADE, related_name="suite_runs")
    version = models.ForeignKey("designer.WorkflowVersion", on_delete=models.CASCADE, related_name="suite_runs")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    passed = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    results_json = models.TextField(default="[]", help_text="each case's result and what it ran with")
    coverage_json = models.TextField(default="{}")

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["version", "-created"])]

    def __str__(self) -> str:
        return f"{self.version}: {self.passed}/{self.total} pass"

    @property
    def summary(self) -> str:
        return f"{self.passed}/{self.total} pass"

    @property
    def results(self) -> list:
        return json.loads(self.results_json)

    @property
    def coverage(self) -> dict:
        return json.loads(self.coverage_json)
