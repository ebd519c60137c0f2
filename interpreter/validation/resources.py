"""Task ``Resource`` values: which forms AWS runs, and which integration patterns each supports.

AWS runs three kinds of resource: a Lambda function ARN, an activity ARN, and a service
integration ``arn:<partition>:states:<region>:<account>:<service>:<action>[.sync|.sync:2|
.waitForTaskToken]``: an optimized integration, ``aws-sdk:<service>:<action>`` or ``http:invoke``.

- The table below is the developer guide's, "Integrating optimized services with Step Functions"
  and each service's page: the actions each optimized service has and, per action, the patterns
  it supports besides plain request-response. An action that is not in it is refused when the
  state machine is created ("The resource provided arn:aws:states:::dynamodb:query is not
  recognized", issue 10; LocalStack skips its lambda:listFunctions test outside AWS for "Invalid
  State Machine Definition errors"); the same call through ``aws-sdk:`` is fine.
- The region and account are usually empty, but state machines exported from AWS carry them
  (``arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject``, with a real account id), and
  SAM templates build them from ``${AWS::Region}:${AWS::AccountId}``; both deploy.
- The States Language itself only asks for a URI; a non-ARN URI and a deploy-time placeholder
  (``${LambdaArn}``, ``__tbc__``, or one inside an ARN such as
  ``arn:${AWS::Partition}:states:::lambda:invoke``) are warnings, since the value AWS will get is
  not known yet. What the rest of such an ARN shows to be wrong is still an error.
"""
from __future__ import annotations

import re

SYNC, SYNC2, TOKEN = ".sync", ".sync:2", ".waitForTaskToken"

_R, _RS, _RT, _RST = frozenset(), frozenset({SYNC}), frozenset({TOKEN}), frozenset({SYNC, TOKEN})

# service -> action -> suffixes supported besides request-response
OPTIMIZED: dict[str, dict[str, frozenset[str]]] = {
    "apigateway": {"invoke": _RT},
    "athena": {"startQueryExecution": _RS, "stopQueryExecution": _R, "getQueryExecution": _R,
               "getQueryResults": _R},
    "batch": {"submitJob": _RS},
    "bedrock": {"invokeModel": _R, "createModelCustomizationJob": _RST},
    "codebuild": {"startBuild": _RS, "stopBuild": _R, "batchDeleteBuilds": _R, "batchGetReports": _R,
                  "startBuildBatch": _RS, "stopBuildBatch": _R, "retryBuildBatch": _RS,
                  "deleteBuildBatch": _R},
    "dynamodb": {"getItem": _R, "putItem": _R, "updateItem": _R, "deleteItem": _R},
    "ecs": {"runTask": _RST},
    "eks": {"createCluster": _RS, "deleteCluster": _RS, "createFargateProfile": _RS,
            "deleteFargateProfile": _RS, "createNodegroup": _RS, "deleteNodegroup": _RS,
            "runJob": _RS, "call": _R},
    "elasticmapreduce": {"createCluster": _RS, "terminateCluster": _RS, "addStep": _RS,
                         "cancelStep": _R, "setClusterTerminationProtection": _R,
                         "modifyInstanceFleetByName": _R, "modifyInstanceGroupByName": _R},
    "emr-containers": {"startJobRun": _RS, "createVirtualCluster": _R, "deleteVirtualCluster": _RS},
    "emr-serverless": {"createApplication": _RS, "startApplication": _RS, "stopApplication": _RS,
                       "deleteApplication": _RS, "startJobRun": _RS, "cancelJobRun": _RS},
    "events": {"putEvents": _RT},
    "glue": {"startJobRun": _RS},
    "databrew": {"startJobRun": _RS},
    "lambda": {"invoke": _RT},
    "mediaconvert": {"createJob": _RS},
    "sagemaker": {"createTrainingJob": _RS, "createTransformJob": _RS, "createProcessingJob": _RS,
                  "createHyperParameterTuningJob": _RS, "createLabelingJob": _RS,
                  "createEndpoint": _R, "createEndpointConfig": _R, "createModel": _R,
                  "updateEndpoint": _R},
    "sns": {"publish": _RT},
    "sqs": {"sendMessage": _RT},
    "states": {"startExecution": frozenset({SYNC, SYNC2, TOKEN})},
    "http": {"invoke": _R},
    # ItemReader and ResultWriter of a Distributed Map
    "s3": {"getObject": _R, "listObjectsV2": _R, "putObject": _R},
}

