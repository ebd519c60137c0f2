"""What a Task's Resource names, and the history events AWS writes for calling it.

* a Lambda function ARN: ``LambdaFunction*`` events; the state's result is the function's payload;
* ``arn:aws:states:::SERVICE:ACTION[.sync[:2]|.waitForTaskToken]``: ``Task*`` events;
* an activity ARN: ``Activity*`` events.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# A template's placeholder (``arn:${AWS::Partition}:states:::lambda:invoke``, ``${AWS::Region}``)
# stands for what the deployment fills in, so it may stand in any part of the ARN.
_P = r"\$\{[^}]*\}"
_PART = rf"(?:[\w-]+|{_P})"
_REGION = rf"((?:[\w-]|{_P})*)"
_ACCOUNT = rf"(?:\d|{_P})*"
_LAMBDA_FUNCTION = re.compile(rf"arn:{_PART}:lambda:{_REGION}:{_ACCOUNT}:function:(?:[^:\s$]|{_P}|\$)+"
                              rf"(:(?:[^:\s$]|{_P}|\$)+)?\Z")
_INTEGRATION = re.compile(rf"arn:{_PART}:states:{_REGION}:({_ACCOUNT}):([\w-]+(?::[\w-]+)?):([\w-]+)"
                          r"(\.sync(?::2)?|\.waitForTaskToken)?\Z")
_ACTIVITY = re.compile(rf"arn:{_PART}:states:{_REGION}:{_ACCOUNT}:activity:(?:[^:\s$]|{_P}|\$)+\Z")

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


# CloudFormation's pseudo parameters, as the values they take in the commercial partition: a
# template's "arn:${AWS::Partition}:states:::lambda:invoke" runs as the integration it names
_PSEUDO = {"${AWS::Partition}": "aws", "${AWS::Region}": DEFAULT_REGION, "${AWS::AccountId}": "123456789012",
           "${AWS::URLSuffix}": "amazonaws.com"}


def describe(arn: str) -> Resource:
    if "${AWS::" in arn:
        resolved = arn
        for name, value in _PSEUDO.items():
            resolved = resolved.replace(name, value)
        described = describe(resolved)
        return Resource(arn, described.kind, described.resource_type,
                        arn if described.kind != "integration" else described.resource, described.pattern,
                        described.region)
    m = _LAMBDA_FUNCTION.match(arn)
    if m:
        return Resource(arn, "lambda", "lambda", arn, "", _region(m.group(1)))
    m = _INTEGRATION.match(arn)
    if m and m.group(3) != "activity" and m.group(3) != "stateMachine":
        suffix = m.group(5) or ""
        pattern = "sync" if suffix.startswith(".sync") else "waitForTaskToken" if suffix else ""
        return Resource(arn, "integration", m.group(3), m.group(4) + suffix, pattern,
                        _region(m.group(1)))
    m = _ACTIVITY.match(arn)
    if m:
        return Resource(arn, "activity", "activity", arn, "", _region(m.group(1)))
    return Resource(arn, "unknown", "unknown", arn, "", DEFAULT_REGION)


def _region(written: str) -> str:
    return written if written and "${" not in written else DEFAULT_REGION


def request_problem(resource: Resource, parameters: object) -> str | None:
    """What AWS refuses in a request before calling the service, in its words (None when fine)."""
    if resource.resource_type == "apigateway" and isinstance(parameters, dict):
        headers = parameters.get("Headers")
        if headers is not None and (not isinstance(headers, dict)
                                    or not all(isinstance(v, list) for v in headers.values())):
            return "The value of the field 'Headers' has an invalid format"
    return None
