"""What every state has, parsed once, and the data flow AWS applies around its work.

JSONPath states: InputPath → Parameters → (the state's work) → ResultSelector → ResultPath →
OutputPath. JSONata states: Arguments → (the work) → Output, both ``{% %}`` templates reading
``$states``. In both, Assign reads the variables as they were when the state was entered and
its values take effect as the state exits.
``"$"`` is the identity and is represented by ``IDENTITY`` so the hot path skips it; ``null``
(``None``) means "nothing": an empty object for InputPath/OutputPath, the unchanged input for
ResultPath.
"""
from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass
from typing import Any, Callable, ClassVar

from ..diagnostic import Diagnostic, pointer as make_pointer
from ..error_handling import Catcher, Retrier, parse_catchers, parse_retriers
from ..errors import DefinitionError, StateRuntimeError, StatesError
from ..jsonpath import JsonPath, JsonPathSyntaxError, PathNotFound, ResultPathMatchFailure, \
    compile_path, compile_reference_path, set_reference_path
from ..jsonata_query import Env, compile_expression, compile_template as compile_jsonata
from ..jsontext import dumps
from ..payload import compile_template
from ..sizes import merged_bound
from ..variables import checked

IDENTITY = "$"
_ABSENT = object()
# AWS reads these from a string of digits too (recorded: MaxConcurrencyPath naming "1").
# Counts AWS also takes as a string of digits from a path or a variable (recorded for
# MaxConcurrencyPath and ToleratedFailure*Path set from "1", and the ItemReader/ItemBatcher counts
# set from variables in the same recorded tests).
_STRING_COUNTS = frozenset({"MaxConcurrencyPath", "MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath"})


def quick_init(cls: type) -> type:
    """Give a frozen, slotted dataclass an ``__init__`` that stores through the slots directly.

    The generated one calls ``object.__setattr__`` per field to get past the frozen guard; for a
    state's seventeen-odd fields that is most of the cost of building it, and a definition builds
    hundreds. Same signature, same defaults, same frozen object afterwards.
    """
    assert "__slots__" in cls.__dict__ and cls.__dataclass_params__.frozen, \
        f"apply quick_init above @dataclass(frozen=True, slots=True) on {cls.__name__}"
    slots = {}
    for klass in reversed(cls.__mro__):
        for name in klass.__dict__.get("__slots__", ()):
            slots[name] = klass.__dict__[name].__set__
    namespace: dict[str, Any] = {}
    params, body = [], []
    kw_only = False
    for i, param in enumerate(inspect.signature(cls.__init__).parameters.values()):
        if i == 0:
            continue  # self
        field = cls.__dataclass_fields__[param.name]
        assert field.default_factory is dataclasses.MISSING and not cls.__dict__.get("__post_init__"), \
            f"quick_init does not handle default_factory or __post_init__ ({cls.__name__}.{param.name}): drop it there"
        if param.kind is param.KEYWORD_ONLY and not kw_only:
            params.append("*")
            kw_only = True
        if param.default is param.empty:
            params.append(param.name)
        else:
            namespace[f"_d_{param.name}"] = param.default
            params.append(f"{param.name}=_d_{param.name}")
        namespace[f"_s_{param.name}"] = slots[param.name]
        body.append(f"    _s_{param.name}(self, {param.name})")
    assert len(body) == len(slots), f"{cls.__name__} has slots that are not init fields"
    exec(f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body or ["    pass"]) + "\n", namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init
    return cls


@quick_init
@dataclass(frozen=True, slots=True, kw_only=True)
class State:
    type: ClassVar[str] = ""
    name: str
    pointer: str
    comment: str | None = None
    next: str | None = None
    end: bool = False
    input_path: Any = IDENTITY
    output_path: Any = IDENTITY
    parameters: Callable | None = None
    result_selector: Callable | None = None
    result_path: Any = IDENTITY
    retriers: tuple[Retrier, ...] = ()
    catchers: tuple[Catcher, ...] = ()
    jsonata: bool = False
    assign: Callable | None = None      # JSONPath: (data, scope) -> dict; JSONata: (env) -> dict
    output: Callable | None = None      # JSONata Output
    arguments: Callable | None = None   # JSONata Arguments

    # Per-type behaviour, filled in by each module: run(execution, thread, state).
    def run(self, ex, th) -> None:  # pragma: no cover - every type overrides it
        raise NotImplementedError

    def children(self) -> tuple:
        """Nested programs (Parallel branches, a Map's processor)."""
        return ()


