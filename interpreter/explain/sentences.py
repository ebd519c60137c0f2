"""One step in sentences, per state type. Read by :func:`interpreter.explain.explain`."""
from __future__ import annotations

import json
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Mapping

from .. import wording
from ..shape import sub_programs
from ..wording.expressions import expression_words, is_expression
from ..wording.resources import pattern_of, short_name, task_sentence
from ..wording.retries import failure_clause, retry_sentence

# The workflow's data glossary (path -> plain name), for the narrative being told.
GLOSSARY: ContextVar[Mapping[str, str] | None] = ContextVar("glossary", default=None)

ENDINGS = {"workflow": "That ends the workflow.", "branch": "That ends the branch.",
           "item": "That ends the work on this item.", "batch": "That ends the work on this batch."}
SUBJECTS = {"workflow": "the workflow", "branch": "the branch", "item": "the work on this item",
            "batch": "the work on this batch"}


@dataclass(frozen=True)
class Context:
    numbers: dict[str, str]   # state name -> step number, in this program
    scope: str                # "workflow" | "branch" | "item" | "batch"
    following: str | None     # the next step in reading order
    position: dict[str, int]  # state name -> place in reading order
    current: str = ""


def sentence(text: str) -> str:
    text = " ".join(str(text).split())
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def duration_phrase(seconds: Any) -> str:
    return wording.duration_words(seconds)


def neutral_sentence(state: Any) -> str:
    kind = state.get("Type") if isinstance(state, dict) else None
    if isinstance(kind, str) and kind:
        return f"A step of type {kind}, which this description cannot put in words."
    return "A step with no type, which this description cannot put in words."


def _field(path: Any) -> str:
    """A reference path as the name of a piece of data: ``$.checks`` -> ``checks``."""
    if is_expression(path):
        return expression_words(path)
    return wording.path_words(path, GLOSSARY.get())


def _value(value: Any) -> str:
    """A fixed value as a reader takes it in: short ones whole, long ones by their shape."""
    if isinstance(value, str):
        if is_expression(value):
            return expression_words(value)
        return f"“{value}”" if len(value) <= 80 else f"a text of {len(value):,} characters"
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if len(text) <= 60:
        return text
    if isinstance(value, dict):
        keys = list(value)
        shown = ", ".join(keys[:6]) + (f" and {len(keys) - 6} more" if len(keys) > 6 else "")
        return f"fixed data ({shown})"
    if isinstance(value, list):
        return f"a fixed list of {len(value)} item{'s' if len(value) != 1 else ''}"
    return text


def _settings(where: str, value: Any) -> str:
    """``decision``, ``{"status": "REJECTED"}`` -> ``decision.status to “REJECTED”``: a small object
    of plain values reads better field by field."""
    if (isinstance(value, dict) and 0 < len(value) <= 3
            and all(not isinstance(v, (dict, list)) for v in value.values())):
        parts = [f"{where}.{k} to {_value(v)}" for k, v in value.items()]
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{where} to {_value(value)}"


def _goto(target: Any, ctx: Context) -> str:
    if not isinstance(target, str):
        return "goes to a step it does not name"
    number = ctx.numbers.get(target)
    if number is None:
        return f"goes to “{target}”, which is not a step here"
    back = ctx.position.get(target, 0) <= ctx.position.get(ctx.current, -1)
    return f"goes {'back ' if back else ''}to step {number} ({target})"


def _then(state: dict, ctx: Context) -> str:
    """How the step continues: to the next step, or the end of its scope."""
    target = state.get("Next")
    if isinstance(target, str):
        if target == ctx.following and target in ctx.numbers:
            return f"Then it goes on to step {ctx.numbers[target]}."
        return f"Then it {_goto(target, ctx)}."
    if state.get("End") is True:
        return ENDINGS[ctx.scope]
    return ""


def _keeps(state: dict, what: str) -> str:
    """Where the step's result goes (JSONPath's ResultPath)."""
    if "ResultPath" not in state:
        return ""
    path = state["ResultPath"]
    if path is None:
        return "Its input passes on unchanged (the result is not kept)."
    if path == "$" or not isinstance(path, str):
        return ""
    return f"It keeps {what} in {_field(path)}."


