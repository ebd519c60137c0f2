"""Retry and Catch: field shapes, ``States.ALL`` alone and last, and the retry ranges.

The spec: "The reserved name States.ALL ... MUST appear alone in its ErrorEquals array and
MUST be in the last Retrier [Catcher] in the Retry [Catch] array". AWS enforces both.
"""
from __future__ import annotations

from .expressions import check_template
from .fields import CATCHER_FIELDS, JSONATA, RETRIER_FIELDS
from ..jsonpath import reference_path_error
from .report import Report
from .structure import check_fields, require
from .variables import check_assign


def check_retry(retriers: list, where: tuple, report: Report, state: str, language: str) -> None:
    last = len(retriers) - 1
    for i, retrier in enumerate(retriers):
        if type(retrier) is not dict:
            continue
        at = (*where, i)
        what = f"State '{state}' Retry #{i + 1}"
        check_fields(retrier, RETRIER_FIELDS, language, at, report, what=what, state=state)
        require(retrier, ("ErrorEquals",), at, report, what=what, state=state)
        _check_states_all(retrier, i, last, at, report, state, what, "Retry")
        interval, max_delay = retrier.get("IntervalSeconds"), retrier.get("MaxDelaySeconds")
        if type(interval) is int and type(max_delay) is int and max_delay < interval:
            report.warning("RETRY_MAX_DELAY", (*at, "MaxDelaySeconds"),
                           f"{what}: MaxDelaySeconds ({max_delay}) is below IntervalSeconds ({interval}), "
                           f"so every retry waits {max_delay}s: raise it or lower IntervalSeconds.", state)


def check_catch(catchers: list, where: tuple, report: Report, state: str, language: str,
                edges: list) -> None:
    last = len(catchers) - 1
    for i, catcher in enumerate(catchers):
        if type(catcher) is not dict:
            continue
        at = (*where, i)
        what = f"State '{state}' Catch #{i + 1}"
        check_fields(catcher, CATCHER_FIELDS, language, at, report, what=what, state=state)
        require(catcher, ("ErrorEquals", "Next"), at, report, what=what, state=state)
        _check_states_all(catcher, i, last, at, report, state, what, "Catch")
        target = catcher.get("Next")
        if type(target) is str:
            edges.append((target, (*at, "Next"), what))
        result_path = catcher.get("ResultPath")
        if type(result_path) is str and language != JSONATA:
            check_result_path(result_path, (*at, "ResultPath"), report, state, what)
        if "Assign" in catcher and type(catcher["Assign"]) is dict:
            check_assign(catcher["Assign"], language, (*at, "Assign"), report, state, what)
        if language == JSONATA and "Output" in catcher:
            check_template(catcher["Output"], language, (*at, "Output"), report, state, what)


def check_result_path(path: str, where: tuple, report: Report, state: str, what: str) -> None:
    problem = reference_path_error(path, input_only=True)
    if problem:
        report.error("INVALID_REFERENCE_PATH", where,
                     f"{what}: ResultPath '{path}' is not a reference path such as $.result: {problem}.", state)


def _check_states_all(handler: dict, i: int, last: int, at: tuple, report: Report, state: str,
                      what: str, field: str) -> None:
    errors = handler.get("ErrorEquals")
    if type(errors) is not list or "States.ALL" not in errors:
        return
    if len(errors) > 1:
        report.error("STATES_ALL_NOT_ALONE", (*at, "ErrorEquals"),
                     f"{what}: States.ALL must be the only error in its ErrorEquals: "
                     f"remove the other errors from this list or move them to an earlier {field} entry.",
                     state)
    if i != last:
        report.error("STATES_ALL_NOT_LAST", (*at, "ErrorEquals"),
                     f"{what}: the entry with States.ALL must be the last one in {field}, since it matches "
                     f"every error: move it to the end.", state)
