"""The walk over a whole definition: the top level, each States scope (the machine, every
Parallel branch, every Map processor) and each state in it, then the transitions of each scope.

One pass, linear in the size of the definition; per-type rules live in their own modules.
"""
from __future__ import annotations

from typing import Any

from .choice import check_choices
from .expressions import check_template
from .fields import (ANY, BRANCH_FIELDS, is_cloudformation, JSONATA, JSONPATH, MACHINE_FIELDS, NO_TRANSITION_TYPES,
                     PROCESSOR_FIELDS, QUERY_LANGUAGES, REQUIRED, STATE_FIELDS, TERMINAL_TYPES)
from ..jsonpath import path_error, reference_path_error
from .cascades import (BRANCH_SCOPE, MACHINE_SCOPE, PROCESSOR_SCOPE, collapse_language_slips, intended_language,
                       misplaced_fields)
from .map_state import check_map
from .report import Report
from .resources import resource_problem
from .retriers import check_catch, check_result_path, check_retry
from .structure import check_fields, require
from .transitions import check_transitions, scope_name
from .variables import check_assign

MAX_STATE_NAME = 80
_MAX_NESTING = 100
# fields whose values the JSONata walk skips: not data, or handled by their own checker
_NOT_EXPRESSIONS = frozenset({"Type", "Comment", "QueryLanguage", "Next", "End", "Default", "Resource",
                              "Branches", "ItemProcessor", "Iterator", "Choices", "Retry", "Catch",
                              "Assign", "Label", "ItemReader", "ItemBatcher", "ResultWriter"})
_REFERENCE_PATH_FIELDS = ("TimeoutSecondsPath", "HeartbeatSecondsPath", "SecondsPath", "TimestampPath",
                          "ErrorPath", "CausePath", "MaxConcurrencyPath", "ToleratedFailurePercentagePath",
                          "ToleratedFailureCountPath")
_EXCLUSIVE = (("TimeoutSeconds", "TimeoutSecondsPath"), ("HeartbeatSeconds", "HeartbeatSecondsPath"),
              ("Error", "ErrorPath"), ("Cause", "CausePath"), ("MaxConcurrency", "MaxConcurrencyPath"),
              ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath"),
              ("ToleratedFailureCount", "ToleratedFailureCountPath"),
              ("ItemProcessor", "Iterator"), ("Parameters", "ItemSelector"))
# intrinsics whose result is a string, the only ones ErrorPath and CausePath may call
_TEXT_FUNCTIONS = frozenset({"States.ArrayGetItem", "States.Base64Encode", "States.Base64Decode",
                             "States.Format", "States.JsonToString", "States.Hash", "States.UUID"})


def _fast_test(field, jsonata: bool):
    kind = field.kind
    if kind is ANY:
        return _ANY
    if kind.expression_ok and jsonata:
        return lambda value: kind.ok(value, True)
    return kind.test


# (Type, query language) -> field -> value test (_ANY: any value, nothing to call), for the common
# case where every field is fine; any miss sends the state to check_fields, which says exactly
# what is wrong.
_ANY = object()
_FAST_FIELDS = {
    (kind, language): {key: _fast_test(field, language == JSONATA) for key, field in spec.items()
                       if (field.language is None or field.language == language)
                       and not (kind in NO_TRANSITION_TYPES and key in ("Next", "End"))}
    for kind, spec in STATE_FIELDS.items() for language in QUERY_LANGUAGES
}
_EXCLUSIVE_FIELDS = frozenset(pair[1] for pair in _EXCLUSIVE)
_WAIT_FIELDS = ("Seconds", "SecondsPath", "Timestamp", "TimestampPath")


class _Walk:
    __slots__ = ("report", "top_language", "names")

    def __init__(self, report: Report, top_language: str) -> None:
        self.report = report
        self.top_language = top_language
        self.names: dict[str, tuple] = {}


def check_definition(definition: Any, report: Report) -> None:
    if type(definition) is not dict:
        report.error("NOT_AN_OBJECT", (), "A state machine definition must be a JSON object with "
                                          "StartAt and States: this is not an object.")
        return
    check_fields(definition, MACHINE_FIELDS, JSONPATH, (), report, what="The state machine", state=None)
    require(definition, _required_of(definition), (), report, what="The state machine", state=None)
    language = definition.get("QueryLanguage")
    if language not in QUERY_LANGUAGES:
        language = intended_language(definition) or JSONPATH
    walk = _Walk(report, language)
    _check_scope(definition, (), walk, 0, MACHINE_SCOPE)
    collapse_language_slips(definition, report, walk.names)


