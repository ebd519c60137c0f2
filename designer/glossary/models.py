"""A workflow's data glossary: the plain names people gave the fields it reads.

Only names someone wrote are stored; every other field the workflow reads gets a name proposed
from its path (``interpreter.wording.glossary.propose_name``) each time it is shown.
"""
from django.conf import settings
from django.db import models

from designer.models import Workflow


class GlossaryTerm(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="glossary_terms")
    path = models.CharField(max_length=500, help_text="a JSONPath relative to a state's input, e.g. $.checks[0].flagged")
    name = models.CharField(max_length=200, help_text="what people call it, e.g. the identity check flagged it")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["workflow", "path"]
        constraints = [models.UniqueConstraint(fields=["workflow", "path"], name="one_name_per_path")]

    def __str__(self) -> str:
        return f"{self.path} = {self.name}"
