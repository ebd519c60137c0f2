"""``python -m interpreter test``: run a mock config's test cases with expectations, for CI.

    python -m interpreter test DEFINITION --mock-config MOCKS.json [--cases TESTS.yaml]
                               [--state-machine NAME] [--type STANDARD|EXPRESS] [--junit OUT.xml] [--coverage]
                               [--format text|json]

Every test case of the mock config's state machine runs (Step Functions Local's ``TestCases``),
with the input and expectations the cases file gives it (see ``casefile``); one line per case,
then a summary line ("3/3 pass in 0.004 s"). ``--coverage`` adds the states and edges covered
and lists those that are not. Exit 0 when every case passes, 1 when one fails, 2 when an input
cannot be used: each problem on stderr as ``FILE#/json/pointer: message [CODE]``.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from ..definition import parse
from ..diagnostic import Diagnostic, escape
from ..errors import DefinitionError
from ..limits import DATA_DEPTH, depth_within
from ..mocks import Mocks
from ..workflow_type import EXPRESS, STANDARD, TYPES, express_problems
from .casefile import read_case_file
from .checks import STOPPED
from .junit import junit_xml
from .runner import run_suite
from .spec import state_problems


class BadInput(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _located(path: str, diagnostics: list[Diagnostic]) -> list[str]:
    return [f"{path}#{d.pointer}: {d.message} [{d.code}]" for d in diagnostics]


def read_document(path: str, what: str) -> Any:
    """A JSON or YAML file (YAML by its extension, or when it is not JSON)."""
    if not os.path.exists(path):
        raise BadInput([f"{path}: no such {what} file"])
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise BadInput([f"{path}: cannot read the {what}: {e}"]) from None
    value = _parse(path, text, what)
    if not depth_within(value, DATA_DEPTH):
        raise BadInput([f"{path}: the {what} nests more than {DATA_DEPTH} levels deep"])
    return value


def _parse(path: str, text: str, what: str) -> Any:
    if not path.endswith((".yaml", ".yml")):
        try:
            return json.loads(text)
        except RecursionError:
            raise BadInput([f"{path}: the {what} nests more than {DATA_DEPTH} levels deep"]) from None
        except ValueError as e:
            if path.endswith(".json"):
                raise BadInput([f"{path}: the {what} is not valid JSON: {e}"]) from None
    import yaml

    try:
        return yaml.safe_load(text)
    except RecursionError:
        raise BadInput([f"{path}: the {what} nests more than {DATA_DEPTH} levels deep"]) from None
    except yaml.YAMLError as e:
        raise BadInput([f"{path}: the {what} is not valid YAML: {e}"]) from None


def _definition(path: str, workflow_type: str | None) -> tuple[Any, str]:
    """The parsed definition and the type its cases run as (``--type``, else the template's)."""
    from ..cli import UsageError, read_definition_file

    try:
        definition, source = read_definition_file(path)
        kind = workflow_type or source.workflow_type or STANDARD
        problems = express_problems(definition, kind)
        if problems:
            raise DefinitionError(problems)
        return parse(definition), kind
    except UsageError as e:
        raise BadInput([str(e)]) from None
    except DefinitionError as e:
        raise BadInput(_located(path, e.diagnostics)) from None


def _case_names(config: Any, path: str, state_machine: str | None) -> tuple[str, list[str]]:
    if not isinstance(config, dict) or not isinstance(config.get("StateMachines"), dict):
        raise BadInput([f"{path}#: a mock config is an object with StateMachines and MockedResponses "
                        f"[INVALID_MOCK_CONFIG]"])
    machines = config["StateMachines"]
    if state_machine is None:
        if len(machines) != 1:
            raise BadInput([f"{path}#/StateMachines: say which state machine to test with --state-machine or "
                            f"stateMachine in the cases file (the config has: {', '.join(machines) or 'none'}) "
                            f"[INVALID_MOCK_CONFIG]"])
        state_machine = next(iter(machines))
    machine = machines.get(state_machine)
    if not isinstance(machine, dict) or not isinstance(machine.get("TestCases"), dict):
        raise BadInput([f"{path}#/StateMachines/{escape(state_machine)}: the mock config has no state machine "
                        f"'{state_machine}' with TestCases [INVALID_MOCK_CONFIG]"])
    return state_machine, list(machine["TestCases"])


def test_command(args: argparse.Namespace) -> int:
    machine, workflow_type = _definition(args.definition, args.type)
    config = read_document(args.mock_config, "mock config")
    case_file, problems = read_case_file(read_document(args.cases, "cases file") if args.cases else None)
    cases_path = args.cases or "(cases)"
    bad = _located(cases_path, problems)
    state_machine, names = _case_names(config, args.mock_config, args.state_machine or case_file.state_machine)
    for name in case_file.entries:
        if name not in names:
            bad.append(f"{cases_path}#/testCases/{escape(name)}: the mock config has no test case '{name}' "
                       f"(state machine '{state_machine}' has: {', '.join(names) or 'none'}) [UNKNOWN_TEST_CASE]")
    known = {n for p in machine.programs.values() for n in p.states}
    for name, (_, spec, _) in case_file.entries.items():
        bad += _located(cases_path, state_problems(spec, known, "/testCases/" + escape(name)))
    for name in names:
        try:
            Mocks.from_config(config, state_machine, name)
        except DefinitionError as e:
            bad += _located(args.mock_config, e.diagnostics)
    if bad:
        raise BadInput(bad)
    result = run_suite(machine, case_file.cases(config, state_machine, names), state_machine_name=state_machine,
                       express=workflow_type == EXPRESS)
    if args.junit:
        try:
            with open(args.junit, "w", encoding="utf-8") as f:
                f.write(junit_xml(result, suite_name=state_machine,
                                  properties={"definition": args.definition, "mockConfig": args.mock_config}))
        except OSError as e:
            raise BadInput([f"{args.junit}: cannot write the JUnit report: {e.strerror}"]) from None
    if args.format == "json":
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        _print_text(result, args.coverage)
    return 0 if result.ok else 1


def _print_text(result, with_coverage: bool) -> None:
    for case in result.cases:
        outcome = case.outcome
        if case.passed:
            plural = "" if outcome.transitions == 1 else "s"
            print(f"PASS  {case.name}  ({outcome.transitions} transition{plural}, {outcome.status})")
            continue
        print(f"FAIL  {case.name}  {case.message}")
        if outcome is not None and outcome.path:
            print(f"      path: {' -> '.join(outcome.path)}")
        if outcome is not None and outcome.status == STOPPED:
            print(f"      after {outcome.transitions:,} transitions")
    cov = result.coverage.as_json()
    line = f"{result.summary()} in {result.seconds:.3f} s"
    if with_coverage:
        line += (f"; coverage: states {cov['states']['covered']}/{cov['states']['total']} "
                 f"({cov['states']['percent']} %), edges {cov['edges']['covered']}/{cov['edges']['total']} "
                 f"({cov['edges']['percent']} %)")
    print(line)
    if with_coverage:
        for item in cov["stateItems"]:
            if not item["count"]:
                print(f"  not entered: {item['name']}")
        for item in cov["edgeItems"]:
            if not item["count"]:
                print(f"  not taken:   {_edge_words(item)}")


def _edge_words(edge: dict) -> str:
    kind, index = edge["kind"], edge["index"]
    what = {"next": "Next", "default": "Default", "choice": f"Choice rule {(index or 0) + 1}",
            "catch": f"Catch {(index or 0) + 1}", "retry": f"Retry {(index or 0) + 1}"}[kind]
    target = "" if kind == "retry" else f" -> {edge['to']}"
    return f"{edge['from']}: {what}{target}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m interpreter test", description=__doc__.split("\n\n")[0])
    parser.add_argument("definition", help="ASL definition file (JSON or YAML)")
    parser.add_argument("--mock-config", required=True, metavar="FILE",
                        help="Step Functions Local mock config: its TestCases are the test cases")
    parser.add_argument("--cases", metavar="FILE", help="inputs and expectations per test case (JSON or YAML)")
    parser.add_argument("--state-machine", metavar="NAME", help="the mock config's state machine to test")
    parser.add_argument("--type", choices=TYPES, type=str.upper,
                        help="run the cases as STANDARD or EXPRESS executions (default: the type the template declares, "
                             "else STANDARD)")
    parser.add_argument("--junit", metavar="FILE", help="write a JUnit XML report")
    parser.add_argument("--coverage", action="store_true", help="print the states and edges covered")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def main(argv: list[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0
    try:
        return test_command(args)
    except BadInput as e:
        for line in e.problems:
            print(f"error: {line}", file=sys.stderr)
        return 2


test_command.__test__ = False  # not a pytest test, whatever its name says
