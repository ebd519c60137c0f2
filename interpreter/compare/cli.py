"""``python -m interpreter diff OLD NEW [--format text|json]``: what changed between two versions.

Text: the summary line ("2 steps added, 1 removed, 3 changed"), then each change in plain words.
JSON: the same report the API gives, with every field change as a JSON Pointer with its old and
new value. Exit 0 when the two are the same, 1 when they differ, 2 when a file cannot be read.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence, TextIO

from .report import diff_report, report_text


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    from ..cli import UsageError, _read_definition

    out, err = stdout or sys.stdout, stderr or sys.stderr
    parser = argparse.ArgumentParser(prog="python -m interpreter diff",
                                     description="What changed between two versions of a workflow definition.")
    parser.add_argument("old", help="the earlier definition (JSON or YAML)")
    parser.add_argument("new", help="the later definition (JSON or YAML)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as e:
        return 2 if e.code else 0
    try:
        old, new = _read_definition(args.old), _read_definition(args.new)
    except UsageError as e:
        print(f"error: {e}", file=err)
        return 2
    report = diff_report(old, new)
    if args.format == "json":
        out.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(report_text(report))
    return 0 if report["empty"] else 1
