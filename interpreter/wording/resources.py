"""A Task's resource in a sentence, named for the service, the action and what it acts on:
"Calls the Lambda function VerifyIdDocs", "Writes an item to the DynamoDB table Accounts".

The thing acted on comes from the state's Parameters (JSONPath) or Arguments (JSONata) when it is
written there as a plain value; when it is computed at run time the sentence says where from.
"""
from __future__ import annotations

import re
from typing import Any

from .expressions import expression_words, is_expression

# service as written in the ARN -> how people name it
SERVICE_NAMES = {
    "lambda": "Lambda", "sns": "SNS", "sqs": "SQS", "dynamodb": "DynamoDB", "states": "Step Functions",
    "sfn": "Step Functions", "ecs": "ECS", "eks": "EKS", "glue": "Glue", "batch": "Batch",
    "events": "EventBridge", "eventbridge": "EventBridge", "apigateway": "API Gateway", "s3": "S3",
    "ec2": "EC2", "athena": "Athena", "bedrock": "Bedrock", "sagemaker": "SageMaker",
    "codebuild": "CodeBuild", "emr": "EMR", "elasticmapreduce": "EMR", "ses": "SES", "sesv2": "SES",
    "secretsmanager": "Secrets Manager", "ssm": "Systems Manager", "kms": "KMS", "iam": "IAM",
    "cloudwatch": "CloudWatch", "rds": "RDS", "textract": "Textract", "comprehend": "Comprehend",
    "rekognition": "Rekognition", "translate": "Translate", "polly": "Polly", "transcribe": "Transcribe",
    "kinesis": "Kinesis", "firehose": "Firehose", "stepfunctions": "Step Functions", "http": "HTTPS",
    "mediaconvert": "MediaConvert", "databrew": "Glue DataBrew", "redshiftdata": "Redshift Data",
    "cloudformation": "CloudFormation", "sts": "STS", "cognitoidp": "Cognito", "xray": "X-Ray",
}

# (service, action) -> (sentence with {target}, the parameters naming the target, the target's noun
# phrase when it is named, and when it is not)
_ACTIONS: dict[tuple[str, str], tuple[str, tuple[str, ...], str, str]] = {
    ("lambda", "invoke"): ("Calls {target}", ("FunctionName",), "the Lambda function {}", "a Lambda function"),
    ("sns", "publish"): ("Sends a notification to {target}", ("TopicArn", "TargetArn"), "the SNS topic {}",
                         "an SNS topic"),
    ("sqs", "sendMessage"): ("Puts a message on {target}", ("QueueUrl",), "the SQS queue {}", "an SQS queue"),
    ("dynamodb", "getItem"): ("Reads an item from {target}", ("TableName",), "the DynamoDB table {}",
                              "a DynamoDB table"),
    ("dynamodb", "putItem"): ("Writes an item to {target}", ("TableName",), "the DynamoDB table {}",
                              "a DynamoDB table"),
    ("dynamodb", "updateItem"): ("Updates an item in {target}", ("TableName",), "the DynamoDB table {}",
                                 "a DynamoDB table"),
    ("dynamodb", "deleteItem"): ("Deletes an item from {target}", ("TableName",), "the DynamoDB table {}",
                                 "a DynamoDB table"),
    ("states", "startExecution"): ("Starts {target}", ("StateMachineArn",), "the workflow {}", "another workflow"),
    ("ecs", "runTask"): ("Runs an ECS task of {target}", ("TaskDefinition",), "the task definition {}",
                         "a task definition"),
    ("glue", "startJobRun"): ("Starts {target}", ("JobName",), "the Glue job {}", "a Glue job"),
    ("batch", "submitJob"): ("Submits {target}", ("JobName",), "the Batch job {}", "a Batch job"),
    ("events", "putEvents"): ("Sends events to EventBridge", (), "", ""),
    ("apigateway", "invoke"): ("Calls {target}", ("Path",), "the API Gateway endpoint {}", "an API Gateway endpoint"),
    ("http", "invoke"): ("Calls {target}", ("ApiEndpoint",), "the HTTPS endpoint {}", "an HTTPS endpoint"),
    ("s3", "getObject"): ("Reads {target}", ("Key",), "the S3 object {}", "an S3 object"),
    ("s3", "putObject"): ("Writes {target}", ("Key",), "the S3 object {}", "an S3 object"),
}

_LAMBDA_ARN = re.compile(r"arn:[\w-]+:lambda:[^:]*:[^:]*:function:([^:]+)")
_INTEGRATION = re.compile(r"arn:[\w-]+:states:[^:]*:[^:]*:(aws-sdk:)?([\w-]+):([\w-]+)(\.sync(?::2)?|\.waitForTaskToken)?\Z")
_ACTIVITY = re.compile(r"arn:[\w-]+:states:[^:]*:[^:]*:activity:(.+)")