def _required_of(scope: dict) -> tuple[str, ...]:
    # a StartAt written inside States is reported there, as misplaced, not also as missing
    states = scope.get("States")
    if "StartAt" not in scope and type(states) is dict and type(states.get("StartAt")) is str:
        return ("States",)
    return ("StartAt", "States")


def _check_scope(scope: dict, where: tuple, walk: _Walk, nesting: int, scope_fields: tuple) -> None:
    report = walk.report
    states = scope.get("States")
    if type(states) is not dict:
        return  # reported as a missing field or a value of the wrong kind
    if not states:
        report.error("MISSING_STATES", (*where, "States"),
                     f"{scope_name(where)} has no states: add at least one state to States.")
        return
    misplaced = misplaced_fields(states, where, report, scope_fields) if not states.keys().isdisjoint(
        scope_fields) else {}
    if misplaced:
        states = {name: state for name, state in states.items() if name not in misplaced}
    edges: list[tuple[str, tuple, str]] = []
    terminal: set[str] = set()
    open_states: set[str] = set()
    names = walk.names
    for name, state in states.items():
        at = (*where, "States", name)
        if name in names or not name or len(name) > MAX_STATE_NAME:
            _check_name(name, at, walk)
        else:
            names[name] = at  # the usual case of _check_name, without the call
        if type(state) is not dict:
            report.error("INVALID_VALUE", at, f"State '{name}' must be an object with a Type.", name)
            open_states.add(name)
            continue
        ends = _check_state(name, state, at, walk, edges, nesting)
        if ends is None:
            open_states.add(name)
        elif ends:
            terminal.add(name)
    start = scope.get("StartAt", misplaced.get("StartAt"))
    check_transitions(start, states, where, edges, terminal, open_states, report)


def _check_name(name: str, at: tuple, walk: _Walk) -> None:
    if not name or len(name) > MAX_STATE_NAME:
        walk.report.error("INVALID_STATE_NAME", at,
                          f"State '{name[:40]}{'...' if len(name) > 40 else ''}' has a name of {len(name)} "
                          f"characters: state names must be 1 to {MAX_STATE_NAME} characters long.", name)
    first = walk.names.get(name)
    if first is None:
        walk.names[name] = at
    else:
        from ..diagnostic import pointer
        walk.report.error("DUPLICATE_STATE_NAME", at,
                          f"State name '{name}' is already used at {pointer(*first)}: state names must be "
                          f"unique across the whole state machine, branches and Map processors included. "
                          f"Rename one of them.", name)


