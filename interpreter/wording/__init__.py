"""Plain words for ASL: the one vocabulary for states, resources, Choice rules, waits and errors.

The editor's forms and palette (as JSON, through `vocabulary()`), the graph's labels, the narrative
and the version diff all read these tables and functions, so every screen says the same thing.
Pure Python: no Django.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

STATE_TYPES = {
    # type: (palette label, what it does in a sentence)
    "Task": ("Do a task", "Calls a service or function and waits for its answer."),
    "Choice": ("Decide", "Goes one way or another depending on the data."),
    "Wait": ("Wait", "Pauses for a while or until a moment."),
    "Parallel": ("Do in parallel", "Runs several branches at the same time and waits for all."),
    "Map": ("For each item", "Runs the same steps for every item of a list."),
    "Pass": ("Pass data", "Passes data on, possibly reshaped, without calling anything."),
    "Succeed": ("Succeed", "Stops here: the workflow (or branch) succeeded."),
    "Fail": ("Fail", "Stops here: the workflow failed with an error."),
}

# Common service integrations for the Task resource picker: ARN -> what it does.
INTEGRATIONS = [
    ("arn:aws:states:::lambda:invoke", "Run a Lambda function"),
    ("arn:aws:states:::lambda:invoke.waitForTaskToken", "Run a Lambda function and wait for an answer"),
    ("arn:aws:states:::sns:publish", "Send an SNS notification"),
    ("arn:aws:states:::sns:publish.waitForTaskToken", "Send an SNS notification and wait for an answer"),
    ("arn:aws:states:::sqs:sendMessage", "Put a message on an SQS queue"),
    ("arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Put a message on an SQS queue and wait for an answer"),
    ("arn:aws:states:::dynamodb:getItem", "Read an item from a DynamoDB table"),
    ("arn:aws:states:::dynamodb:putItem", "Write an item to a DynamoDB table"),
    ("arn:aws:states:::dynamodb:updateItem", "Update an item in a DynamoDB table"),
    ("arn:aws:states:::dynamodb:deleteItem", "Delete an item from a DynamoDB table"),
    ("arn:aws:states:::ecs:runTask", "Start an ECS task"),
    ("arn:aws:states:::ecs:runTask.sync", "Run an ECS task and wait until it finishes"),
    ("arn:aws:states:::ecs:runTask.waitForTaskToken", "Start an ECS task and wait for an answer"),
    ("arn:aws:states:::glue:startJobRun", "Start a Glue job"),
    ("arn:aws:states:::glue:startJobRun.sync", "Run a Glue job and wait until it finishes"),
    ("arn:aws:states:::states:startExecution", "Start another workflow"),
    ("arn:aws:states:::states:startExecution.sync:2", "Run another workflow and wait until it finishes"),
    ("arn:aws:states:::states:startExecution.waitForTaskToken", "Start another workflow and wait for an answer"),
    ("arn:aws:states:::events:putEvents", "Send events to EventBridge"),
    ("arn:aws:states:::events:putEvents.waitForTaskToken", "Send events to EventBridge and wait for an answer"),
    ("arn:aws:states:::apigateway:invoke", "Call an API Gateway endpoint"),
    ("arn:aws:states:::apigateway:invoke.waitForTaskToken", "Call an API Gateway endpoint and wait for an answer"),
    ("arn:aws:states:::batch:submitJob", "Submit a Batch job"),
    ("arn:aws:states:::batch:submitJob.sync", "Run a Batch job and wait until it finishes"),
]
_INTEGRATION_WORDS = dict(INTEGRATIONS)

COMPARATORS = {
    "StringEquals": "is equal to", "StringLessThan": "comes before", "StringGreaterThan": "comes after",
    "StringLessThanEquals": "comes before or is", "StringGreaterThanEquals": "comes after or is",
    "StringMatches": "matches the pattern",
    "NumericEquals": "equals", "NumericLessThan": "is less than", "NumericGreaterThan": "is greater than",
    "NumericLessThanEquals": "is at most", "NumericGreaterThanEquals": "is at least",
    "BooleanEquals": "is",
    "TimestampEquals": "is the moment", "TimestampLessThan": "is before", "TimestampGreaterThan": "is after",
    "TimestampLessThanEquals": "is at or before", "TimestampGreaterThanEquals": "is at or after",
    "IsNull": "is null", "IsPresent": "is present", "IsString": "is text", "IsNumeric": "is a number",
    "IsBoolean": "is true or false", "IsTimestamp": "is a timestamp",
}
TYPE_TESTS = {"IsNull", "IsPresent", "IsString", "IsNumeric", "IsBoolean", "IsTimestamp"}

ERROR_WORDS = {
    "States.ALL": "any error", "States.Timeout": "timeout", "States.TaskFailed": "task failure",
    "States.HeartbeatTimeout": "no heartbeat", "States.Permissions": "missing permission",
    "States.ResultPathMatchFailure": "result path mismatch", "States.NoChoiceMatched": "no choice matched",
    "States.BranchFailed": "a branch failed", "States.ExceedToleratedFailureThreshold": "too many item failures",
}


def vocabulary() -> dict[str, Any]:
    """Everything above as JSON for the editor page."""
    return {
        "stateTypes": {t: {"label": label, "help": help_} for t, (label, help_) in STATE_TYPES.items()},
        "integrations": [{"arn": arn, "label": label} for arn, label in INTEGRATIONS],
        "comparators": COMPARATORS,
        "typeTests": sorted(TYPE_TESTS),
        "errors": ERROR_WORDS,
    }


def task_words(resource: Any, state: Any = None) -> str:
    """A Task's node subtitle, named for its service, action and target (see resources.task_label)."""
    from .resources import task_label

    if not isinstance(resource, str) or not resource:
        return "Do a task"
    state = state if isinstance(state, dict) else {}
    return task_label(resource, state.get("Parameters", state.get("Arguments")))