class Fields:
    """Reads a state's raw JSON, turning every problem into a DefinitionError at its pointer."""
    __slots__ = ("name", "raw", "pointer", "machine_language", "jsonata")

    def __init__(self, name: str, raw: dict, pointer: str, machine_language: str = "JSONPath"):
        self.name, self.raw, self.pointer = name, raw, pointer
        # Nested programs take the machine's language; a state may choose its own.
        self.machine_language = machine_language
        self.jsonata = raw.get("QueryLanguage", machine_language) == "JSONata"

    def at(self, *keys: str | int) -> str:
        return self.pointer + make_pointer(*keys)

    def fail(self, code: str, key: str | tuple | None, message: str) -> DefinitionError:
        """``key`` is one field of the state, or a tuple of keys for one deeper inside it."""
        where = self.at(*key) if type(key) is tuple else self.at(key) if key else self.pointer
        return DefinitionError(Diagnostic(code, where, message, state=self.name))

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)

    def string(self, key: str, required: bool = False) -> str | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                raise self.fail("MISSING_FIELD", None, f"State '{self.name}' needs a {key}.")
            return None
        if not isinstance(value, str):
            raise self.fail("INVALID_FIELD", key, f"{key} of state '{self.name}' must be a string.")
        return value

    def number(self, key: str, integer: bool = False, minimum: float | None = None) -> Any:
        value = self.raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not float(value).is_integer()):
            raise self.fail("INVALID_FIELD", key, f"{key} of state '{self.name}' must be "
                                                  f"{'a whole number' if integer else 'a number'}.")
        if minimum is not None and value < minimum:
            raise self.fail("INVALID_FIELD", key, f"{key} of state '{self.name}' must be at least {minimum}.")
        return int(value) if integer else value

    def path(self, key: str, reference: bool = False, nullable: bool = True, single: bool = False) -> Any:
        """A path field. ``single``: a reference path (one node, from any root: ItemsPath and the
        ``...Path`` settings); ``reference``: ResultPath's, which also starts from ``$``."""
        if key not in self.raw:
            return IDENTITY
        value = self.raw[key]
        if value is None:
            if not nullable:
                raise self.fail("INVALID_PATH", key, f"{key} of state '{self.name}' cannot be null.")
            return None
        if value == "$":
            return IDENTITY
        try:
            if reference or single:
                return compile_reference_path(value, input_only=reference)
            return compile_path(value)
        except (JsonPathSyntaxError, TypeError) as e:
            raise self.fail("INVALID_PATH", key, f"{key} of state '{self.name}': {e}") from None

    def template(self, key: str) -> Callable | None:
        if key not in self.raw:
            return None
        if self.jsonata:
            return compile_jsonata(self.raw[key], key, self.at(key))
        return compile_template(self.raw[key], self.pointer, key)

    def assign(self, raw: dict | None = None, at: str | None = None) -> Callable | None:
        """Assign (of the state, or of a catcher or Choice rule when given)."""
        holder = self.raw if raw is None else raw
        value = holder.get("Assign")
        if value is None:
            return None
        where = (self.pointer if at is None else at) + "/Assign"
        if not isinstance(value, dict):
            raise DefinitionError(Diagnostic("INVALID_ASSIGN", where, f"Assign of state '{self.name}' must be "
                                             f"an object of variable names and values.", state=self.name))
        if self.jsonata:
            return checked(compile_jsonata(value, "Assign", where))
        return checked(compile_template(value, where))

    def transition(self, terminal_allowed: bool = True) -> dict:
        raw = self.raw
        next_, end = raw.get("Next"), raw.get("End", False)
        if next_ is not None and not isinstance(next_, str):
            raise self.fail("INVALID_FIELD", "Next", f"Next of state '{self.name}' must be a state name.")
        if end not in (True, False):
            raise self.fail("INVALID_FIELD", "End", f"End of state '{self.name}' must be true or false.")
        if (next_ is None) == (not end):
            raise self.fail("NEXT_XOR_END", None, f"State '{self.name}' must have either Next or End: true.")
        return {"next": next_} if next_ is not None else {"end": True}

    def common(self, *, parameters: bool = True, result: bool = True, assign: bool = True) -> dict:
        """JSONPath: InputPath/OutputPath always, Parameters and the result fields where the type has
        them. JSONata: Output, and Arguments where the type takes Parameters in JSONPath.

        Only the fields the state has are in the dict: for the others the state's defaults are the
        values these fields have when absent, and most states have few of them.
        """
        raw = self.raw
        out = {"name": self.name, "pointer": self.pointer}
        if "Comment" in raw:
            out["comment"] = raw["Comment"]
        if assign and "Assign" in raw:
            out["assign"] = self.assign()
        if self.jsonata:
            out["jsonata"] = True
            if "Output" in raw:
                out["output"] = self.template("Output")
            if parameters and "Arguments" in raw:
                out["arguments"] = self.template("Arguments")
            return out
        if "InputPath" in raw:
            out["input_path"] = self.path("InputPath")
        if "OutputPath" in raw:
            out["output_path"] = self.path("OutputPath")
        if parameters and "Parameters" in raw:
            out["parameters"] = compile_template(raw["Parameters"], self.pointer, "Parameters")
        if result:
            if "ResultSelector" in raw:
                out["result_selector"] = compile_template(raw["ResultSelector"], self.pointer, "ResultSelector")
            if "ResultPath" in raw:
                out["result_path"] = self.path("ResultPath", reference=True)
        return out

    def value(self, key: str) -> Any:
        """A field that JSONata states may give as an expression (Seconds, TimeoutSeconds, Error...):
        the compiled expression, or the literal as written."""
        return self.value_of(self.raw.get(key), key, self.at(key))

    def value_of(self, raw: Any, field: str, pointer: str) -> Any:
        if self.jsonata:
            expression = compile_expression(raw, field, pointer)
            if expression is not None:
                return expression
        return raw

    def error_handling(self) -> dict:
        raw = self.raw
        retry, catch = raw.get("Retry"), raw.get("Catch")
        return {"retriers": () if retry is None else parse_retriers(retry, self.at("Retry")),
                "catchers": () if catch is None else parse_catchers(catch, self.at("Catch"), self)}


