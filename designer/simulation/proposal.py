"""The starting input proposed for a version (``interpreter.proposal``), as the simulate panel's
form shows it: each field with the data glossary's plain name for it and its type.

The proposal runs the workflow a few times in the interpreter (bounded: transitions per run,
runs per proposal, seconds per run), so answers are kept per version, definition and mode.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

from interpreter import proposal as proposing
from interpreter.proposal import reach
from interpreter.unmocked import FAIL, RETURN_INPUT
from interpreter.wording.glossary import propose_name

from ..glossary.selectors import glossary_applied, glossary_stored
from .engine import machine_for

CACHE_SIZE = 64
RUN_SECONDS = 1.0
_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()


def proposed_input(*, workflow: Any, version: Any, unmocked: str) -> dict:
    """``{"input", "fields": [{path, name, named, type, value, readBy}], "ending", "endState",
    "reached", "why", "notes", "unmocked"}`` for ``version`` run with Tasks answering as ``unmocked``
    says (``fail`` is tried as ``return_input``: a proposal is for runs that go on)."""
    mode = RETURN_INPUT if unmocked == FAIL else unmocked
    key = (version.pk, hashlib.sha1(version.definition_json.encode("utf-8")).hexdigest(), mode)
    with _lock:
        found = _cache.get(key)
    if found is None:
        machine = machine_for(version)
        with reach.time_limit(RUN_SECONDS):
            found = proposing.propose_input(version.definition, unmocked=mode, machine=machine).as_json()
        with _lock:
            _cache[key] = found
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    stored = glossary_stored(workflow_id=workflow.pk)
    names = glossary_applied(version.definition, stored)
    fields = [{**f, "name": names.get(f["path"]) or propose_name(f["path"]), "named": f["path"] in stored}
              for f in found["fields"]]
    return {**found, "fields": fields, "unmocked": mode}
