"""Which fields of the execution input a definition reads, and as what type.

Each state's input is followed back to the execution input with a *view*: the keys under which
the state's input sits in the execution input (``()`` for the whole input, ``("order",)`` after
``InputPath: $.order``, ``("orders", "*")`` for an item of an inline Map over ``$.orders``),
plus the top-level fields a result has replaced on the way (a field a Task wrote with
``ResultPath: $.status`` no longer comes from the input). A view is None where the input was
built on the way (Parameters, ResultSelector, a Parallel's results...): paths read there are not
traced back. The answer a Task gives follows the unmocked mode: with ``return_input`` a Task
without Parameters passes its input on, so what it outputs still comes from the input.

Types come from how a path is read: a Choice comparison (``NumericGreaterThan`` -> number,
``BooleanEquals`` -> boolean, ``Timestamp...`` -> timestamp), ``ItemsPath`` (array),
``SecondsPath`` (integer), ``TimestampPath`` (timestamp), an intrinsic (``States.ArrayLength``
-> array, ``States.MathAdd`` -> number); anything else is ``any`` (a text value is proposed).

The walk is here; what it records is in ``traces.py``, the reading of a state's fields in
``expressions.py``. Every name callers import stays importable here.
"""
from __future__ import annotations

from typing import Any

from ..shape import start_of, states_of, sub_programs, transitions
from ..testing import conditions as cond
from .expressions import (_JSONATA_INPUT, _jsonata_assign, _jsonata_reads, _jsonata_view, _jsonpath_assign,
                          _rule_types, _template)
from .traces import (ANY, ARRAY, BOOLEAN, EVERY, INTEGER, NUMBER, OBJECT, STRING, TIMESTAMP, Choice,  # noqa: F401
                     Read, Reads, View, keys_of, ref_at)

MAX_STATES = 2_000


def collect(definition: Any, *, passes_input: bool = True) -> Reads:
    """The execution-input fields ``definition`` reads, and what it reads from Tasks' answers.
    ``passes_input``: a Task without Parameters or Arguments outputs its input (the
    ``return_input`` answer)."""
    out = Reads()
    jsonata = isinstance(definition, dict) and definition.get("QueryLanguage") == "JSONata"
    _program(definition, View(()), jsonata, out, passes_input, [0])
    return out


def _program(program: Any, view: View | None, jsonata: bool, out: Reads, passes: bool, budget: list) -> None:
    states = states_of(program)
    start = start_of(program)
    if start not in states:
        return
    distances = _distances(states)
    views: dict[str, View | None] = {start: view}
    todo = [start]
    while todo:
        budget[0] += 1
        if budget[0] > MAX_STATES:
            return
        name = todo.pop(0)
        state = states[name]
        if not isinstance(state, dict):
            continue
        outputs = _state(name, state, views[name], jsonata or state.get("QueryLanguage") == "JSONata",
                         out, passes, budget, distances)
        for kind, _, target in transitions(state):
            if target in states and target not in views:
                views[target] = outputs[1] if kind == "catch" else outputs[0]
                todo.append(target)


def _distances(states: dict) -> dict:
    """Each state's fewest steps to a Succeed state or an End that is not a Fail (catchers not
    counted: a run that reaches its end through a caught error is not the happy path)."""
    dist: dict[str, int] = {}
    for name, state in states.items():
        if isinstance(state, dict) and (state.get("Type") == "Succeed" or
                                        (state.get("End") is True and state.get("Type") != "Fail")):
            dist[name] = 0
    changed = True
    while changed:
        changed = False
        for name, state in states.items():
            targets = [t for kind, _, t in transitions(state) if kind != "catch" and t in dist]
            if targets:
                best = min(dist[t] for t in targets) + 1
                if dist.get(name, best + 1) > best:
                    dist[name], changed = best, True
    return dist


def _task_result(name: str, state: dict, eff: View | None, params: View | None, jsonata: bool,
                 passes: bool) -> View:
    """What a Task's answer is made of when nobody mocked it (``interpreter/unmocked.py``)."""
    resource = str(state.get("Resource", ""))
    shaped = state.get("Arguments" if jsonata else "Parameters") is not None
    answer = View((), name)
    if not passes or resource.endswith((".sync", ".sync:2")):
        return answer
    given = params if shaped else eff
    if resource.endswith(":lambda:invoke") or resource.endswith(":lambda:invoke.waitForTaskToken"):
        payload = given.down(("Payload",)) if given is not None else None
        return View((), name, (("Payload", payload),)) if payload is not None else answer
    if given is None:
        return answer
    if given.prefix is None:   # an object built from Parameters: the answer's other fields are made up
        return View((), name, given.over)
    return given


