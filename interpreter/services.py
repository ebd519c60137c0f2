"""What a Task's Resource names, and the history events AWS writes for calling it.

* a Lambda function ARN: ``LambdaFunction*`` events; the state's result is the function's payload;
* ``arn:aws:states:::SERVICE:ACTION[.sync[:2]|.waitForTaskToken]``: ``Task*`` events;
* an activity ARN: ``Activity*`` events.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_LAMBDA_FUNCTION = re.compile(r"arn:[\w-]+:lambda:([\w-]*):\d*:function:[^:\s]+(:[^:\s]+)?\Z")
_INTEGRATION = re.compile(r"arn:[\w-]+:states:([\w-]*):(\d*):([\w-]+(?::[\w-]+)?):([\w-]+)"
                          r"(\.sync(?::2)?|\.waitForTaskToken)?\Z")
_ACTIVITY = re.compile(r"arn:[\w-]+:states:([\w-]*):\d*:activity:[^:\s]+\Z")

DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True, slots=True)
class Resource:
    arn: str
    kind: str            # "lambda" | "integration" | "activity" | "unknown"
    resource_type: str   # "lambda", "sns", "aws-sdk:s3", ...
    resource: str        # as written in Task* events: "invoke", "startExecution.sync", ...
    pattern: str         # "" (request-response) | "sync" | "waitForTaskToken"
    region: str

    @property
    def event_prefix(self) -> str:
        return {"lambda": "LambdaFunction", "activity": "Activity"}.get(self.kind, "Task")


def describe(arn: str) -> Resource:
    m = _LAMBDA_FUNCTION.match(arn)
    if m:
        return Resource(arn, "lambda", "lambda", arn, "", m.group(1) or DEFAULT_REGION)
    m = _INTEGRATION.match(arn)
    if m and m.group(3) != "activity" and m.group(3) != "stateMachine":
        suffix = m.group(5) or ""
        pattern = "sync" if suffix.startswith(".sync") else "waitForTaskToken" if suffix else ""
        return Resource(arn, "integration", m.group(3), m.group(4) + suffix, pattern,
                        m.group(1) or DEFAULT_REGION)
    m = _ACTIVITY.match(arn)
    if m:
        return Resource(arn, "activity", "activity", arn, "", m.group(1) or DEFAULT_REGION)
    return Resource(arn, "unknown", "unknown", arn, "", DEFAULT_REGION)


def request_problem(resource: Resource, parameters: object) -> str | None:
    """What AWS refuses in a request before calling the service, in its words (None when fine)."""
    if resource.resource_type == "apigateway" and isinstance(parameters, dict):
        headers = parameters.get("Headers")
        if headers is not None and (not isinstance(headers, dict)
                                    or not all(isinstance(v, list) for v in headers.values())):
            return "The value of the field 'Headers' has an invalid format"
    return None
