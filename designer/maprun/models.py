from django.db import models

from designer.models import Execution


class StoredChildren(models.Model):
    """Children of one Map Run that succeeded, as ``[[index, snapshot], ...]`` (a chunk)."""
    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="stored_children")
    map_run_arn = models.CharField(max_length=400)
    children_json = models.TextField()

    class Meta:
        ordering = ["execution", "id"]
