"""Pass, Succeed, Fail and Choice: states that finish in the transition that enters them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..choice_rules import compile_rule
from ..errors import StatesError
from ..jsonata_query import Env, Expression, compile_template as compile_jsonata
from ..payload import compile_dynamic_value
from .base import Fields, State, effective_input, finish, quick_init, select

_NO_RESULT = object()


@quick_init
@dataclass(frozen=True, slots=True, kw_only=True)
class PassState(State):
    type: ClassVar[str] = "Pass"
    result: Any = _NO_RESULT

    @classmethod
    def parse(cls, f: Fields) -> "PassState":
        fields = f.common()
        fields.pop("result_selector", None)  # compiled (so a bad one is still reported), never applied
        if "Result" in f.raw:
            fields["result"] = f.raw["Result"]
        return cls(**fields, **f.transition())

    def run(self, ex, th) -> None:
        if self.jsonata:
            finish(ex, th, self)
            return
        data = effective_input(self, th.input, ex.scope(th))
        finish(ex, th, self, data if self.result is _NO_RESULT else self.result)


@quick_init
@dataclass(frozen=True, slots=True, kw_only=True)
class SucceedState(State):
    type: ClassVar[str] = "Succeed"

    @classmethod
    def parse(cls, f: Fields) -> "SucceedState":
        return cls(**f.common(parameters=False, result=False, assign=False), end=True)

    def run(self, ex, th) -> None:
        finish(ex, th, self)


@quick_init
@dataclass(frozen=True, slots=True, kw_only=True)
class FailState(State):
    type: ClassVar[str] = "Fail"
    error: Any = None
    cause: Any = None

    @classmethod
    def parse(cls, f: Fields) -> "FailState":
        fields = {"name": f.name, "pointer": f.pointer, "comment": f.raw.get("Comment"), "end": True,
                  "jsonata": f.jsonata}
        for key in ("Error", "Cause"):
            if f.jsonata:
                fields[key.lower()] = f.value(key)
                continue
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
        error, cause = self.error, self.cause
        if self.jsonata:
            env = Env(th.input, scope)
            error = self._text(error, env)
            cause = self._text(cause, env)
        else:
            error = error(th.input, scope) if callable(error) else error
            cause = cause(th.input, scope) if callable(cause) else cause
        ex.fail_thread(th, error, cause)

    @staticmethod
    def _text(value, env):
        if isinstance(value, Expression):
            text = value.evaluate(env)
            if not isinstance(text, str):
                raise value.type_error("string", text)
            return text
        return value


@quick_init
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
            if f.jsonata:
                # Both point at the Condition, present or not, as the validator does.
                at_condition = ("Choices", i, "Condition")
                if "Condition" not in rule:
                    raise f.fail("MISSING_CONDITION", at_condition, f"Rule {i + 1} of Choice state '{f.name}' "
                                                                   f"needs a Condition.")
                condition = rule["Condition"]
                if isinstance(condition, str):
                    condition = f.value_of(condition, "Condition", where + "/Condition")
                if not isinstance(condition, (Expression, bool)):
                    raise f.fail("INVALID_CONDITION", at_condition, f"The Condition of rule {i + 1} of "
                                 f"Choice state '{f.name}' must be true, false or a {{% %}} expression.")
                test = _condition(condition)
                output = compile_jsonata(rule["Output"], "Output", where + "/Output") if "Output" in rule else None
            else:
                test, output = compile_rule(rule, where), None
            choices.append(Rule(test, next_, f.assign(rule, where), output))
        return cls(**f.common(parameters=False, result=False), choices=tuple(choices),
                   default=f.string("Default"))

    def run(self, ex, th) -> None:
        scope = ex.scope(th)
        if self.jsonata:
            env = Env(th.input, scope)
            for rule in self.choices:
                if rule.test(env):
                    break
            else:
                rule = self._default(ex, th)
            assigned = rule.assign(env) if rule.assign is not None else None
            output = rule.output(env) if rule.output is not None else th.input
            ex.exit_state(th, self, output, rule.next, assigned=assigned)
            return
        data = select(self.input_path, th.input, scope)
        for rule in self.choices:
            if rule.test(data, scope):
                break
        else:
            rule = self._default(ex, th)
        assigned = rule.assign(data, scope) if rule.assign is not None else None
        ex.exit_state(th, self, select(self.output_path, data, scope), rule.next, assigned=assigned)

    def _default(self, ex, th) -> "Rule":
        if self.default is None:
            raise StatesError("States.NoChoiceMatched", ex.runtime_prefix(th) + "No Matches!")
        # Taking the Default applies the state's own Assign and Output.
        return Rule(None, self.default, self.assign, self.output)


@quick_init
@dataclass(frozen=True, slots=True)
class Rule:
    test: Any
    next: str
    assign: Any = None
    output: Any = None


def _condition(value: Any):
    if not isinstance(value, Expression):
        return lambda env: value

    def test(env):
        result = value.evaluate(env)
        if type(result) is not bool:
            raise value.type_error("boolean", result)
        return result
    return test
