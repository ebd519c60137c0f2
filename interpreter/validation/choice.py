"""Choice rules: exactly one comparison (or And/Or/Not) per rule, a Variable to compare, operand
types, Next on top-level rules only; in JSONata mode a Condition instead of all of that."""
from __future__ import annotations

from .expressions import check_template
from .fields import BOOLEAN_OPERATORS, COMPARISONS, JSONATA, RULE_FIELDS, TOP_RULE_FIELDS, is_expression
from ..jsonpath import path_error
from .report import Report
from .structure import check_fields, require
from .variables import check_assign

_MAX_DEPTH = 50
_OPERATORS = frozenset(COMPARISONS) | frozenset(BOOLEAN_OPERATORS)
_INNER_TESTS = {key: field.kind.test for key, field in RULE_FIELDS.items() if field.language != JSONATA}
_TOP_TESTS = {**_INNER_TESTS, "Next": TOP_RULE_FIELDS["Next"].kind.test}
_good_paths: set[str] = set()


def check_choices(rules: list, where: tuple, report: Report, state: str, language: str, edges: list) -> None:
    for i, rule in enumerate(rules):
        if type(rule) is not dict:
            continue
        if language != JSONATA and _clean(rule, _TOP_TESTS, 0):
            edges.append((rule["Next"], (*where, i, "Next"), f"State '{state}' Choices #{i + 1}"))
            continue
        at = (*where, i)
        what = f"State '{state}' Choices #{i + 1}"
        check_fields(rule, TOP_RULE_FIELDS, language, at, report, what=what, state=state)
        require(rule, ("Next",), at, report, what=what, state=state)
        target = rule.get("Next")
        if type(target) is str:
            edges.append((target, (*at, "Next"), what))
        if "Assign" in rule and type(rule["Assign"]) is dict:
            check_assign(rule["Assign"], language, (*at, "Assign"), report, state, what)
        if language == JSONATA:
            _check_condition(rule, at, report, state, what)
            if "Output" in rule:
                check_template(rule["Output"], language, (*at, "Output"), report, state, what)
        else:
            _check_rule(rule, at, report, state, what, 0)


def _check_condition(rule: dict, at: tuple, report: Report, state: str, what: str) -> None:
    if "Condition" not in rule:
        report.error("CHOICE_RULE", (*at, "Condition"),
                     f"{what} needs a Condition, a JSONata expression that is true or false, "
                     f"such as \"{{% $states.input.age >= 18 %}}\".", state)
        return
    condition = rule["Condition"]
    if type(condition) is bool:
        return
    if not is_expression(condition):
        report.error("INVALID_VALUE", (*at, "Condition"),
                     f"{what}: Condition must be a JSONata expression written \"{{% ... %}}\" (or true/false).",
                     state)
        return
    check_template(condition, JSONATA, (*at, "Condition"), report, state, what)


def _check_rule(rule: dict, at: tuple, report: Report, state: str, what: str, depth: int) -> None:
    if depth > _MAX_DEPTH:
        report.error("CHOICE_RULE", at, f"{what} nests And/Or/Not too deeply.", state)
        return
    operators = [k for k in rule if k in COMPARISONS or k in BOOLEAN_OPERATORS]
    if not operators and "Condition" in rule:
        pass  # a JSONata rule in a JSONPath state: its Condition is reported as the one problem
    elif not operators:
        report.error("CHOICE_RULE", at,
                     f"{what} has no comparison: add one such as StringEquals or NumericGreaterThan "
                     f"(or combine rules with And, Or or Not).", state)
    elif len(operators) > 1:
        report.error("CHOICE_RULE", (*at, operators[1]),
                     f"{what} has more than one comparison ({', '.join(operators)}): keep one, "
                     f"or combine several rules with And or Or.", state)
    comparison = next((k for k in operators if k in COMPARISONS), None)
    variable = rule.get("Variable")
    if comparison is not None and "Variable" not in rule:
        report.error("CHOICE_RULE", (*at, "Variable"),
                     f"{what} compares with {comparison} but has no Variable: add the path to compare, "
                     f"e.g. \"Variable\": \"$.status\".", state)
    if comparison is None and operators and "Variable" in rule:
        report.error("CHOICE_RULE", (*at, "Variable"),
                     f"{what} combines rules with {operators[0]}, so it cannot have a Variable: "
                     f"put the Variable in each inner rule.", state)
    if type(variable) is str:
        problem = path_error(variable)
        if problem:
            report.error("INVALID_PATH", (*at, "Variable"),
                         f"{what}: Variable '{variable}' is not a valid path: {problem}.", state)
    for op in operators:
        value = rule[op]
        if op.endswith("Path") and type(value) is str:
            problem = path_error(value)
            if problem:
                report.error("INVALID_PATH", (*at, op),
                             f"{what}: {op} '{value}' is not a valid path: {problem}.", state)
        elif op in ("And", "Or") and type(value) is list:
            for j, inner in enumerate(value):
                if type(inner) is dict:
                    _check_inner(inner, (*at, op, j), report, state, f"{what} {op} #{j + 1}", depth)
        elif op == "Not" and type(value) is dict:
            _check_inner(value, (*at, op), report, state, f"{what} Not", depth)


def _check_inner(rule: dict, at: tuple, report: Report, state: str, what: str, depth: int) -> None:
    check_fields(rule, RULE_FIELDS, "JSONPath", at, report, what=what, state=state)
    _check_rule(rule, at, report, state, what, depth + 1)


def _clean(rule: dict, tests: dict, depth: int) -> bool:
    """True when a JSONPath rule certainly has no problem; False sends it to the full check.

    Choice states are the costliest part of a definition to check, and nearly all rules are fine,
    so this answers the common case with as little work as possible.
    """
    operator = None
    for key, value in rule.items():
        test = tests.get(key)
        if test is None or not test(value):
            return False
        if key in _OPERATORS:
            if operator is not None:
                return False
            operator = key
    if operator is None or depth > _MAX_DEPTH or (tests is _TOP_TESTS and "Next" not in rule):
        return False
    value = rule[operator]
    if operator in COMPARISONS:
        variable = rule.get("Variable")
        if variable not in _good_paths and (type(variable) is not str or not _good_path(variable)):
            return False
        return not operator.endswith("Path") or value in _good_paths or _good_path(value)
    if "Variable" in rule:
        return False
    if operator == "Not":
        return _clean(value, _INNER_TESTS, depth + 1)
    for inner in value:
        if not _clean(inner, _INNER_TESTS, depth + 1):
            return False
    return True


def _good_path(path: str) -> bool:
    if path_error(path) is not None:
        return False
    if len(_good_paths) < 100_000:
        _good_paths.add(path)
    return True
