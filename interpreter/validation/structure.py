"""Field-by-field checks driven by the table in ``fields.py``: unknown fields, fields of the
other query language, missing fields and values of the wrong kind.

Each function reports into a :class:`~.report.Report` and returns nothing; ``where`` is the
tuple of path segments to the object being checked, ``state`` the name shown with the problem.
"""
from __future__ import annotations

from typing import Any

from .fields import JSONATA, Field, is_expression
from .report import Report


def check_fields(obj: dict, spec: dict[str, Field], language: str, where: tuple, report: Report,
                 *, what: str, state: str | None) -> None:
    """Every field of ``obj`` is known for ``what``, of the right query language and kind."""
    jsonata = language == JSONATA
    for key, value in obj.items():
        field = spec.get(key)
        if field is None:
            report.error("UNKNOWN_FIELD", (*where, key),
                         f"{what} has a field '{key}' that {_owner(what)} cannot have: remove it or check its spelling.",
                         state)
        elif field.language is not None and field.language != language:
            report.error("WRONG_QUERY_LANGUAGE", (*where, key),
                         f"{what} uses '{key}', which only works with QueryLanguage {field.language}, "
                         f"but it uses {language}: {_language_advice(key, language)}",
                         state)
            if field.language == JSONATA:
                report.slip(state, key)
        elif not field.kind.ok(value, jsonata):
            report.error("INVALID_VALUE", (*where, key),
                         f"{what}: '{key}' must be {field.kind.describe}{_expression_hint(field, jsonata)}, "
                         f"not {_show(value)}.", state)
            if field.kind.expression_ok and not jsonata and is_expression(value):
                report.slip(state, "{% %}")


def require(obj: dict, names: tuple[str, ...], where: tuple, report: Report, *, what: str,
            state: str | None) -> None:
    for name in names:
        if name not in obj:
            report.error("MISSING_FIELD", (*where, name), f"{what} needs a '{name}' field: add it.", state)


def _owner(what: str) -> str:
    return "it"


_JSONATA_INSTEAD = {"InputPath": "use Arguments or Output to shape data",
                    "OutputPath": "use Output instead", "ResultPath": "use Output or Assign instead",
                    "Parameters": "use Arguments instead", "ResultSelector": "use Output instead",
                    "ItemsPath": "use Items instead", "Result": "use Output instead",
                    "Variable": "use Condition instead"}
_JSONPATH_INSTEAD = {"Output": "use OutputPath/ResultPath instead", "Arguments": "use Parameters instead",
                     "Items": "use ItemsPath instead", "Condition": "use Variable with a comparison instead"}


def _language_advice(key: str, language: str) -> str:
    if language == JSONATA:
        tip = _JSONATA_INSTEAD.get(key) or ("give the value as a {% expression %} in the field without 'Path'"
                                            if key.endswith("Path") else "remove it")
        return f"{tip}, or set QueryLanguage to JSONPath on the state."
    tip = _JSONPATH_INSTEAD.get(key, "remove it")
    return f"{tip}, or set \"QueryLanguage\": \"JSONata\" on the state."


def _expression_hint(field: Field, jsonata: bool) -> str:
    return " or a {% expression %}" if field.kind.expression_ok and jsonata else ""


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text '{shown}'"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "a list"
    return "an object"