# --- the data flow ----------------------------------------------------------------------

def jayway(path: JsonPath) -> str:
    """The bracketed form Jayway prints in 'No results for path' messages."""
    parts = ["$"]
    for kind, arg in path.steps:
        parts.append(f"['{arg}']" if kind == "key" else f"[{arg}]" if kind == "index" else "[*]")
    return "".join(parts)


def select(path: Any, data: Any, scope: Any) -> Any:
    """InputPath / OutputPath."""
    if path is IDENTITY:
        return data
    if path is None:
        return {}
    try:
        return path.evaluate(data, scope)
    except PathNotFound:
        raise StateRuntimeError("States.Runtime", f"Invalid path '{path.text}' : No results for path: "
                                f"{jayway(path)}") from None


def read_count(path: JsonPath, data: Any, scope: Any, field: str, minimum: int) -> int:
    """A ...Path field that must name a whole number (TimeoutSecondsPath, MaxConcurrencyPath...)."""
    value = select(path, data, scope)
    if type(value) is str and field in _STRING_COUNTS and value.isdigit():
        value = int(value)
    if type(value) is int and value < minimum and field == "MaxConcurrencyPath":
        raise StateRuntimeError("States.Runtime", f"Expected non-negative integer for MaxConcurrency, got "
                                f"'{value}' instead.")
    if type(value) is not int or value < minimum:
        # AWS quotes the value's text: "NoNumber", "{}", "-1".
        shown = value if type(value) is str else dumps(value)
        raise StateRuntimeError("States.Runtime", f'The {field} field refers to value "{shown}" '
                                f"which is not a valid integer: {path.text}")
    return value


def effective_input(state: State, raw: Any, scope: Any) -> Any:
    data = select(state.input_path, raw, scope)
    if state.parameters is not None:
        data = state.parameters(data, scope)
    return data


def place_result(state: State, raw: Any, result: Any, scope: Any, result_path: Any = _ABSENT) -> Any:
    """ResultPath then OutputPath: the state's output."""
    path = state.result_path if result_path is _ABSENT else result_path
    if path is IDENTITY:
        merged = result
    elif path is None:
        merged = raw
    else:
        try:
            merged = set_reference_path(raw, path, result)
        except ResultPathMatchFailure as e:
            raise StateRuntimeError("States.ResultPathMatchFailure",
                                    f"Unable to apply step \"{e.args[0]}\" to input {dumps(raw)}") from None
    output_path = state.output_path
    if output_path is IDENTITY:
        return merged
    return select(output_path, merged, scope)


def finish_result(state: State, raw: Any, result: Any, scope: Any) -> Any:
    """ResultSelector, ResultPath, OutputPath."""
    if state.result_selector is not None:
        result = state.result_selector(result, scope)
    return place_result(state, raw, result, scope)


_NO_RESULT = Env._NOTHING


def finish(ex, th, state: State, result: Any = _NO_RESULT, target: str | None = None,
           silent: bool = False) -> None:
    """The state's work is done (with ``result`` where it has one): Assign, the output, the exit.

    Assign and the output both read the variables from before the state; the new values are
    stored as the state exits. JSONPath Assign reads the result (after ResultSelector) as ``$``,
    or the state's input where the state has no result.
    """
    scope = ex.scope(th)
    assign = state.assign
    if state.jsonata:
        env = Env(th.input, scope, result)
        assigned = assign(env) if assign is not None else None
        if state.output is not None:
            output = state.output(env)
        else:
            output = th.input if result is _NO_RESULT else result
    else:
        if result is _NO_RESULT:
            data = select(state.input_path, th.input, scope)
            assigned = assign(data, scope) if assign is not None else None
            output = select(state.output_path, data, scope)
            size = th.size  # a part of the input: no larger than it
        else:
            if state.result_selector is not None:
                result = state.result_selector(result, scope)
            assigned = assign(result, scope) if assign is not None else None
            output = place_result(state, th.input, result, scope)
            size = merged_bound(state.result_path, th.size, result)
        ex.exit_state(th, state, output, target, silent=silent, assigned=assigned, size=size)
        return
    ex.exit_state(th, state, output, target, silent=silent, assigned=assigned)


def arguments(ex, th, state: State, scope: Any = None) -> Any:
    """What the state works on: JSONata Arguments (default: the input) or InputPath + Parameters."""
    if scope is None:
        scope = ex.scope(th)
    if state.jsonata:
        return state.arguments(Env(th.input, scope)) if state.arguments is not None else th.input
    return effective_input(state, th.input, scope)


__all__ = ["State", "Fields", "IDENTITY", "select", "effective_input", "place_result", "finish_result",
           "finish", "arguments", "StatesError", "StateRuntimeError", "jayway"]
