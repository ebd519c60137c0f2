"""``python -m interpreter propose``: the proposed starting input of a definition, or the
"reaches an end" rate of a folder of them.

    python -m interpreter propose DEFINITION [--machine NAME] [--unmocked MODE] [--format json|text]
    python -m interpreter propose --corpus DIR [--unmocked MODE] [--format text|json]

With a DEFINITION it prints ``{"input", "fields", "ending", "endState", "reached", "why"}``:
the input, the form's fields (path, type, value, the states reading it) and how a run with it
ended. With ``--corpus`` it prints how many of the folder's definitions reach a Succeed state,
a Fail state or a waiting callback, and why the others do not; exit 1 below ``--at-least``.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import unmocked as modes
from ..errors import DefinitionError
from . import propose_input


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m interpreter propose", description=__doc__.split("\n\n")[0])
    parser.add_argument("definition", nargs="?")
    parser.add_argument("--machine", metavar="NAME", help="the state machine to read, in a template with several")
    parser.add_argument("--corpus", metavar="DIR", help="measure every definition in a folder")
    parser.add_argument("--unmocked", default="return-input", metavar="return-input|empty|ask|fail",
                        help="what a Task with no mocked response answers (default: return-input)")
    parser.add_argument("--format", choices=("json", "text"), default=None)
    parser.add_argument("--at-least", type=float, metavar="RATE", help="with --corpus: exit 1 below this rate (0-1)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0
    try:
        mode = modes.parse_mode(args.unmocked)
    except ValueError as e:
        print(f"error: --unmocked: {e}", file=sys.stderr)
        return 2
    if args.corpus:
        from .corpus import definitions, measure, report

        folder = Path(args.corpus)
        if not folder.is_dir():
            print(f"error: no such folder: '{args.corpus}'", file=sys.stderr)
            return 2
        entries = measure(definitions(folder), mode)
        print(report(entries, as_json=args.format == "json"))
        rate = sum(e.reached for e in entries) / len(entries) if entries else 0.0
        return 1 if args.at_least is not None and rate < args.at_least else 0
    from ..cli import UsageError, read_definition_file

    try:
        definition, _ = read_definition_file(args.definition, machine=args.machine, fill_placeholders=True)
        proposal = propose_input(definition, unmocked=mode)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except DefinitionError as e:
        for d in e.diagnostics:
            print(f"error: {d}", file=sys.stderr)
        return 2
    if args.format == "text":
        print(json.dumps(proposal.input, indent=2, ensure_ascii=False))
        print(f"# {proposal.ending}" + (f" at '{proposal.end_state}'" if proposal.end_state else "")
              + (f": {proposal.why}" if proposal.why else ""))
    else:
        print(json.dumps(proposal.as_json(), ensure_ascii=False))
    return 0
