"""``python -m interpreter``: run or validate ASL definitions from the shell.

    python -m interpreter run DEFINITION [--machine NAME] [--substitute NAME=VALUE] [--fill-placeholders]
                              [--type STANDARD|EXPRESS [--sync]] [--input FILE|JSON] [--mock-config FILE]
                              [--test-case NAME] [--state-machine NAME] [--history [--history-format json|jsonl]]
                              [--send-task-success TOKEN=JSON] [--send-task-failure TOKEN=ERROR:CAUSE]
                              [--send-task-heartbeat TOKEN] [--advance SECONDS]
                              [--max-history-events N] [--unmocked fail|return-input|empty|ask]
                              [--propose-input]
                              [--redrive [--redrive-mock-config FILE] [--redrive-test-case NAME]]
    python -m interpreter validate FILE... [--format text|json]
    python -m interpreter explain DEFINITION [--format text|json]
    python -m interpreter diff OLD NEW [--format text|json]
    python -m interpreter propose DEFINITION [--format json|text]
    python -m interpreter test DEFINITION --mock-config FILE [--cases FILE] [--junit OUT.xml] [--coverage]

``run`` prints one JSON object: ``{"status", "output" | "error", "cause", "events"}`` (events
with ``--history``, in ``GetExecutionHistory``'s form). Exit 0 when the execution succeeded,
1 when it did not, 2 for a bad definition or bad arguments (the message goes to stderr).
The history is written while the run goes on, so memory stays bounded however long the run:
``"events"`` then comes first in the object. Without ``--history`` no event is kept at all
(AWS's event limit still counts them). With callback options the events are kept, and printed
at the end, as an answer to a token that is not waiting is a usage error.
``--history-format jsonl`` (which implies ``--history``) prints JSON Lines instead: one event
per line as the run goes, then one last line holding the object without ``"events"``.

The callback options and ``--advance`` act in the order given, on the virtual clock; with any of
them, the run stops whenever a task waits for a callback and nothing else can move, so that an
answer or heartbeat comes before the clock jumps to a timeout. ``--redrive`` redrives a run that
ended FAILED, TIMED_OUT or ABORTED once, with the same mocks (the next call numbers) or with
``--redrive-mock-config`` / ``--redrive-test-case`` (numbers from 0 again).

``--unmocked`` says what a Task with no mocked response answers (``interpreter/unmocked.py``):
``fail`` (the default: the run stops with States.Runtime), ``return-input`` (its input; a .sync
job comes back finished), ``empty`` (``{}``) or ``ask`` (it waits for a callback, answered with
``--send-task-success``). ``--propose-input`` starts the run with the input Statewise proposes
from the paths and comparisons the workflow reads (``propose`` prints it), unless ``--input``
is given.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from .definition import parse
from .errors import DefinitionError
from . import limits
from .limits import HISTORY_EVENTS
from .events import EventStream
from .cli_output import Printer
from .execution import ABORTED, FAILED, SUCCEEDED, TIMED_OUT, Execution, ExecutionNotRedrivable, InvalidToken
from .mocks import Mocks
from . import unmocked
from .workflow_type import EXPRESS, STANDARD, TYPES, express_problems
from .sources import MAX_TEXT_BYTES, Source, SourceError, read_source


class UsageError(Exception):
    pass


def _read_json(arg: str, what: str) -> Any:
    """A JSON file's content, or the argument itself as JSON text."""
    if os.path.exists(arg):
        try:
            with open(arg, "rb") as f:
                text = f.read(limits.FILE_BYTES + 1).decode("utf-8-sig")
        except OSError as e:
            raise UsageError(f"cannot read {what} '{arg}': {e.strerror}") from None
        except UnicodeDecodeError as e:
            raise UsageError(f"{what} file '{arg}' is not UTF-8 text (byte {e.start})") from None
    else:
        text = arg
    try:
        return limits.loads(text, what=what, max_bytes=limits.FILE_BYTES)
    except limits.LimitExceeded as e:
        raise UsageError(str(e)) from None
    except ValueError as e:
        source = f"file '{arg}'" if os.path.exists(arg) else "argument (not a file, nor valid JSON)"
        raise UsageError(f"{what} {source}: {e}") from None