def _remembers(state: dict) -> str:
    assign = state.get("Assign")
    if not isinstance(assign, dict) or not assign:
        return ""
    names = [k[:-2] if k.endswith(".$") else k for k in assign]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"It remembers {listed} for later."


def _catches(state: dict, ctx: Context) -> list[str]:
    out = []
    for catcher in state.get("Catch") or [] if isinstance(state.get("Catch"), list) else []:
        if isinstance(catcher, dict):
            out.append(sentence(f"If {failure_clause(catcher.get('ErrorEquals'))}, it {_goto(catcher.get('Next'), ctx)}"))
    return out


def _retries(state: dict) -> list[str]:
    retriers = state.get("Retry")
    return [retry_sentence(r) for r in retriers] if isinstance(retriers, list) else []


def _timeouts(state: dict) -> tuple[str, str]:
    """(", for at most 1 hour", "It must report progress at least every 5 minutes.")"""
    limit, beat = "", ""
    seconds, path = state.get("TimeoutSeconds"), state.get("TimeoutSecondsPath")
    if isinstance(seconds, int) and not isinstance(seconds, bool):
        limit = f", for at most {duration_phrase(seconds)}"
    elif is_expression(seconds):
        limit = f", for at most {expression_words(seconds)} seconds"
    elif isinstance(path, str):
        limit = f", for at most the number of seconds in {_field(path)}"
    seconds, path = state.get("HeartbeatSeconds"), state.get("HeartbeatSecondsPath")
    if isinstance(seconds, int) and not isinstance(seconds, bool):
        beat = f"If it hears nothing for {duration_phrase(seconds)}, it stops waiting (a timeout)."
    elif is_expression(seconds) or isinstance(path, str):
        beat = "It stops waiting if it hears nothing for a while (a heartbeat timeout)."
    return limit, beat


def _join(*parts: Any) -> str:
    flat: list[str] = []
    for part in parts:
        if isinstance(part, list):
            flat.extend(p for p in part if p)
        elif part:
            flat.append(part)
    return " ".join(flat)


# --- one function per state type ------------------------------------------------------------

def _task(name: str, state: dict, ctx: Context):
    params = state.get("Arguments", state.get("Parameters"))
    does = task_sentence(state.get("Resource"), params)
    limit, beat = _timeouts(state)
    what = "the result"
    pattern = pattern_of(state.get("Resource"))
    if pattern == "callback":
        does += " and waits until someone sends back an answer"
        what = "the answer"
    elif pattern == "activity":
        does += " and waits for its answer"
        what = "the answer"
    return _join(sentence(does + limit), beat, _keeps(state, what), _remembers(state), _retries(state),
                 _catches(state, ctx), _then(state, ctx)), [], ""


def _pass(name: str, state: dict, ctx: Context):
    if "Result" in state:
        target = state.get("ResultPath", "$")
        if isinstance(target, str) and target != "$":
            does = f"Sets {_settings(_field(target), state['Result'])}."
        elif target is None:
            does = "Passes its input on unchanged."
        else:
            does = f"Passes on {_value(state['Result'])}."
    elif isinstance(state.get("Parameters"), dict) or isinstance(state.get("Output"), dict):
        fields = state.get("Parameters") if isinstance(state.get("Parameters"), dict) else state["Output"]
        names = [k[:-2] if k.endswith(".$") else k for k in fields]
        what = f"reshaped data ({', '.join(names)})" if names else "an empty object"
        target = state.get("ResultPath", "$")
        if isinstance(target, str) and target != "$" and not is_expression(target):
            does = f"Puts {what} in {_field(target)}."
        elif target is None:
            does = "Passes its input on unchanged."
        else:
            does = f"Passes on {what}."
    elif "Output" in state:
        does = f"Passes on {_value(state['Output'])}."
    else:
        does = "Passes its input on unchanged." if state.get("ResultPath", "$") in ("$", None) else \
            f"Copies its input into {_field(state['ResultPath'])}."
    return _join(does, _remembers(state), _then(state, ctx)), [], ""


