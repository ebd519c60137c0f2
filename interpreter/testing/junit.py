"""A suite's result as JUnit XML, the report format CI servers read.

The shape is Ant's JUnit report, the strictest form the common JUnit schemas describe:
``<testsuites>`` holding one ``<testsuite>`` with ``id``, ``package``, ``name``, ``timestamp``
(UTC, no zone), ``hostname``, ``tests``, ``failures``, ``errors`` and ``time``, then
``<properties>``, the ``<testcase>`` elements (``name``, ``classname``, ``time``; a
``<failure message type>`` for a failed expectation, an ``<error>`` for a case that could not
run as written), ``<system-out>`` (the coverage) and ``<system-err>``.
"""
from __future__ import annotations

import socket
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from .runner import SuiteResult


def junit_xml(result: SuiteResult, *, suite_name: str, properties: dict[str, str] | None = None,
              now: datetime | None = None, hostname: str | None = None) -> str:
    errors = sum(1 for c in result.cases if c.problems)
    failures = sum(1 for c in result.cases if not c.passed and not c.problems)
    totals = {"tests": str(result.total), "failures": str(failures), "errors": str(errors),
              "time": _seconds(result.seconds)}
    root = ET.Element("testsuites", {"name": "statewise", **totals})
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    suite = ET.SubElement(root, "testsuite", {
        "id": "0", "package": "statewise", "name": _text(suite_name) or "statewise", "timestamp": stamp,
        "hostname": hostname or _hostname(), **totals})
    props = ET.SubElement(suite, "properties")
    for key, value in (properties or {}).items():
        ET.SubElement(props, "property", {"name": key, "value": _text(value)})
    for case in result.cases:
        element = ET.SubElement(suite, "testcase", {"name": _text(case.name) or "(unnamed)",
                                                    "classname": _text(suite_name) or "statewise",
                                                    "time": _seconds(case.seconds)})
        if case.problems:
            error = ET.SubElement(element, "error", {"message": _text(case.message), "type": case.problems[0].code})
            error.text = _text("\n".join(f"{d.pointer or '/'}: {d.message}" for d in case.problems))
        elif not case.passed:
            first = case.failures[0]
            failure = ET.SubElement(element, "failure", {"message": _text(first.message),
                                                         "type": first.expectation})
            failure.text = _text(_details(case))
    out = ET.SubElement(suite, "system-out")
    out.text = _text(_coverage_text(result))
    ET.SubElement(suite, "system-err")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _details(case) -> str:
    lines = [f.message for f in case.failures]
    if case.outcome is not None:
        lines.append("")
        lines.append(f"status: {case.outcome.status}")
        if case.outcome.error is not None:
            lines.append(f"error: {case.outcome.error}")
        if case.outcome.cause is not None:
            lines.append(f"cause: {case.outcome.cause}")
        lines.append(f"path: {' -> '.join(case.outcome.path)}")
        lines.append(f"transitions: {case.outcome.transitions}")
    return "\n".join(lines)


def _coverage_text(result: SuiteResult) -> str:
    cov = result.coverage.as_json()
    lines = [f"{result.summary()}; states {cov['states']['covered']}/{cov['states']['total']} "
             f"({cov['states']['percent']} %), edges {cov['edges']['covered']}/{cov['edges']['total']} "
             f"({cov['edges']['percent']} %)"]
    lines += [f"not entered: {item['name']}" for item in cov["stateItems"] if not item["count"]]
    lines += [f"not taken: {item['id']}" for item in cov["edgeItems"] if not item["count"]]
    return "\n".join(lines)


def _seconds(value: float) -> str:
    return f"{value:.6f}"


def _text(value: str) -> str:
    """XML 1.0 cannot carry most control characters, not even escaped."""
    return "".join(ch if ch in "\t\n\r" or (" " <= ch and ch not in "\ufffe\uffff"
                                             and not "\ud800" <= ch <= "\udfff") else "\ufffd"
                   for ch in str(value))


def _hostname() -> str:
    try:
        return socket.gethostname() or "localhost"
    except OSError:  # pragma: no cover - a machine without a name
        return "localhost"