def read_definition_file(path: str, *, machine: str | None = None, substitute: Any = (),
                         fill_placeholders: bool = False, note_kept: bool = False) -> tuple[Any, Source]:
    """The definition in a file (ASL, or a SAM, CloudFormation, Serverless or Terraform file),
    its placeholders filled as asked (``substitute``: ``NAME=VALUE`` texts)."""
    if not path:
        raise UsageError("a DEFINITION file is needed")
    if not os.path.exists(path):
        raise UsageError(f"no such definition file: '{path}'")
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_TEXT_BYTES + 1)
    except OSError as e:
        raise UsageError(f"cannot read definition '{path}': {e.strerror or e}") from None
    fmt = "terraform" if path.endswith(".tf") else "yaml" if path.endswith((".yaml", ".yml")) else None
    try:
        source = read_source(data, fmt=fmt, machine=machine)
    except SourceError as e:
        raise UsageError(f"definition '{path}': {e.message}") from None
    values = source.suggested() if fill_placeholders else {}
    for item in substitute or ():
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--substitute takes NAME=VALUE, got {item!r}")
        values[name.strip().removeprefix("${").removesuffix("}")] = value
    left = [p for p in source.placeholders if p.name not in values]
    if left and note_kept:
        shown = "; ".join(f"{p.token}" + (f" (suggested: {p.suggestion})" if p.suggestion is not None else "")
                          for p in left)
        print(f"note: {len(left)} placeholder(s) kept as written: {shown}. Fill them with --substitute NAME=VALUE "
              f"or --fill-placeholders.", file=sys.stderr)
    return source.filled(values), source


def _read_definition(path: str) -> Any:
    """A definition file's definition, placeholders kept (for the other commands)."""
    return read_definition_file(path)[0]


def _parse_answer(text: str, option: str, form: str) -> tuple[str, str]:
    token, sep, rest = text.partition("=")
    if not sep or not token:
        raise UsageError(f"{option} takes {form}, got {text!r}")
    return token, rest


class _Ordered(argparse.Action):
    """Collect the callback options and --advance into one list, in the order given."""

    def __call__(self, parser, namespace, value, option_string=None):
        actions = getattr(namespace, "actions", None) or []
        actions.append((option_string, value))
        namespace.actions = actions


def _act(execution: Execution, option: str, value: str) -> None:
    """One callback option or --advance, then on until the run waits for a callback or ends."""
    if option == "--advance":
        try:
            seconds = float(value)
        except ValueError:
            raise UsageError(f"--advance takes SECONDS, got {value!r}") from None
        if seconds < 0:
            raise UsageError("--advance cannot go back in time")
        execution.run_until(execution.clock + round(seconds * 1000))
    else:
        try:
            if option == "--send-task-heartbeat":
                execution.send_task_heartbeat(value)
            elif option == "--send-task-success":
                token, text = _parse_answer(value, option, "TOKEN=JSON")
                try:
                    output = limits.loads(text, what="callback output")
                    limits.check_payload(output, "callback output")  # AWS's SendTaskSuccess refuses more
                except limits.LimitExceeded as e:
                    raise UsageError(f"{option}: {e}") from None
                except ValueError as e:
                    raise UsageError(f"{option}: the output is not valid JSON: {e}") from None
                execution.send_task_success(token, output)
            else:
                token, rest = _parse_answer(value, option, "TOKEN=ERROR:CAUSE")
                error, _, cause = rest.partition(":")
                execution.send_task_failure(token, error or None, cause or None)
        except InvalidToken as e:
            raise UsageError(f"{option}: {e.args[0]} (status {execution.status})") from None
    execution.run_to_callback()


def _redrive_mocks(args: argparse.Namespace) -> Mocks | None:
    """The mocks for --redrive: None keeps the run's own (their call numbers go on)."""
    if not (args.redrive_mock_config or args.redrive_test_case):
        return None
    config = args.redrive_mock_config or args.mock_config
    if not config:
        raise UsageError("--redrive-test-case needs --mock-config or --redrive-mock-config")
    return Mocks.from_config(_read_json(config, "redrive mock config"), args.state_machine,
                             args.redrive_test_case or args.test_case)