# region and account are left loose: documentation placeholders such as 'your-region' and
# 'ACCOUNT_ID' are common in shared definitions, and AWS resolves them no earlier than deploying
_ARN = re.compile(r"arn:(aws[a-z-]*):([a-z0-9-]+):([A-Za-z0-9_-]*):([A-Za-z0-9_-]*):(.+)", re.S)
_INTEGRATION = re.compile(r"([a-z0-9-]+):([A-Za-z0-9]+)(\.sync:2|\.sync|\.waitForTaskToken|\.[^.]*)?")
_SDK = re.compile(r"aws-sdk:([a-z0-9.-]+):([A-Za-z0-9]+)(\.[A-Za-z0-9:]+)?")
_LAMBDA = re.compile(r"function:[A-Za-z0-9_-]+(?::(?:\$LATEST|[A-Za-z0-9_-]+))?")
_ACTIVITY = re.compile(r"activity:[^\s]+")
_PLACEHOLDER = re.compile(r"\$\{[^{}]+\}|__[A-Za-z0-9_]+__")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


# CloudFormation's pseudo parameters, as the values they take in the commercial partition
_PSEUDO = {"${AWS::Partition}": "aws", "${AWS::Region}": "us-east-1", "${AWS::AccountId}": "123456789012",
           "${AWS::URLSuffix}": "amazonaws.com"}
_NOT_RECOGNIZED = "is not recognized: Step Functions refuses it when the state machine is created"


def resource_problem(resource: str) -> tuple[str, str] | None:
    """(severity, what is wrong) for a Task's Resource, or None when AWS runs it as is."""
    if _PLACEHOLDER.fullmatch(resource):
        return ("warning", "looks like a placeholder to be filled in when deploying; "
                           "the value AWS gets then must be a Lambda, activity or service ARN")
    placeholders = _PLACEHOLDER.findall(resource)
    if not placeholders:
        return _arn_problem(resource)
    # A placeholder inside an ARN: check what the rest of it says, as if the pseudo parameters had
    # their usual values; anything else could become any text, so it is not checked.
    filled = resource
    for name, value in _PSEUDO.items():
        filled = filled.replace(name, value)
    unknown = _PLACEHOLDER.findall(filled)
    problem = None if unknown else _arn_problem(filled)
    if problem and problem[0] == "error":
        return problem
    return ("warning", f"holds {', '.join(dict.fromkeys(placeholders))}, filled in when the template is deployed; "
                       f"{'the rest of it is a well-formed ARN' if not unknown else 'Statewise cannot check the ARN it becomes'}")


def _arn_problem(resource: str) -> tuple[str, str] | None:
    m = _ARN.fullmatch(resource)
    if not m:
        if resource.startswith("arn:"):
            return ("error", "is not a well-formed ARN (arn:partition:service:region:account:resource)")
        if _URI.fullmatch(resource):
            return ("warning", "is a URI but not an ARN; AWS runs only Lambda, activity and "
                               "service-integration ARNs")
        return ("error", "is not an ARN: use a Lambda function ARN, an activity ARN or a "
                         "service integration such as arn:aws:states:::lambda:invoke")
    service, rest = m.group(2), m.group(5)
    if service == "lambda":
        if not _LAMBDA.fullmatch(rest):
            return ("error", "is not a Lambda function ARN (…:function:NAME or …:function:NAME:ALIAS)")
        return None
    if service != "states":
        return None
    if _ACTIVITY.fullmatch(rest):
        return None
    return _integration_problem(rest)


def _integration_problem(rest: str) -> tuple[str, str] | None:
    sdk = _SDK.fullmatch(rest)
    if sdk:
        suffix = sdk.group(3)
        if suffix in (None, TOKEN):
            return None
        if suffix in (SYNC, SYNC2):
            return ("error", "uses .sync, which AWS SDK integrations do not support "
                             "(only request-response and .waitForTaskToken)")
        return ("error", f"ends in '{suffix}', which is not an integration pattern "
                         f"(use nothing, .sync or .waitForTaskToken)")
    m = _INTEGRATION.fullmatch(rest)
    if not m:
        return ("error", "is not a service integration of the form "
                         "arn:aws:states:::SERVICE:ACTION[.sync|.waitForTaskToken]")
    service, action, suffix = m.groups()
    actions = OPTIMIZED.get(service)
    if actions is None:
        return ("error", f"names '{service}', which is not a Step Functions integration; "
                         f"for other AWS services use arn:aws:states:::aws-sdk:{service}:{action}")
    if suffix not in (None, SYNC, SYNC2, TOKEN):
        return ("error", f"ends in '{suffix}', which is not an integration pattern "
                         f"(use nothing, .sync or .waitForTaskToken)")
    supported = actions.get(action)
    if supported is None:
        return ("error", f"{_NOT_RECOGNIZED}: '{action}' is not one of the {service} actions Step Functions "
                         f"integrates ({', '.join(sorted(actions))}); to call it, use "
                         f"arn:aws:states:::aws-sdk:{service}:{action}")
    if suffix is not None and suffix not in supported:
        can = ", ".join(sorted(supported)) or "only request-response"
        return ("error", f"asks for {suffix}, which {service}:{action} does not support ({can})")
    return None
