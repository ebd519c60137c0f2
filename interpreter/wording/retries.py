"""Retries and error handling in sentences: "If it fails with a timeout, it tries again up to 3
times, waiting 2 seconds, then 4 seconds, then 8 seconds."

The defaults are AWS's: IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0, no MaxDelaySeconds,
JitterStrategy NONE.
"""
from __future__ import annotations

from typing import Any

from . import ERROR_WORDS, duration_words

DELAYS_SHOWN = 4

# AWS's own error names that people meet most, beside the States.* ones of ERROR_WORDS.
SERVICE_ERROR_WORDS = {
    "Lambda.ServiceException": "a Lambda service error",
    "Lambda.AWSLambdaException": "a Lambda error",
    "Lambda.SdkClientException": "a Lambda connection error",
    "Lambda.TooManyRequestsException": "Lambda throttling",
    "Lambda.Unknown": "an unknown Lambda error",
    "Lambda.ResourceNotReadyException": "a Lambda function not ready yet",
}


def _number(value: Any, default: float) -> float:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else default


def error_phrase(error: Any) -> str:
    """One error name as a noun phrase: ``States.Timeout`` -> ``a timeout``; others as written."""
    if not isinstance(error, str):
        return str(error)
    if error in SERVICE_ERROR_WORDS:
        return SERVICE_ERROR_WORDS[error]
    words = ERROR_WORDS.get(error)
    if words is None:
        return error
    return words if words.startswith(("a ", "an ", "any ", "no ", "too ")) else f"a {words}"


def failure_clause(errors: Any) -> str:
    """"anything fails here" or "it fails with a timeout or Lambda.ServiceException"."""
    if not isinstance(errors, list) or not errors:
        return "it fails"
    if "States.ALL" in errors:
        return "anything fails here"
    if errors == ["States.Timeout"]:
        return "it times out"
    names = [error_phrase(e) for e in errors]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"it fails with {joined}"


def retry_delays(retrier: dict, count: int) -> list[float]:
    interval = _number(retrier.get("IntervalSeconds"), 1)
    rate = _number(retrier.get("BackoffRate"), 2.0)
    cap = retrier.get("MaxDelaySeconds")
    out = []
    delay = float(interval)
    for _ in range(count):
        shown = min(delay, cap) if isinstance(cap, (int, float)) and not isinstance(cap, bool) else delay
        out.append(round(shown, 3))
        delay *= rate
    return out


def _seconds(value: float) -> str:
    return duration_words(int(value) if float(value).is_integer() else value)


def retry_sentence(retrier: Any) -> str:
    """One retrier as a sentence (with its full stop)."""
    if not isinstance(retrier, dict):
        return "It may try again (a retry rule that cannot be read)."
    when = failure_clause(retrier.get("ErrorEquals"))
    attempts = retrier.get("MaxAttempts", 3)
    if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts < 0:
        return f"If {when}, it tries again (the number of attempts cannot be read)."
    if attempts == 0:
        return f"If {when}, it does not try again."
    times = "once" if attempts == 1 else f"up to {attempts} times"
    delays = retry_delays(retrier, min(attempts, DELAYS_SHOWN))
    if len(set(delays)) == 1:
        waiting = f"waiting {_seconds(delays[0])}" + (" each time" if attempts > 1 else "")
    else:
        waiting = "waiting " + ", then ".join(_seconds(d) for d in delays)
        if attempts > DELAYS_SHOWN:
            waiting += ", and so on"
    extras = []
    cap = retrier.get("MaxDelaySeconds")
    if isinstance(cap, (int, float)) and not isinstance(cap, bool) and attempts > 1:
        extras.append(f"never more than {_seconds(cap)}")
    if retrier.get("JitterStrategy") == "FULL":
        extras.append("each wait shortened at random")
    tail = f" ({'; '.join(extras)})" if extras else ""
    return f"If {when}, it tries again {times}, {waiting}{tail}."