def run_command(args: argparse.Namespace) -> int:
    definition, source = read_definition_file(args.definition_opt or args.definition, machine=args.machine,
                                              substitute=args.substitute, fill_placeholders=args.fill_placeholders,
                                              note_kept=True)
    machine_name = source.machine
    # The file's own text, when it is the definition as it stands: the validator need not
    # serialise it again to know it is under 1 MB.
    machine = parse(definition, text=source.text if definition is source.definition else None)
    workflow_type = args.type or source.workflow_type or STANDARD
    if args.sync and workflow_type != EXPRESS:
        raise UsageError("--sync runs an EXPRESS workflow as StartSyncExecution does: give --type EXPRESS too")
    problems = express_problems(definition, workflow_type)
    if problems:
        raise DefinitionError(problems)
    if args.redrive and workflow_type == EXPRESS:
        raise UsageError("--redrive: AWS does not redrive EXPRESS workflows (RedriveExecution refuses them)")
    try:
        mode = unmocked.parse_mode(args.unmocked)
    except ValueError as e:
        raise UsageError(f"--unmocked: {e}") from None
    if args.input is not None:
        input_value = _read_json(args.input, "input")
    elif args.propose_input:
        from .proposal import propose_input
        input_value = propose_input(definition, unmocked=mode if mode != unmocked.FAIL else unmocked.RETURN_INPUT).input
    else:
        input_value = {}
    try:
        limits.check_payload(input_value, "execution input")  # AWS's StartExecution refuses more
    except limits.LimitExceeded as e:
        raise UsageError(str(e)) from None
    mocks = None
    if args.mock_config:
        config = _read_json(args.mock_config, "mock config")
        if args.state_machine is None and machine_name and isinstance(config, dict) and \
                isinstance(config.get("StateMachines"), dict) and machine_name in config["StateMachines"]:
            args.state_machine = machine_name  # a template's machine picks its own entry in the config
        mocks = Mocks.from_config(config, args.state_machine, args.test_case, mode)
        config = None  # its S3 objects are text in the mocks now: a million items are not kept twice
    elif args.mocks:
        mocks = Mocks.from_lists(_read_json(args.mocks, "mocks"))
        mocks.unmocked, mocks.s3.stand_ins = mode, mode != unmocked.FAIL
    else:
        mocks = Mocks(unmocked=mode)
    redrive_mocks = _redrive_mocks(args) if args.redrive else None
    name = args.state_machine or "StateMachine"
    if args.max_history_events is not None and args.max_history_events != 0 and args.max_history_events < 2:
        raise UsageError("--max-history-events takes 0 (no limit) or a number of events from 2")
    actions = getattr(args, "actions", None) or []
    if args.history_format:
        args.history = True
    printer = Printer(args.history and not actions, args.event_types, lines=args.history_format == "jsonl")
    execution = Execution(machine, input_value, mocks=mocks, state_machine_name=name, seed=args.seed,
                          start_time=args.start_time, express=workflow_type == EXPRESS, synchronous=args.sync,
                          max_history_events=(
                              HISTORY_EVENTS if args.max_history_events is None else args.max_history_events or None),
                          events=None if args.history and actions else EventStream(printer.write))
    histories = _child_histories(execution, args.child_histories)
    if actions:
        execution.run_to_callback()
        for option, value in actions:
            _act(execution, option, value)
    else:
        execution.run()
    if args.redrive and execution.status in (FAILED, TIMED_OUT, ABORTED):
        try:
            execution.redrive(mocks=redrive_mocks)
        except ExecutionNotRedrivable as e:
            print(f"note: --redrive: the run cannot be redriven: {e}", file=sys.stderr)
        execution.run()
    for note in execution.mocks.s3.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.history and workflow_type == EXPRESS:  # GetExecutionHistory refuses EXPRESS executions
        print("note: AWS keeps no execution history for EXPRESS workflows: these events are what its "
              "CloudWatch Logs record when logging is on", file=sys.stderr)
    execution.flush_events()
    result = execution.result()
    if args.history and actions:
        if printer.lines:  # kept until the end: printed now, a line each
            printer.stream = True
            printer.write(execution.events)
        else:
            result["events"] = [e.to_aws() for e in execution.events]
    if args.event_types:
        result["event_types"] = printer.types if printer.types is not None else [e.type for e in execution.events]
    printer.finish(result)
    if histories is not None:
        histories.close()
    return 0 if execution.status is SUCCEEDED else 1