def _check_state(name: str, state: dict, at: tuple, walk: _Walk, edges: list, nesting: int) -> bool | None:
    """Check one state; return True when it ends its scope (End, Succeed or Fail), False when it
    goes on, None when its transitions are not known (see transitions.py)."""
    report = walk.report
    kind = state.get("Type")
    what = f"State '{name}'"
    spec = STATE_FIELDS.get(kind) if type(kind) is str else None
    own = state.get("QueryLanguage")
    language = walk.top_language if own is None or own not in QUERY_LANGUAGES else own
    if own == JSONPATH and walk.top_language == JSONATA:
        report.error("QUERY_LANGUAGE_DOWNGRADE", (*at, "QueryLanguage"),
                     f"{what} sets QueryLanguage JSONPath, but the state machine uses JSONata, and a JSONata "
                     f"machine cannot have JSONPath states: convert the state to JSONata, or set the "
                     f"machine's QueryLanguage to JSONPath and JSONata on the states that use it.", name)
    target = state.get("Next")
    if type(target) is str:
        edges.append((target, (*at, "Next"), what))
    if kind == "Choice" and type(state.get("Default")) is str:
        edges.append((state["Default"], (*at, "Default"), what))
    if spec is None:
        if "Type" not in state:
            report.error("MISSING_FIELD", (*at, "Type"),
                         f"{what} has no Type: add one of Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map.",
                         name)
        else:
            report.error("INVALID_VALUE", (*at, "Type"),
                         f"{what} has Type '{kind}', which is not a state type: use one of Task, Pass, Choice, "
                         f"Wait, Succeed, Fail, Parallel, Map.", name)
        return None
    known = True
    if kind in NO_TRANSITION_TYPES:
        for key in ("Next", "End"):
            if key in state:
                report.error("TRANSITION_NOT_ALLOWED", (*at, key), _no_transition(what, kind, key), name)
        fields = {k: v for k, v in state.items() if k not in ("Next", "End")} if (
            "Next" in state or "End" in state) else state
    else:
        fields = state
        has_next, ends = "Next" in state, state.get("End") is True
        known = not has_next or type(state["Next"]) is str
        if has_next and ends:
            report.error("NEXT_AND_END", (*at, "End"),
                         f"{what} has both Next and End: keep Next to go on to '{state['Next']}', "
                         f"or remove Next to end here.", name)
        elif not has_next and not ends:
            report.error("MISSING_NEXT", at,
                         f"{what} has no Next and is not an end state: connect it to a state, or mark it as the end.",
                         name)
            known = False
    fast = _FAST_FIELDS[kind, language]
    for key, value in fields.items():
        test = fast.get(key)
        if test is not _ANY and (test is None or not test(value)):
            check_fields(fields, spec, language, at, report, what=what, state=name)
            break
    required = REQUIRED.get(kind)
    if required:
        require(state, required, at, report, what=what, state=name)
    for one, other in (_EXCLUSIVE if not _EXCLUSIVE_FIELDS.isdisjoint(state) else ()):
        if one in state and other in state:
            report.error("CONFLICTING_FIELDS", (*at, other),
                         f"{what} has both {one} and {other}, which set the same thing: keep one.", name)
    if language == JSONATA:
        for key, value in state.items():
            if key not in _NOT_EXPRESSIONS:
                check_template(value, JSONATA, (*at, key), report, name, what)
    else:
        _check_jsonpath_fields(state, at, report, name, what)
    # most states have none of these: a membership test is cheaper than get-and-type
    if "Assign" in state and type(state["Assign"]) is dict:
        check_assign(state["Assign"], language, (*at, "Assign"), report, name, what)
    if "Retry" in state and type(state["Retry"]) is list:
        check_retry(state["Retry"], (*at, "Retry"), report, name, language)
    if "Catch" in state and type(state["Catch"]) is list:
        check_catch(state["Catch"], (*at, "Catch"), report, name, language, edges)
    if kind == "Task":
        _check_task(state, at, report, name, what)
    elif kind == "Wait":
        _check_wait(state, at, report, name, what)
    elif kind == "Choice":
        if type(state.get("Choices")) is list:
            check_choices(state["Choices"], (*at, "Choices"), report, name, language, edges)
    elif kind == "Parallel":
        branches = state.get("Branches")
        if type(branches) is list:
            for i, branch in enumerate(branches):
                if type(branch) is dict:
                    _check_nested(branch, (*at, "Branches", i), BRANCH_FIELDS, BRANCH_SCOPE, walk, nesting,
                                  f"{what} branch #{i + 1}", name)
    elif kind == "Map":
        check_map(state, name, at, report, language)
        for key in ("ItemProcessor", "Iterator"):
            if type(state.get(key)) is dict:
                _check_nested(state[key], (*at, key), PROCESSOR_FIELDS, PROCESSOR_SCOPE, walk, nesting,
                              f"{what} {key}", name)
    if not known or ((kind == "Choice" or "Catch" in state) and not _targets_known(state, kind)):
        return None
    return kind in TERMINAL_TYPES or state.get("End") is True


def _targets_known(state: dict, kind: str) -> bool:
    """Whether every Choice rule and catcher names where it goes (the usual case: no Catch, no Choice)."""
    if kind == "Choice" and not _each_names_next(state.get("Choices")):
        return False
    return "Catch" not in state or _each_names_next(state["Catch"])


def _each_names_next(items) -> bool:
    if type(items) is not list or not items:
        return False
    for item in items:
        if type(item) is not dict or type(item.get("Next")) is not str:
            return False
    return True


def _no_transition(what: str, kind: str, key: str) -> str:
    if kind == "Choice":
        return (f"{what} is a Choice, so it cannot have {key}: set Next on each rule in Choices and "
                f"Default for when none matches.")
    return f"{what} is a {kind} state, which ends the run by itself: remove {key}."


def _check_nested(scope: dict, at: tuple, fields: dict, scope_fields: tuple, walk: _Walk, nesting: int, what: str,
                  state: str) -> None:
    if nesting >= _MAX_NESTING:
        walk.report.error("INVALID_VALUE", at, f"{what} is nested too deeply.", state)
        return
    check_fields(scope, fields, JSONPATH, at, walk.report, what=what, state=state)
    require(scope, _required_of(scope), at, walk.report, what=what, state=state)
    _check_scope(scope, at, walk, nesting + 1, scope_fields)