def service_name(service: str) -> str:
    return SERVICE_NAMES.get(service.lower(), service)


def action_name(action: str) -> str:
    """``runInstances`` -> ``RunInstances``, as AWS's API reference names actions."""
    return action[:1].upper() + action[1:]


def pattern_of(resource: Any) -> str:
    """``""`` (answers at once), ``"sync"`` (waits for the job), ``"callback"`` (waits for someone
    to send the task token back) or ``"activity"`` (waits for a worker's answer)."""
    if not isinstance(resource, str):
        return ""
    if _ACTIVITY.match(resource):
        return "activity"
    if resource.endswith(".waitForTaskToken"):
        return "callback"
    return "sync" if re.search(r"\.sync(:2)?\Z", resource) else ""


def task_sentence(resource: Any, parameters: Any = None) -> str:
    """What a Task does, as the start of a sentence without a full stop. ``parameters`` is the
    state's Parameters or Arguments."""
    if not isinstance(resource, str) or not resource.strip():
        return "Calls a service (the step names none)"
    resource = resource.strip()
    params = parameters if isinstance(parameters, dict) else {}
    m = _LAMBDA_ARN.match(resource)
    if m:
        return f"Calls the Lambda function {m.group(1)}"
    m = _ACTIVITY.match(resource)
    if m:
        return f"Hands the work to a worker of the activity {m.group(1)}"
    m = _INTEGRATION.match(resource)
    if not m:
        if is_expression(resource):
            return f"Calls the service given by {expression_words(resource)}"
        return f"Calls {resource}"
    sdk, service, action, suffix = m.group(1), m.group(2), m.group(3), m.group(4) or ""
    known = None if sdk else _ACTIONS.get((service, action))
    if known is None:
        sentence = f"Calls {service_name(service)} {action_name(action)}"
    else:
        template, keys, named, unnamed = known
        target = _target(params, keys, named, unnamed)
        if service == "apigateway" and isinstance(params.get("Method"), str) and "{}" in named:
            target = target.replace("endpoint ", f"endpoint {params['Method']} ", 1) if target != unnamed else target
        endpoint = params.get("ApiEndpoint")
        if service == "http" and isinstance(endpoint, str) and endpoint.startswith(("https://", "http://")):
            # The whole address says more than its last segment: "POST api.example.com/orders".
            method = params.get("Method")
            method = method.upper() + " " if isinstance(method, str) and not is_expression(method) else ""
            target = f"the HTTPS API {method}{endpoint.split('://', 1)[1].rstrip('/')}"
        sentence = template.format(target=target)
    if suffix.startswith(".sync"):
        sentence += " and waits until it finishes"
    return sentence


# The third person of task_sentence's verbs -> the imperative a graph node or a button says.
_IMPERATIVE = re.compile(r"^(Calls|Sends|Puts|Reads|Writes|Updates|Deletes|Starts|Runs|Submits|Hands)\b")


def task_label(resource: Any, parameters: Any = None) -> str:
    """What a Task does, as a graph node's subtitle says it: "Call the Lambda function Charge and
    wait for an answer". The same words as :func:`task_sentence`, in the imperative, with the
    waiting of a callback or an activity said too."""
    sentence = task_sentence(resource, parameters)
    label = _IMPERATIVE.sub(lambda m: m.group(1)[:-1], sentence).replace(" and waits until", " and wait until")
    pattern = pattern_of(resource)
    if pattern == "callback":
        label += " and wait for an answer"
    elif pattern == "activity":
        label += " and wait for its answer"
    return label


def _target(params: dict, keys: tuple[str, ...], named: str, unnamed: str) -> str:
    for key in keys:
        value = params.get(key)
        if isinstance(value, str) and value.strip():
            if is_expression(value):
                return f"{unnamed} given by {expression_words(value)}"
            return named.format(short_name(value))
        computed = params.get(key + ".$")
        if isinstance(computed, str):
            from . import path_words
            return f"{unnamed} named in {path_words(computed)}"
    return unnamed


def short_name(value: str) -> str:
    """The readable name in an ARN or URL: the function, topic, table, queue or workflow name."""
    value = value.strip()
    if value.startswith("arn:"):
        m = _LAMBDA_ARN.match(value)
        if m:
            return m.group(1)
        tail = value.split(":")[-1] or value
        return tail.split("/")[-1] or tail
    if value.startswith(("https://", "http://")):
        return value.rstrip("/").rsplit("/", 1)[-1]
    return value