def _state(name: str, state: dict, view: View | None, jsonata: bool, out: Reads, passes: bool,
           budget: list, distances: dict) -> tuple[View | None, View | None]:
    """Record what the state reads; its output's view and its catchers' view."""
    kind = state.get("Type")
    params: View | None = None
    if jsonata:
        eff = view
        for key in ("Arguments", "Items", "TimeoutSeconds", "HeartbeatSeconds", "Seconds",
                    "Timestamp", "Error", "Cause", "MaxConcurrency", "ItemSelector"):
            _jsonata_reads(state.get(key), view, out, name)
        for rule in state.get("Choices") or [] if isinstance(state.get("Choices"), list) else []:
            _jsonata_reads(rule.get("Condition") if isinstance(rule, dict) else None, view, out, name)
    else:
        input_path = state.get("InputPath", "$")
        keys = keys_of(input_path)
        eff = view.down(keys) if view is not None and keys is not None else None
        if view is not None and keys:
            out.add(view.at(keys), OBJECT, name)
        if kind != "Map":
            params = _template(state.get("Parameters"), eff, out, name)
        for key, type_ in (("SecondsPath", INTEGER), ("TimestampPath", TIMESTAMP), ("TimeoutSecondsPath", INTEGER),
                           ("HeartbeatSecondsPath", INTEGER), ("MaxConcurrencyPath", INTEGER),
                           ("ErrorPath", STRING), ("CausePath", STRING)):
            keys = keys_of(state.get(key))
            if keys and eff is not None:
                out.add(eff.at(keys), type_, name)
    out.views.setdefault(name, (view, eff))
    if kind == "Choice" and eff is not None:
        rules = state.get("Choices") if isinstance(state.get("Choices"), list) else []
        for rule in rules:
            try:
                _rule_types(cond.condition_of(rule, jsonata), eff, out, name)
            except cond.Unsolvable:
                continue
        targets = [t for k, _, t in transitions(state) if k in ("choice", "default")]
        out.choices.append(Choice(name, state, eff, jsonata, {t: distances.get(t) for t in targets}))
    result: View | None = None
    if kind in ("Map", "Parallel"):
        _children(name, state, eff, jsonata, out, passes, budget)
    elif kind == "Task":
        result = _task_result(name, state, eff, params, jsonata, passes)
    elif kind == "Pass":
        result = None if "Result" in state or state.get("Output") is not None else \
            params if state.get("Parameters") is not None else eff
    if jsonata:
        _jsonata_reads(state.get("Output"), view, out, name, result)
        _jsonata_reads(state.get("Assign"), view, out, name, result)
        _jsonata_assign(state.get("Assign"), view, result, out)
        for rule in state.get("Choices") or [] if isinstance(state.get("Choices"), list) else []:
            if isinstance(rule, dict):
                _jsonata_assign(rule.get("Assign"), view, None, out)
        output = state.get("Output")
        if output is None:
            return (result if kind in ("Task", "Pass", "Map", "Parallel") else view), view
        return _jsonata_view(output, view, result, out), view
    if state.get("ResultSelector") is not None and result is not None:
        result = _template(state.get("ResultSelector"), result, out, name)
    elif state.get("ResultSelector") is not None:
        result = None
    assigned = result if kind in ("Task", "Map", "Parallel") else eff
    _jsonpath_assign(state.get("Assign"), assigned, out, name)
    if kind in ("Choice", "Wait", "Succeed", "Fail"):
        output = eff
    else:
        output = _placed(view, result, state.get("ResultPath", "$"))
    caught = view
    for catcher in state.get("Catch") or [] if isinstance(state.get("Catch"), list) else []:
        if isinstance(catcher, dict):
            caught = _placed(view, None, catcher.get("ResultPath", "$"))
            break
    output_path = state.get("OutputPath", "$")
    if output is not None and output_path != "$":
        keys = keys_of(output_path)
        if keys:
            out.add(output.at(keys), OBJECT, name)
        output = output.down(keys) if keys is not None else None
    return output, caught


def _placed(view: View | None, result: View | None, result_path: Any) -> View | None:
    """The output's view once ResultPath has put the result in the input."""
    if result_path is None:
        return view
    keys = keys_of(result_path)
    if keys is None:
        return None
    if not keys:
        return result
    if view is None or not all(isinstance(k, str) for k in keys):
        return None
    return view.put(keys, result)


def _children(name: str, state: dict, eff: View | None, jsonata: bool, out: Reads, passes: bool,
              budget: list) -> None:
    if state.get("Type") == "Parallel":
        for _, branch in sub_programs(state):
            _program(branch, eff, jsonata, out, passes, budget)
        return
    item_view: View | None = None
    items: View | None = None
    if isinstance(state.get("ItemReader"), dict):
        reader = state["ItemReader"]
        if jsonata:
            _jsonata_reads(reader.get("Arguments"), eff, out, name)
        else:
            _template(reader.get("Parameters"), eff, out, name)
            config = reader.get("ReaderConfig") if isinstance(reader.get("ReaderConfig"), dict) else {}
            keys = keys_of(config.get("MaxItemsPath"))
            if keys and eff is not None:
                out.add(eff.at(keys), INTEGER, name)
    elif jsonata:
        text = state.get("Items")
        m = _JSONATA_INPUT.fullmatch(text.strip()[2:-2].strip()) if isinstance(text, str) and \
            text.strip().startswith("{%") and text.strip().endswith("%}") else None
        keys = keys_of("$" + m.group(1)) if m else None
        if text is None:
            keys = ()
        if keys is not None and eff is not None:
            items = eff.down(keys)
    else:
        keys = keys_of(state.get("ItemsPath", "$"))
        if keys is not None and eff is not None:
            items = eff.down(keys)
    item = items.down((EVERY,)) if items is not None else None
    if items is not None:
        out.add(items.at(()), ARRAY, name)
    selector = state.get("ItemSelector", state.get("Parameters"))
    if selector is None:
        item_view = item
    elif not jsonata:
        item_view = _template(selector, eff, out, name, item=item)
    for _, processor in sub_programs(state):
        processor_jsonata = jsonata if processor.get("QueryLanguage") is None else \
            processor.get("QueryLanguage") == "JSONata"
        _program(processor, item_view, processor_jsonata, out, passes, budget)
