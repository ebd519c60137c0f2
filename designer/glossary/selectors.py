"""Reads of the data glossary: the names as a page or a drawing uses them."""
from __future__ import annotations

from typing import Any

from interpreter.wording.glossary import propose_name, read_paths

from .. import workpool
from ..asl_io import count_states
from .models import GlossaryTerm


def glossary_stored(*, workflow_id: int) -> dict[str, str]:
    """The names people wrote, by path."""
    return dict(GlossaryTerm.objects.filter(workflow_id=workflow_id).values_list("path", "name"))


def glossary_applied(definition: Any, stored: dict[str, str]) -> dict[str, str]:
    """Path -> name for every field the definition reads: the written name, else the proposed one
    (for a large definition, worked out in a child process: ``designer/workpool.py``)."""
    if workpool.large(count_states(definition)):
        return workpool.run(_applied, definition, stored, what="Naming this definition's data")
    return _applied(definition, stored)


def _applied(definition: Any, stored: dict[str, str]) -> dict[str, str]:
    return {path: stored.get(path) or propose_name(path) for path in read_paths(definition)} | stored


def glossary_terms(*, workflow_id: int, definition: Any) -> list[dict]:
    """The glossary as the editor and the API show it: each field the definition reads, in order,
    with its name and whether that name is only proposed; then written names for fields the
    definition no longer reads."""
    stored = glossary_stored(workflow_id=workflow_id)
    paths = read_paths(definition)
    terms = [{"path": p, "name": stored.get(p) or propose_name(p), "proposed": p not in stored, "read": True}
             for p in paths]
    read = set(paths)
    terms += [{"path": p, "name": n, "proposed": False, "read": False} for p, n in sorted(stored.items()) if p not in read]
    return terms
