from django.db import models

from designer.models import Execution


class StoredChildren(models.Model):
    """Children of one Map Run that succeeded, as ``[[index, snapshot], ...]`` (a chunk)."""
    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="stored_children")
    map_run_arn = models.CharField(max_length=400)
    children_json = models.TextField()

    class Meta:
        ordering = ["execution", "id"]


class ChildHistory(models.Model):
    """Events of one Distributed Map child execution that ended, as a JSON list (``Event.to_json``
    forms). A long history takes several rows (parts, in id order); a child that a redrive ran
    on adds rows with the events since."""
    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="child_histories")
    map_run_arn = models.CharField(max_length=400)
    child_index = models.PositiveIntegerField()
    name = models.CharField(max_length=80)
    status = models.CharField(max_length=20)
    events_json = models.TextField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["execution", "child_index"], name="maprun_child_history_at")]


class StoredInputs(models.Model):
    """A Map Run's items' inputs from ``start`` on, as a JSON list (a chunk): written once, when
    the run began, instead of with every snapshot."""
    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="stored_inputs")
    map_run_arn = models.CharField(max_length=400)
    start = models.PositiveIntegerField()
    inputs_json = models.TextField()

    class Meta:
        ordering = ["execution", "map_run_arn", "start"]