def _check_jsonpath_fields(state: dict, at: tuple, report: Report, name: str, what: str) -> None:
    # one pass over the state's own fields: states have few fields, the table has many
    for key, value in state.items():
        role = _JSONPATH_ROLES.get(key)
        if role is None:
            continue
        if role == "template":
            if type(value) is dict or type(value) is list:  # nothing else in a JSONPath template to check
                check_template(value, JSONPATH, (*at, key), report, name, what)
        elif type(value) is not str:
            continue
        elif role == "path":
            problem = path_error(value)
            if problem:
                report.error("INVALID_PATH", (*at, key),
                             f"{what}: {key} '{value}' is not a valid path such as $.field: {problem}.", name)
        elif role == "result":
            # the usual '$.field' answered here; anything else gets the full check and its message
            if reference_path_error(value, input_only=True) is not None:
                check_result_path(value, (*at, "ResultPath"), report, name, what)
        else:
            if role == "text" and value.startswith("States."):
                from ..intrinsics import intrinsic_error

                problem = intrinsic_error(value)
                called = value.strip().split("(", 1)[0]
                if problem is None and called not in _TEXT_FUNCTIONS:
                    problem = (f"{called} does not give text; use one that does "
                               f"({', '.join(sorted(_TEXT_FUNCTIONS))})")
                if problem:
                    report.error("INVALID_INTRINSIC", (*at, key),
                                 f"{what}: the intrinsic function in {key} is not valid: {problem}.", name)
                continue
            problem = reference_path_error(value)
            if problem:
                report.error("INVALID_REFERENCE_PATH", (*at, key),
                             f"{what}: {key} '{value}' is not a reference path such as $.field: {problem}.", name)


_JSONPATH_ROLES = {"InputPath": "path", "OutputPath": "path", "ResultPath": "result",
                   "Parameters": "template", "ResultSelector": "template", "ItemSelector": "template",
                   "ErrorPath": "text", "CausePath": "text",
                   **{key: "reference" for key in _REFERENCE_PATH_FIELDS if key not in ("ErrorPath", "CausePath")}}


def _check_task(state: dict, at: tuple, report: Report, name: str, what: str) -> None:
    resource = state.get("Resource")
    if type(resource) is str:
        problem = resource_problem(resource)
        if problem:
            severity, text = problem
            code = "INVALID_RESOURCE" if severity == "error" else "UNKNOWN_RESOURCE"
            getattr(report, severity)(code, (*at, "Resource"), f"{what}: Resource '{resource}' {text}.", name)
    elif is_cloudformation(resource):
        report.warning("UNKNOWN_RESOURCE", (*at, "Resource"),
                       f"{what}: Resource is a CloudFormation reference ({next(iter(resource))}), filled in when "
                       f"the template is deployed; Statewise cannot check the ARN it will become.", name)
    credentials = state.get("Credentials")
    if type(credentials) is dict and "RoleArn" not in credentials and "RoleArn.$" not in credentials:
        report.error("MISSING_ROLE_ARN", (*at, "Credentials"),
                     f"{what}: Credentials must name the role to assume in RoleArn: add \"RoleArn\" "
                     f"(or \"RoleArn.$\" with a path).", name)
    heartbeat, timeout = state.get("HeartbeatSeconds"), state.get("TimeoutSeconds")
    if type(heartbeat) is int and type(timeout) is int and heartbeat >= timeout:
        report.error("HEARTBEAT_NOT_BELOW_TIMEOUT", (*at, "HeartbeatSeconds"),
                     f"{what}: HeartbeatSeconds ({heartbeat}) must be less than TimeoutSeconds ({timeout}): "
                     f"lower the heartbeat or raise the timeout.", name)


def _check_wait(state: dict, at: tuple, report: Report, name: str, what: str) -> None:
    given = [k for k in _WAIT_FIELDS if k in state]
    if not given:
        report.error("WAIT_DURATION", at,
                     f"{what} does not say how long to wait: add Seconds, Timestamp, SecondsPath or TimestampPath.",
                     name)
    elif len(given) > 1:
        report.error("WAIT_DURATION", (*at, given[1]),
                     f"{what} has {' and '.join(given)}, but a Wait takes exactly one of Seconds, Timestamp, "
                     f"SecondsPath and TimestampPath: keep one.", name)
