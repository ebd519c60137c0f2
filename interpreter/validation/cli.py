"""``python -m interpreter validate FILE... [--format text|json]``.

Exit status: 0 when every file is valid (warnings allowed), 1 when any has an error, 2 when a
file cannot be read at all (missing, not UTF-8). ``-`` reads standard input. Text output names
the file on every line, as compilers do, so editors can jump to it.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence, TextIO

from . import is_valid, validate_text

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = argparse.ArgumentParser(prog="python -m interpreter validate",
                                     description="Check Amazon States Language definitions (JSON or YAML).")
    parser.add_argument("files", nargs="+", metavar="FILE", help="definition files; '-' reads standard input")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exit_:
        return EXIT_UNREADABLE if exit_.code else EXIT_VALID
    status = EXIT_VALID
    results = []
    for name in args.files:
        text, problem = _read(name)
        if problem is not None:
            status = EXIT_UNREADABLE
            results.append({"file": name, "valid": False, "readable": False, "error": problem, "diagnostics": []})
            if args.format == "text":
                print(f"{name}: cannot read it: {problem}", file=err)
            continue
        diagnostics = validate_text(text)
        valid = is_valid(diagnostics)
        if not valid and status == EXIT_VALID:
            status = EXIT_INVALID
        results.append({"file": name, "valid": valid, "readable": True,
                        "diagnostics": [d.as_dict() for d in diagnostics]})
        if args.format == "text":
            for d in diagnostics:
                print(f"{name}:{d.pointer or '/'}: {d.severity}: {d.message} [{d.code}]", file=out)
            errors = sum(d.severity == "error" for d in diagnostics)
            warnings = len(diagnostics) - errors
            verdict = "valid" if valid else "invalid"
            print(f"{name}: {verdict} ({_count(errors, 'error')}, {_count(warnings, 'warning')})", file=out)
    if args.format == "json":
        json.dump({"valid": status == EXIT_VALID, "files": results}, out, indent=2, ensure_ascii=False)
        out.write("\n")
    return status


def _read(name: str) -> tuple[str, str | None]:
    try:
        if name == "-":
            return sys.stdin.buffer.read().decode("utf-8-sig"), None
        with open(name, "rb") as handle:
            return handle.read().decode("utf-8-sig"), None
    except FileNotFoundError:
        return "", "no such file"
    except IsADirectoryError:
        return "", "it is a directory"
    except PermissionError:
        return "", "permission denied"
    except UnicodeDecodeError as exc:
        return "", f"it is not UTF-8 text (byte {exc.start})"
    except OSError as exc:
        return "", exc.strerror or str(exc)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
