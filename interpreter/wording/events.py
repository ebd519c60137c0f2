"""A run's history in plain words: what each event means ("Asked the service", "Went to 'Wait
For Review' because checks[1].flagged is true"), and elapsed time on the simulated clock in
human units ("2 days 3 h").

The run page shows these beside AWS's own event names; :func:`event_words` is the table it
receives (as JSON) and :func:`choice_words` what each Choice's arrows say.
"""
from __future__ import annotations

from typing import Any, Mapping

from . import rule_words

EVENT_WORDS = {
    "ExecutionStarted": "The run started", "ExecutionSucceeded": "The run succeeded",
    "ExecutionFailed": "The run failed", "ExecutionAborted": "The run was stopped",
    "ExecutionTimedOut": "The run ran out of time", "ExecutionRedriven": "The run started again where it failed",
    "WaitStateEntered": "Started waiting at {step}", "WaitStateExited": "Done waiting at {step}",
    "WaitStateAborted": "Stopped waiting at {step}",
    "ChoiceStateEntered": "Deciding at {step}", "ChoiceStateExited": "Decided at {step}",
    "FailStateEntered": "Stopped at {step}: the run fails here", "SucceedStateEntered": "Reached {step}",
    "SucceedStateExited": "Finished at {step}",
    "TaskScheduled": "Asked the service", "TaskStarted": "The service started",
    "TaskSubmitted": "Handed over; waiting for the answer", "TaskSucceeded": "The service answered",
    "TaskFailed": "The service failed", "TaskTimedOut": "No answer in time", "TaskStartFailed": "The service could not start",
    "TaskSubmitFailed": "Could not hand it over",
    "LambdaFunctionScheduled": "Asked the Lambda function", "LambdaFunctionStarted": "The Lambda function started",
    "LambdaFunctionSucceeded": "The Lambda function answered", "LambdaFunctionFailed": "The Lambda function failed",
    "LambdaFunctionTimedOut": "The Lambda function took too long",
    "ActivityScheduled": "Waiting for a worker", "ActivityStarted": "A worker took it", "ActivitySucceeded": "The worker answered",
    "ActivityFailed": "The worker failed", "ActivityTimedOut": "No answer from a worker in time",
    "ParallelStateStarted": "Started the branches", "ParallelStateSucceeded": "Every branch finished",
    "ParallelStateFailed": "A branch failed", "MapStateStarted": "Started on the items",
    "MapStateSucceeded": "Every item is done", "MapStateFailed": "The items failed",
    "MapIterationStarted": "Started an item", "MapIterationSucceeded": "An item is done",
    "MapIterationFailed": "An item failed", "MapIterationAborted": "An item was stopped",
    "MapRunStarted": "Started the child runs", "MapRunSucceeded": "Every child run finished",
    "MapRunFailed": "The child runs failed", "MapRunAborted": "The child runs were stopped",
    "MapRunRedriven": "The failed child runs started again", "EvaluationFailed": "An expression could not be worked out",
}


def event_words() -> dict[str, str]:
    """Event type -> words; ``{step}`` stands for the step's name. Types not listed read as
    "Started {step}" (…Entered), "Finished {step}" (…Exited), "Stopped {step}" (…Aborted)."""
    return dict(EVENT_WORDS)


def said(event_type: str, step: str = "") -> str:
    """One event in words, as the page says it (the server draws the page without scripts too)."""
    quoted = f"\u2018{step}\u2019" if step else "the step"
    if event_type in EVENT_WORDS:
        return EVENT_WORDS[event_type].replace("{step}", quoted)
    for suffix, words in (("StateEntered", "Started"), ("StateExited", "Finished"), ("StateAborted", "Stopped")):
        if event_type.endswith(suffix):
            return f"{words} {quoted}"
    return event_type


def choice_words(definition: Any, glossary: Mapping[str, str] | None = None) -> dict[str, dict[str, str]]:
    """For each Choice state (at any depth): the step each arrow goes to -> why, in words ("total
    is at least 100", or "none of the rules held" for the Default)."""
    out: dict[str, dict[str, str]] = {}
    stack = [definition]
    while stack:
        machine = stack.pop()
        states = machine.get("States") if isinstance(machine, dict) else None
        if not isinstance(states, dict):
            continue
        for name, state in states.items():
            if not isinstance(state, dict):
                continue
            if isinstance(state.get("Branches"), list):
                stack.extend(state["Branches"])
            stack.append(state.get("ItemProcessor", state.get("Iterator")))
            if state.get("Type") != "Choice":
                continue
            why: dict[str, list[str]] = {}
            for rule in state.get("Choices") if isinstance(state.get("Choices"), list) else []:
                if isinstance(rule, dict) and isinstance(rule.get("Next"), str):
                    why.setdefault(rule["Next"], []).append(rule_words(rule, glossary))
            out[name] = {target: " or ".join(reasons) for target, reasons in why.items()}
            if isinstance(state.get("Default"), str):
                default = state["Default"]
                out[name][default] = (f"{out[name][default]}, or none of the rules held" if default in out[name]
                                      else "none of the rules held")
    return out


def elapsed_words(millis: Any) -> str:
    """Time on the simulated clock in human units: "0 s", "1.5 s", "5 min 3 s", "2 h 5 min", "2 days 3 h"."""
    if not isinstance(millis, (int, float)) or isinstance(millis, bool) or millis < 0:
        return ""
    seconds = millis / 1000
    if seconds < 60:
        return f"{seconds:.3g} s" if seconds % 1 else f"{int(seconds)} s"
    minutes, s = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min" + (f" {s} s" if s else "")
    hours, m = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h" + (f" {m} min" if m else "")
    days, h = divmod(hours, 24)
    return f"{days} day{'s' if days != 1 else ''}" + (f" {h} h" if h else "")