def path_words(path: Any, glossary: Mapping[str, str] | None = None) -> str:
    """A path as people read it: its plain name from the workflow's data glossary when it has one,
    else the path without its ``$.``."""
    if not isinstance(path, str):
        return "?"
    if glossary:
        name = glossary.get(path)
        if name:
            return name
    if path == "$":
        return "the input"
    if path.startswith("$$."):
        return "context " + path[3:]
    if path.startswith("$."):
        return path[2:]
    return path


def value_words(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    return str(value)


def rule_words(rule: Any, glossary: Mapping[str, str] | None = None) -> str:
    """A Choice rule as a sentence fragment: "checks[0].flagged is true"."""
    return rule_phrase(rule, glossary)[0]


def rule_phrase(rule: Any, glossary: Mapping[str, str] | None = None) -> tuple[str, bool]:
    """(the rule in words, whether it is code): a JSONata Condition that cannot be put in words
    comes back whole, as written, to be shown as code."""
    if not isinstance(rule, dict):
        return "?", False
    if "Condition" in rule:
        from .conditions import condition_words

        return condition_words(rule["Condition"], glossary)
    return _rule_words(rule, glossary), False


def _rule_words(rule: Any, glossary: Mapping[str, str] | None) -> str:
    if not isinstance(rule, dict):
        return "?"
    if "Condition" in rule:
        return rule_phrase(rule, glossary)[0]
    if isinstance(rule.get("And"), list):
        return " and ".join(_grouped(r, glossary) for r in rule["And"])
    if isinstance(rule.get("Or"), list):
        return " or ".join(_grouped(r, glossary) for r in rule["Or"])
    if "Not" in rule:
        return f"not ({_rule_words(rule['Not'], glossary)})"
    subject = path_words(rule.get("Variable"), glossary)
    for key, value in rule.items():
        if key in ("Variable", "Next", "Comment", "Assign", "Output"):
            continue
        base = key[:-4] if key.endswith("Path") and key[:-4] in COMPARATORS else key
        words = COMPARATORS.get(base)
        if words is None:
            continue
        if base in TYPE_TESTS:
            return f"{subject} {words}" if value is True else f"{subject} {words.replace('is ', 'is not ', 1)}"
        if base == "BooleanEquals" and not key.endswith("Path"):
            return f"{subject} is {value_words(value)}"
        if key.endswith("Path"):
            # A path names a field to compare with, not text: "is equal to the value of OU".
            return f"{subject} {words} the value of {path_words(value, glossary)}"
        return f"{subject} {words} {value_words(value)}"
    return f"{subject} ?"


def _grouped(rule: Any, glossary: Mapping[str, str] | None = None) -> str:
    text = _rule_words(rule, glossary)
    return f"({text})" if isinstance(rule, dict) and ("And" in rule or "Or" in rule) else text


def duration_words(seconds: Any) -> str:
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
        return "?"
    for unit, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{seconds:g} second{'s' if seconds != 1 else ''}"


def wait_words(state: dict) -> str:
    if "Seconds" in state:
        if isinstance(state["Seconds"], str):  # a JSONata expression
            return f"Wait {_expression(state['Seconds'])} seconds"
        return f"Wait {duration_words(state['Seconds'])}"
    if "Timestamp" in state:
        return f"Wait until {_expression(state['Timestamp'])}"
    if "SecondsPath" in state:
        return f"Wait for the seconds in {path_words(state['SecondsPath'])}"
    if "TimestampPath" in state:
        return f"Wait until the time in {path_words(state['TimestampPath'])}"
    return "Wait"


def _expression(text: Any) -> str:
    text = str(text).strip()
    return text[2:-2].strip() if text.startswith("{%") and text.endswith("%}") else text


def errors_words(errors: Any) -> str:
    if not isinstance(errors, list) or not errors:
        return "error"
    return ", ".join(ERROR_WORDS.get(e, e) if isinstance(e, str) else str(e) for e in errors)