def _child_histories(execution: Execution, path: str | None) -> Any:
    """A Distributed Map's children's histories are never printed: each goes to ``path`` as a
    JSON Lines record once the child ended, or is dropped; none is kept in memory."""
    from . import map_run

    if path is None:
        map_run.set_sink(execution, map_run.drop_history)
        return None
    from .child_histories import ChildHistoryWriter

    try:
        out = open(path, "w", encoding="utf-8")
    except OSError as e:
        raise UsageError(f"--child-histories: cannot write {path}: {e.strerror}") from None
    map_run.set_sink(execution, ChildHistoryWriter(out))
    return out


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m interpreter", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a definition on an input with mocked services")
    run.add_argument("definition", nargs="?",
                     help="ASL definition file (JSON or YAML), or a SAM, CloudFormation, Serverless or Terraform file")
    run.add_argument("--definition", dest="definition_opt", help=argparse.SUPPRESS)
    run.add_argument("--machine", metavar="NAME",
                     help="which state machine of a template holding several (its logical id, Serverless key "
                          "or Terraform label)")
    run.add_argument("--substitute", action="append", metavar="NAME=VALUE",
                     help="fill the template placeholder ${NAME} with VALUE (repeatable)")
    run.add_argument("--fill-placeholders", action="store_true",
                     help="fill the other placeholders with suggested values (a made-up account in us-east-1)")
    run.add_argument("--type", choices=TYPES, type=str.upper,
                     help="run as a STANDARD or EXPRESS workflow (default: what a template declares, else "
                          "STANDARD); EXPRESS refuses .sync, .waitForTaskToken and activities as AWS does, "
                          "ends the run after five minutes and cannot be redriven")
    run.add_argument("--sync", action="store_true",
                     help="with --type EXPRESS: start it as StartSyncExecution does (its context has no RedriveCount)")
    run.add_argument("--input", help="input: a JSON file, or JSON text (default {})")
    run.add_argument("--mock-config", help="a Step Functions Local mock config file")
    run.add_argument("--test-case", help="the mock config's test case to use")
    run.add_argument("--state-machine", help="the state machine's name in the mock config")
    run.add_argument("--mocks", help="mocked responses per state: {\"State\": [{\"Return\": ...}, ...]}")
    run.add_argument("--case", help=argparse.SUPPRESS)
    run.add_argument("--history", action="store_true", help="include the execution history")
    run.add_argument("--history-format", choices=("json", "jsonl"),
                     help="with the history: json (default) prints one object, its events first; jsonl "
                          "prints JSON Lines, an event a line and the rest of the object last (implies --history)")
    run.add_argument("--child-histories", metavar="FILE",
                     help="write each Distributed Map child execution's history to FILE as it ends, as JSON Lines "
                          "(a line per child: mapRunArn, index, name, executionArn, status, events)")
    run.add_argument("--event-types", action="store_true", help="include the list of event types")
    run.add_argument("--seed", type=int, help="seed for States.MathRandom and States.UUID (replayable runs)")
    run.add_argument("--start-time", type=int, help="virtual start time, milliseconds since the epoch")
    run.add_argument("--send-task-success", action=_Ordered, metavar="TOKEN=JSON",
                     help="answer a waiting task's callback with this output (repeatable)")
    run.add_argument("--send-task-failure", action=_Ordered, metavar="TOKEN=ERROR:CAUSE",
                     help="fail a waiting task's callback (repeatable)")
    run.add_argument("--send-task-heartbeat", action=_Ordered, metavar="TOKEN",
                     help="a heartbeat for a waiting task: its HeartbeatSeconds start again (repeatable)")
    run.add_argument("--advance", action=_Ordered, metavar="SECONDS",
                     help="let SECONDS of virtual time pass (timers due fire), between callback options")
    run.add_argument("--max-history-events", type=int, metavar="N",
                     help=f"end the run at its Nth event, as AWS does at {HISTORY_EVENTS:,} (the default); "
                          f"0 lifts the limit for local experiments")
    run.add_argument("--unmocked", default="fail", metavar="fail|return-input|empty|ask",
                     help="what a Task with no mocked response answers (default: fail)")
    run.add_argument("--propose-input", action="store_true",
                     help="start with the input proposed from what the workflow reads (without --input)")
    run.add_argument("--redrive", action="store_true",
                     help="if the run ends FAILED, TIMED_OUT or ABORTED, redrive it once")
    run.add_argument("--redrive-mock-config", metavar="FILE",
                     help="with --redrive: the mock config for the redrive (default: the run's mocks)")
    run.add_argument("--redrive-test-case", metavar="NAME",
                     help="with --redrive: the test case for the redrive")
    validate = commands.add_parser("validate", help="validate definitions", add_help=False)
    validate.add_argument("rest", nargs=argparse.REMAINDER)
    test = commands.add_parser("test", help="run a mock config's test cases with expectations", add_help=False)
    test.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "validate":
        from .validation.cli import main as validate_main
        return validate_main(argv[1:])
    if argv and argv[0] == "explain":
        from .explain.cli import main as explain_main
        return explain_main(argv[1:])
    if argv and argv[0] == "diff":
        from .compare.cli import main as diff_main
        return diff_main(argv[1:])
    if argv and argv[0] == "propose":
        from .proposal.cli import main as propose_main
        return propose_main(argv[1:])
    if argv and argv[0] == "test":
        from .testing.cli import main as test_main
        return test_main(argv[1:])
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0
    try:
        return run_command(args)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except DefinitionError as e:
        for d in e.diagnostics:
            print(f"error: {d}", file=sys.stderr)
        return 2
