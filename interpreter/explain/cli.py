"""``python -m interpreter explain DEFINITION [--format text|json]``: the workflow in plain words.

Prints the narrative (text: numbered steps, nested parts indented; json: the same as the API
returns). Exit 0, or 2 when the file cannot be read; a definition that does not validate is
still explained.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence, TextIO

from . import explain


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    from ..cli import UsageError, _read_definition

    out, err = stdout or sys.stdout, stderr or sys.stderr
    parser = argparse.ArgumentParser(prog="python -m interpreter explain",
                                     description="Explain a workflow definition in plain words.")
    parser.add_argument("definition", help="ASL definition file (JSON or YAML)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as e:
        return 2 if e.code else 0
    try:
        definition = _read_definition(args.definition)
    except UsageError as e:
        print(f"error: {e}", file=err)
        return 2
    narrative = explain(definition)
    if args.format == "json":
        out.write(json.dumps(narrative.as_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(narrative.text())
    return 0
