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
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..shape import start_of, states_of, sub_programs, transitions
from ..testing import conditions as cond
from .jsonata_views import body, keys_in, view_of

ANY, STRING, NUMBER, INTEGER, BOOLEAN, TIMESTAMP, ARRAY, OBJECT = (
    "any", "string", "number", "integer", "boolean", "timestamp", "array", "object")
EVERY = "*"   # every item of an array
MAX_STATES = 2_000

_KIND_TYPES = {"numeric": NUMBER, "string": STRING, "timestamp": TIMESTAMP, "boolean": BOOLEAN}
_TYPEIS = {"numeric": NUMBER, "string": STRING, "boolean": BOOLEAN, "timestamp": TIMESTAMP}
_PLAIN_PATH = re.compile(r"(?<![\w$])\$((?:\.[A-Za-z_][\w-]*|\[\d+\])+)")
_JSONATA_INPUT = re.compile(r"\$states\.input((?:\.[A-Za-z_][\w]*|\[\d+\])*)")
_JSONATA_RESULT = re.compile(r"\$states\.result((?:\.[A-Za-z_][\w]*|\[\d+\])*)")
_ITEM_VALUE = re.compile(r"\$\$\.Map\.Item\.Value((?:\.[A-Za-z_][\w-]*|\[\d+\])*)")
_INTRINSIC_CALL = re.compile(r"(States\.[A-Za-z]+)\(([^()]*)\)")
_VAR_PATH = re.compile(r"(?<![\w$])\$([A-Za-z_]\w*)((?:\.[A-Za-z_][\w-]*|\[\d+\])*)")
_INTRINSIC_TYPES = {"States.ArrayLength": ARRAY, "States.ArrayContains": ARRAY, "States.ArrayGetItem": ARRAY,
                    "States.ArrayPartition": ARRAY, "States.ArrayUnique": ARRAY, "States.ArrayRange": INTEGER,
                    "States.MathAdd": NUMBER, "States.StringSplit": STRING, "States.Base64Encode": STRING,
                    "States.Base64Decode": STRING, "States.Hash": STRING, "States.StringToJson": STRING,
                    "States.JsonMerge": OBJECT}


@dataclass(frozen=True)
class View:
    """Where a state's data comes from: ``origin`` (None: the execution input; else the name of
    the Task whose answer it is) at ``prefix`` (None: nothing underneath, an object built field
    by field), with ``over``: fields put on top (by ResultPath, Parameters, ResultSelector), each
    with its own view (None: not traced)."""
    prefix: tuple | None = ()
    origin: str | None = None
    over: tuple = ()

    def _over(self, key: Any) -> tuple[bool, "View | None"]:
        for k, v in self.over:
            if k == key:
                return True, v
        return False, None

    def at(self, keys: tuple) -> tuple | None:
        """``(origin, keys)`` of ``keys`` of this data (None: built on the way, not traced)."""
        if keys:
            found, view = self._over(keys[0])
            if found:
                traced = view.at(keys[1:]) if view is not None else None
                if traced is not None or self.origin is None or self.prefix is None:
                    return traced
                # A field of a Task's answer that is not traced further comes from the answer
                # itself (the fields read from it are added to it).
        if self.prefix is None:
            return None
        return self.origin, self.prefix + tuple(keys)

    def down(self, keys: tuple) -> "View | None":
        if not keys:
            return self
        found, view = self._over(keys[0])
        if found:
            below = view.down(keys[1:]) if view is not None else None
            if below is not None or self.origin is None or self.prefix is None:
                return below
        if self.prefix is None:
            return None
        return View(self.prefix + tuple(keys), self.origin)

    def put(self, keys: tuple, view: "View | None") -> "View":
        """This data with ``view`` placed at ``keys`` (a ResultPath)."""
        key, rest = keys[0], keys[1:]
        if rest:
            inner = self.down((key,)) or View(None)
            view = inner.put(rest, view)
        return View(self.prefix, self.origin, tuple((k, v) for k, v in self.over if k != key) + ((key, view),))


@dataclass
class Read:
    keys: tuple
    type: str
    states: list = field(default_factory=list)


@dataclass
class Choice:
    """A Choice state met on the way, with the view of the data its rules read."""
    name: str
    state: dict
    view: View
    jsonata: bool
    distances: dict      # the Choice's options' targets -> steps to a good end (None: none)


@dataclass
class Reads:
    fields: dict = field(default_factory=dict)     # keys in the execution input -> Read, in the order first read
    answers: dict = field(default_factory=dict)    # Task name -> {keys in its answer -> Read}
    choices: list = field(default_factory=list)
    views: dict = field(default_factory=dict)      # state name -> (view of its input, of its effective input)
    vars: dict = field(default_factory=dict)       # variable name -> view of its value (as first assigned)

    def var(self, name: str, keys: tuple = ()) -> "View | None":
        view = self.vars.get(name)
        return view.down(keys) if view is not None else None

    def add(self, where: tuple | None, type_: str, state: str) -> None:
        if where is None:
            return
        origin, keys = where
        if not keys:
            return
        table = self.fields if origin is None else self.answers.setdefault(origin, {})
        read = table.get(keys)
        if read is None:
            table[keys] = read = Read(keys, type_)
        elif read.type in (ANY, STRING, OBJECT) and type_ not in (ANY,):
            read.type = type_
        if state not in read.states:
            read.states.append(state)


def keys_of(path: Any) -> tuple | None:
    """``$.a.b[0]`` -> ("a", "b", 0); None for what is not a plain path into the data."""
    if not isinstance(path, str):
        return None
    try:
        ref = cond.jsonpath_ref(path.strip())
    except cond.Unsolvable:
        return None
    return ref[1] if ref[0] == "input" else None


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


