"""Assign: variable names, and the values assigned to them.

AWS's rules for a variable name: it starts with a letter or '_', continues with letters, digits,
'_' or '-' (Unicode letters and digits count; the JSONPath-era fixtures use '-'), is at most 80 characters long, and is not ``states``,
which names the reserved ``$states`` variable of JSONata mode. In JSONPath mode a name may end
in ``.$`` to take its value from a path or intrinsic call; the suffix is not part of the name.
"""
from __future__ import annotations

from .expressions import check_template
from .report import Report

MAX_VARIABLE_NAME = 80
RESERVED_NAMES = frozenset({"states"})
_checked: dict[str, str | None] = {}


def variable_name_error(name: str) -> str | None:
    found = _checked.get(name, _checked)
    if found is _checked:
        found = _name_error(name)
        if len(_checked) < 50_000:
            _checked[name] = found
    return found


def _name_error(name: str) -> str | None:
    if not name:
        return "a variable needs a name"
    if len(name) > MAX_VARIABLE_NAME:
        return f"it is {len(name)} characters long; the most is {MAX_VARIABLE_NAME}"
    first = name[0]
    if not (first == "_" or first.isalpha()):
        return "it must start with a letter or '_'"
    for c in name:
        if not (c == "_" or c == "-" or c.isalnum()):
            return f"it may only hold letters, digits and '_', not '{c}'"
    if name in RESERVED_NAMES:
        return f"'{name}' is reserved by Step Functions"
    return None


def check_assign(assign: dict, language: str, where: tuple, report: Report, state: str | None,
                 what: str) -> None:
    for key in assign:
        if type(key) is not str:
            continue
        name = key[:-2] if language != "JSONata" and key.endswith(".$") else key
        problem = variable_name_error(name)
        if problem:
            code = "RESERVED_VARIABLE_NAME" if name in RESERVED_NAMES else "INVALID_VARIABLE_NAME"
            report.error(code, (*where, key),
                         f"{what} assigns a variable named '{name}', which is not allowed: {problem}. "
                         f"Rename it, e.g. to '{_suggest(name)}'.", state)
        elif "-" in name:
            report.warning("VARIABLE_NAME_WITH_DASH", (*where, key),
                           f"{what} assigns a variable named '{name}': JSONata reads '${name}' as a subtraction, "
                           f"so only JSONPath can use it. Rename it to '{_suggest(name)}' to use it everywhere.",
                           state)
    check_template(assign, language, where, report, state, what)


def _suggest(name: str) -> str:
    cleaned = "".join(c if c == "_" or c.isalnum() else "_" for c in name)[:MAX_VARIABLE_NAME - 1]
    if not cleaned or not (cleaned[0] == "_" or cleaned[0].isalpha()):
        cleaned = "_" + cleaned
    if cleaned in RESERVED_NAMES:
        cleaned = "my_" + cleaned
    return cleaned[:MAX_VARIABLE_NAME]
