"""A workflow's data glossary: the fields it reads, each with a plain name.

:func:`read_paths` lists the input fields a definition reads (Choice rules and JSONata
conditions, Wait and Map paths, paths in Parameters, ItemSelector and Arguments, InputPath, Fail's
ErrorPath and CausePath), as JSONPaths relative to the state's input, in the order they first
appear; :func:`propose_name` proposes a name from the path alone ("$.reviewDecision.approved" ->
"review decision approved"), which people then change into their own words ("the reviewer
approved"). The web app stores those per workflow; the graph, the inspector and the run history
read them through ``path_words(path, glossary)``.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

MAX_PATHS = 500
_JSONATA_INPUT = re.compile(r"\$states\.input((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])+)")
_PLAIN_PATH = re.compile(r"\$((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])+)")
_SEGMENT = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")
_WORD = re.compile(r"[A-Z]+\d+|[A-Z]{2,}(?=[A-Z][a-z]|\d|\b|_)|[A-Z]?[a-z]+|[A-Z]+|\d+")
_ORDINAL = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]


def propose_name(path: str) -> str:
    """A name from the path's own words, in order ("$.reviewDecision.approved" -> "review decision
    approved"); an index says which item ("$.checks[0].flagged" -> "flagged (first of checks)")."""
    segments = [(m.group(1), m.group(2)) for m in _SEGMENT.finditer(path[1:] if path.startswith("$") else path)]
    if not segments:
        return "the input" if path == "$" else path
    words: list[str] = []
    index_note = ""
    for key, index in segments:
        if key is not None:
            words.extend(w if w.isupper() and len(w) > 1 else w.lower() for w in _WORD.findall(key))
        else:
            n = int(index)
            said = _ORDINAL[n] if n < len(_ORDINAL) else f"number {n + 1}"
            owner = " ".join(words[-2:]) if words else "the list"
            index_note, words = f"{said} of {owner}", words[:-2] if len(words) > 2 else []
    text = " ".join(words)
    if index_note:
        return f"{text} ({index_note})" if text else index_note
    return text


def read_paths(definition: Any) -> list[str]:
    """The input fields a definition reads, in the order they first appear (at most MAX_PATHS)."""
    seen: dict[str, None] = {}
    for path in _walk(definition):
        if path != "$" and path not in seen:
            seen[path] = None
            if len(seen) >= MAX_PATHS:
                break
    return list(seen)


def _walk(machine: Any) -> Iterator[str]:
    states = machine.get("States") if isinstance(machine, dict) else None
    if not isinstance(states, dict):
        return
    for state in states.values():
        if not isinstance(state, dict):
            continue
        for key in ("InputPath", "ItemsPath", "SecondsPath", "TimestampPath", "ErrorPath", "CausePath"):
            value = state.get(key)
            if isinstance(value, str) and value.startswith("$."):
                yield value
        for rule in state.get("Choices") if isinstance(state.get("Choices"), list) else []:
            yield from _rule_paths(rule)
        for key in ("Parameters", "ItemSelector", "Arguments", "Output", "Assign"):
            yield from _template_paths(state.get(key))
        for branch in state.get("Branches") if isinstance(state.get("Branches"), list) else []:
            yield from _walk(branch)
        yield from _walk(state.get("ItemProcessor", state.get("Iterator")))


def _rule_paths(rule: Any) -> Iterator[str]:
    if not isinstance(rule, dict):
        return
    if isinstance(rule.get("Condition"), str):
        yield from ("$" + m.group(1) for m in _JSONATA_INPUT.finditer(rule["Condition"]))
    for key in ("And", "Or"):
        for inner in rule.get(key) if isinstance(rule.get(key), list) else []:
            yield from _rule_paths(inner)
    if "Not" in rule:
        yield from _rule_paths(rule["Not"])
    variable = rule.get("Variable")
    if isinstance(variable, str) and variable.startswith("$."):
        yield variable
    for key, value in rule.items():
        if key.endswith("Path") and isinstance(value, str) and value.startswith("$."):
            yield value


def _template_paths(template: Any) -> Iterator[str]:
    if isinstance(template, dict):
        for key, value in template.items():
            if isinstance(value, str) and (key.endswith(".$") or value.lstrip().startswith("{%")):
                pattern = _JSONATA_INPUT if value.lstrip().startswith("{%") else _PLAIN_PATH
                yield from (("$" + m.group(1)) for m in pattern.finditer(value) if not value[:m.start()].endswith("$"))
            else:
                yield from _template_paths(value)
    elif isinstance(template, list):
        for value in template:
            yield from _template_paths(value)
    elif isinstance(template, str) and template.lstrip().startswith("{%"):
        yield from ("$" + m.group(1) for m in _JSONATA_INPUT.finditer(template))