def _template(template: Any, view: View | None, out: Reads, name: str, item: View | None = None) -> View | None:
    """Record the paths a Parameters-like template reads (types from the intrinsics taking
    them); the view of the object it builds. ``item``: where ``$$.Map.Item.Value`` comes from."""
    if isinstance(template, dict):
        over = []
        for key, value in template.items():
            if isinstance(key, str) and key.endswith(".$") and isinstance(value, str):
                typed = {p.group(1): _INTRINSIC_TYPES.get(m.group(1), ANY) for m in _INTRINSIC_CALL.finditer(value)
                         for p in _PLAIN_PATH.finditer(m.group(2))}
                for m in _VAR_PATH.finditer(value):
                    if m.group(1) in out.vars:
                        out.add(out.var(m.group(1)).at(keys_in(m.group(2))) if out.var(m.group(1)) else None,
                                ANY, name)
                for m in _PLAIN_PATH.finditer(value):
                    keys = keys_of("$" + m.group(1))
                    if keys is not None and view is not None:
                        out.add(view.at(keys), typed.get(m.group(1), ANY), name)
                for m in _ITEM_VALUE.finditer(value):
                    keys = keys_of("$" + m.group(1))
                    if item is not None and keys:
                        out.add(item.at(keys), ANY, name)
                text = value.strip()
                keys = keys_of(text) if not text.startswith("$$") else None
                var = _VAR_PATH.fullmatch(text)
                if keys is not None and view is not None:
                    over.append((key[:-2], view.down(keys)))
                elif var is not None and var.group(1) in out.vars:
                    over.append((key[:-2], out.var(var.group(1), keys_in(var.group(2)))))
                elif item is not None and _ITEM_VALUE.fullmatch(text):
                    over.append((key[:-2], item.down(keys_of("$" + _ITEM_VALUE.fullmatch(text).group(1)) or ())))
                else:
                    over.append((key[:-2], None))
            else:
                over.append((key, _template(value, view, out, name, item)))
        return View(None, None, tuple(over))
    if isinstance(template, list):
        for value in template:
            _template(value, view, out, name, item)
    return None


def _jsonata_reads(value: Any, view: View | None, out: Reads, name: str, result: View | None = None) -> None:
    """``$states.input.x`` (and ``$states.result.x``) in a JSONata state's expressions."""
    for text in _strings(value):
        if "{%" not in text:
            continue
        for pattern, base in ((_JSONATA_INPUT, view), (_JSONATA_RESULT, result)):
            if base is None:
                continue
            for m in pattern.finditer(text):
                keys = keys_of("$" + m.group(1)) if m.group(1) else None
                if keys:
                    out.add(base.at(keys), ANY, name)
        for m in _VAR_PATH.finditer(text):
            keys = keys_in(m.group(2))
            if m.group(1) != "states" and keys and out.var(m.group(1)) is not None:
                out.add(out.var(m.group(1)).at(keys), ANY, name)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _rule_types(node: Any, view: View, out: Reads, name: str) -> None:
    if isinstance(node, cond.Negation):
        _rule_types(node.part, view, out, name)
    elif isinstance(node, cond.Junction):
        for part in node.parts:
            _rule_types(part, view, out, name)
    elif isinstance(node, (cond.Cmp, cond.TypeIs, cond.Matches)):
        if isinstance(node, cond.Cmp):
            type_ = _KIND_TYPES[node.kind]
        elif isinstance(node, cond.TypeIs):
            type_ = _TYPEIS.get(node.type, ANY) if node.want else ANY
        else:
            type_ = STRING
        for ref in (node.ref, node.value if isinstance(node, cond.Cmp) and isinstance(node.value, tuple) else None):
            if ref is not None:
                out.add(ref_at(ref, view, out), type_, name)


def ref_at(ref: tuple, view: View | None, out: Reads) -> tuple | None:
    """Where a Choice rule's reference (``("input", keys)`` or ``("var", name, keys)``) comes from."""
    if ref[0] == "input":
        return view.at(ref[1]) if view is not None else None
    var = out.var(ref[1])
    return var.at(ref[2]) if var is not None else None


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


def _jsonata_view(value: Any, view: View | None, result: View | None, out: Reads) -> View | None:
    text = body(value)
    if text is None:
        if isinstance(value, dict):
            return View(None, None, tuple((k, _jsonata_view(v, view, result, out)) for k, v in value.items()))
        return None

    def resolve(base: str, keys: tuple) -> View | None:
        source = view if base == "states.input" else result if base == "states.result" else out.var(base)
        return source.down(keys) if source is not None else None

    def make(over: tuple, base: View | None = None) -> View:
        if base is None:
            return View(None, None, over)
        for key, v in over:
            base = base.put((key,), v)
        return base
    return view_of(text, resolve, make)


def _jsonata_assign(assign: Any, view: View | None, result: View | None, out: Reads) -> None:
    if isinstance(assign, dict):
        for key, value in assign.items():
            out.vars.setdefault(key, _jsonata_view(value, view, result, out))


def _jsonpath_assign(assign: Any, source: View | None, out: Reads, name: str) -> None:
    if not isinstance(assign, dict):
        return
    _template(assign, source, out, name)
    for key, value in assign.items():
        if isinstance(key, str) and key.endswith(".$") and isinstance(value, str):
            keys = keys_of(value)
            var = _VAR_PATH.fullmatch(value.strip())
            if keys is not None and source is not None:
                out.vars.setdefault(key[:-2], source.down(keys))
            elif var is not None:
                out.vars.setdefault(key[:-2], out.var(var.group(1), keys_in(var.group(2))))
            else:
                out.vars.setdefault(key[:-2], None)
        elif isinstance(key, str):
            out.vars.setdefault(key, None)


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