def _choice(name: str, state: dict, ctx: Context):
    by_target: dict[Any, list[str]] = {}
    for rule in state.get("Choices") or [] if isinstance(state.get("Choices"), list) else []:
        if not isinstance(rule, dict):
            continue
        words, code = wording.rule_phrase(rule, GLOSSARY.get())
        if code:  # not simple enough for words: the expression, lightened
            words = expression_words(rule.get("Condition"))
        key = rule.get("Next") if isinstance(rule.get("Next"), str) else id(rule)
        by_target.setdefault(key, []).append(words)
    clauses = []
    for target, conditions in by_target.items():
        clause = " or ".join(conditions)
        clauses.append(f"if {clause}, it {_goto(target if isinstance(target, str) else None, ctx)}")
    if "Default" in state:
        clauses.append(f"otherwise it {_goto(state['Default'], ctx)}")
    else:
        clauses.append(f"otherwise {SUBJECTS[ctx.scope]} fails (no rule matched)")
    if len(clauses) == 1:
        text = sentence(clauses[0].replace("otherwise ", "", 1))
    else:
        text = sentence("; ".join(clauses))
    return _join(text, _remembers(state)), [], ""


def _wait(name: str, state: dict, ctx: Context):
    if "Seconds" in state:
        seconds = state["Seconds"]
        does = (f"Waits for {expression_words(seconds)} seconds" if is_expression(seconds)
                else f"Waits {duration_phrase(seconds)}")
    elif "Timestamp" in state:
        stamp = state["Timestamp"]
        does = f"Waits until {expression_words(stamp) if is_expression(stamp) else stamp}"
    elif "SecondsPath" in state:
        does = f"Waits for the number of seconds in {_field(state['SecondsPath'])}"
    elif "TimestampPath" in state:
        does = f"Waits until the time in {_field(state['TimestampPath'])}"
    else:
        does = "Waits (for how long is not given)"
    return _join(sentence(does), _remembers(state), _then(state, ctx)), [], ""


def _succeed(name: str, state: dict, ctx: Context):
    return sentence(f"{SUBJECTS[ctx.scope]} succeeds"), [], ""


def _fail(name: str, state: dict, ctx: Context):
    error, cause = state.get("Error"), state.get("Cause")
    if isinstance(error, str) and not is_expression(error):
        what = f"{SUBJECTS[ctx.scope]} fails with the error {error}"
    elif error is not None:
        what = f"{SUBJECTS[ctx.scope]} fails with the error given by {expression_words(error)}"
    elif isinstance(state.get("ErrorPath"), str):
        what = f"{SUBJECTS[ctx.scope]} fails with the error in {_field(state['ErrorPath'])}"
    else:
        what = f"{SUBJECTS[ctx.scope]} fails"
    if isinstance(cause, str) and not is_expression(cause):
        what += f": {cause}"
    elif cause is not None:
        what += f", because of {expression_words(cause)}"
    elif isinstance(state.get("CausePath"), str):
        what += f", with the cause in {_field(state['CausePath'])}"
    return sentence(what), [], ""


def _parallel(name: str, state: dict, ctx: Context):
    branches = sub_programs(state)
    count = len(branches)
    if count == 1:
        does = "Runs one branch and goes on when it is done:"
    else:
        does = f"Runs these {count} branches at the same time and goes on when {'both' if count == 2 else 'all'} are done:"
    nested = [(f"Branch {i + 1}", pointer, program, "branch") for i, (pointer, program) in enumerate(branches)]
    after = _join(_keeps(state, "the results"), _remembers(state), _retries(state), _catches(state, ctx),
                  _then(state, ctx))
    return does, nested, after


