"""Pass, Succeed, Fail and Choice: states that finish in the transition that enters them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..choice_rules import compile_rule
from ..errors import StatesError
from ..payload import compile_dynamic_value
from .base import Fields, State, effective_input, place_result, select

_NO_RESULT = object()


@dataclass(frozen=True, slots=True, kw_only=True)
class PassState(State):
    type: ClassVar[str] = "Pass"
    result: Any = _NO_RESULT

    @classmethod
    def parse(cls, f: Fields) -> "PassState":
        return cls(**{**f.common(), "result_selector": None}, **f.transition(),
                   result=f.raw["Result"] if "Result" in f.raw else _NO_RESULT)

    def run(self, ex, th) -> None:
        raw = th.input
        scope = ex.scope(th)
        data = effective_input(self, raw, scope)
        result = data if self.result is _NO_RESULT else self.result
        ex.exit_state(th, self, place_result(self, raw, result, scope))


@dataclass(frozen=True, slots=True, kw_only=True)
class SucceedState(State):
    type: ClassVar[str] = "Succeed"

    @classmethod
    def parse(cls, f: Fields) -> "SucceedState":
        return cls(**f.common(parameters=False, result=False), end=True)

    def run(self, ex, th) -> None:
        scope = ex.scope(th)
        ex.exit_state(th, self, select(self.output_path, select(self.input_path, th.input, scope), scope))


@dataclass(frozen=True, slots=True, kw_only=True)
class FailState(State):
    type: ClassVar[str] = "Fail"
    error: Any = None
    cause: Any = None

    @classmethod
    def parse(cls, f: Fields) -> "FailState":
        fields = {"name": f.name, "pointer": f.pointer, "comment": f.raw.get("Comment"), "end": True}
        for key in ("Error", "Cause"):
            literal, path_key = f.raw.get(key), key + "Path"
            if literal is not None and path_key in f.raw:
                raise f.fail("INVALID_FIELD", path_key, f"State '{f.name}' cannot have both {key} and {path_key}.")
            if path_key in f.raw:
                fields[key.lower()] = compile_dynamic_value(path_key, f.raw[path_key], f.at(path_key))
            elif literal is not None:
                if not isinstance(literal, str):
                    raise f.fail("INVALID_FIELD", key, f"{key} of state '{f.name}' must be a string.")
                fields[key.lower()] = literal
        return cls(**fields)

    def run(self, ex, th) -> None:
        scope = ex.scope(th)
        error = self.error(th.input, scope) if callable(self.error) else self.error
        cause = self.cause(th.input, scope) if callable(self.cause) else self.cause
        ex.fail_thread(th, error, cause)


@dataclass(frozen=True, slots=True, kw_only=True)
class ChoiceState(State):
    type: ClassVar[str] = "Choice"
    choices: tuple = ()
    default: str | None = None

    @classmethod
    def parse(cls, f: Fields) -> "ChoiceState":
        rules = f.raw.get("Choices")
        if not isinstance(rules, list) or not rules:
            raise f.fail("MISSING_CHOICES", "Choices", f"Choice state '{f.name}' needs at least one rule.")
        choices = []
        for i, rule in enumerate(rules):
            where = f.at("Choices", i)
            next_ = rule.get("Next") if isinstance(rule, dict) else None
            if not isinstance(next_, str):
                raise f.fail("MISSING_NEXT", None, f"Rule {i + 1} of Choice state '{f.name}' needs a Next state.")
            choices.append((compile_rule(rule, where), next_))
        return cls(**f.common(parameters=False, result=False), choices=tuple(choices),
                   default=f.string("Default"))

    def run(self, ex, th) -> None:
        scope = ex.scope(th)
        data = select(self.input_path, th.input, scope)
        for predicate, target in self.choices:
            if predicate(data, scope):
                break
        else:
            target = self.default
            if target is None:
                raise StatesError("States.NoChoiceMatched",
                                  ex.runtime_prefix(th) + "No Matches!")
        ex.exit_state(th, self, select(self.output_path, data, scope), target)