def _map(name: str, state: dict, ctx: Context):
    processor = sub_programs(state)
    config = processor[0][1].get("ProcessorConfig") if processor else None
    distributed = isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED"
    source = _items_source(state)
    batch = state.get("ItemBatcher")
    unit = "item"
    extras = []
    if isinstance(batch, dict):
        size = batch.get("MaxItemsPerBatch")
        unit = "batch"
        extras.append(f"in batches of up to {size} items" if isinstance(size, int) else "in batches")
    concurrency = state.get("MaxConcurrency")
    if isinstance(concurrency, int) and not isinstance(concurrency, bool) and concurrency > 0:
        extras.append("one at a time" if concurrency == 1 else f"up to {concurrency} {unit}{'es' if unit == 'batch' else 's'} at a time")
    if distributed:
        kind = config.get("ExecutionType")
        extras.append(f"each {unit} as a separate {'express ' if kind == 'EXPRESS' else ''}workflow run")
    does = f"For {source}{' (' + ', '.join(extras) + ')' if extras else ''}, it does the following:"
    tolerated = []
    percent, count = state.get("ToleratedFailurePercentage"), state.get("ToleratedFailureCount")
    if isinstance(percent, (int, float)) and not isinstance(percent, bool) and percent > 0:
        tolerated.append(f"It carries on as long as no more than {percent:g} % of the items fail.")
    if isinstance(count, int) and not isinstance(count, bool) and count > 0:
        tolerated.append(f"It carries on as long as no more than {count} item{'s' if count != 1 else ''} fail.")
    writer = state.get("ResultWriter")
    if isinstance(writer, dict):
        args = writer.get("Arguments", writer.get("Parameters"))
        bucket = args.get("Bucket") if isinstance(args, dict) else None
        tolerated.append(f"It writes the results to the S3 bucket {bucket}." if isinstance(bucket, str)
                         else "It writes the results to S3.")
    nested = [("", pointer, program, unit) for pointer, program in processor]
    after = _join(tolerated, _keeps(state, "the results"), _remembers(state), _retries(state),
                  _catches(state, ctx), _then(state, ctx))
    return does, nested, after


def _items_source(state: dict) -> str:
    reader = state.get("ItemReader")
    if isinstance(reader, dict):
        args = reader.get("Arguments", reader.get("Parameters"))
        args = args if isinstance(args, dict) else {}
        config = reader.get("ReaderConfig") if isinstance(reader.get("ReaderConfig"), dict) else {}
        bucket = args.get("Bucket")
        where = f" in the S3 bucket {bucket}" if isinstance(bucket, str) and not is_expression(bucket) else " in S3"
        key = args.get("Key")
        named = f" {short_name(key)}" if isinstance(key, str) and not is_expression(key) else ""
        if isinstance(args.get("Key.$"), str):
            named = f" named in {_field(args['Key.$'])}"
        limit = config.get("MaxItems")
        first = f"the first {limit} of " if isinstance(limit, int) and not isinstance(limit, bool) else ""
        resource = reader.get("Resource") if isinstance(reader.get("Resource"), str) else ""
        if resource.endswith("listObjectsV2"):
            return f"{first}each object{where}"
        kind = config.get("InputType", "JSON")
        if kind == "CSV":
            return f"{first}each row of the CSV file{named}{where}"
        if kind == "JSONL":
            return f"{first}each line of the JSON Lines file{named}{where}"
        if kind == "MANIFEST":
            return f"{first}each object listed in the S3 inventory manifest{named}{where}"
        if kind == "PARQUET":
            return f"{first}each row of the Parquet file{named}{where}"
        return f"{first}each item of the JSON file{named}{where}"
    if "Items" in state:
        items = state["Items"]
        return f"each item of {expression_words(items) if is_expression(items) else _value(items)}"
    path = state.get("ItemsPath", "$")
    return "each item of its input" if path == "$" else f"each item in {_field(path)}"


DESCRIBERS = {"Task": _task, "Pass": _pass, "Choice": _choice, "Wait": _wait, "Succeed": _succeed,
              "Fail": _fail, "Parallel": _parallel, "Map": _map}


def describe_state(name: str, state: Any, ctx: Context):
    """(text, nested programs as (label, pointer, program, scope), text after them)."""
    kind = state.get("Type") if isinstance(state, dict) else None
    describer = DESCRIBERS.get(kind) if isinstance(kind, str) else None
    if describer is None:
        return neutral_sentence(state), [], ""
    text, nested, after = describer(name, state, ctx)
    comment = state.get("Comment")
    if isinstance(comment, str) and comment.strip():
        text = f"{sentence(comment)} {text}"
    return text, nested, after
