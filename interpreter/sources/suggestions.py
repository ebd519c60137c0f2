"""A value for each placeholder that lets the definition run, and where the real one comes from.

What a deployment would put in is known for some placeholders (a literal in
``DefinitionSubstitutions``, a template parameter's default, a Serverless ``self:`` reference,
a Terraform variable's default), and can be made plausible for others from what they refer to:
``!GetAtt ProcessFunction.Arn`` of an ``AWS::Serverless::Function`` is a Lambda function ARN, a
``!Ref`` of a queue is its URL, a placeholder used as a Task's ``Resource`` is most likely a
Lambda function. Suggestions use a made-up account (123456789012) in us-east-1, as AWS's own
examples do, so nobody mistakes them for a real resource.
"""
from __future__ import annotations

import re
from typing import Any, Callable

REGION = "us-east-1"
ACCOUNT = "123456789012"
PSEUDO = {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws",
          "AWS::URLSuffix": "amazonaws.com", "AWS::StackName": "my-stack",
          "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/my-stack/1",
          "AWS::NoValue": ""}
SERVERLESS = {"sls:stage": "dev", "self:provider.stage": "dev", "self:provider.region": REGION,
              "aws:region": REGION, "aws:accountId": ACCOUNT, "opt:stage": "dev", "opt:region": REGION,
              "sls:instanceId": "1"}
TERRAFORM_DATA = {"data.aws_region.current.name": REGION, "data.aws_region.current.region": REGION,
                  "data.aws_caller_identity.current.account_id": ACCOUNT,
                  "data.aws_partition.current.partition": "aws"}


def _arn(service: str, rest: str, region: bool = True) -> str:
    return f"arn:aws:{service}:{REGION if region else ''}:{ACCOUNT if service != 's3' else ''}:{rest}"


# What Ref and each GetAtt attribute give, by resource type: (ref, {attribute: value}) of a name.
_BY_TYPE: dict[str, tuple[Callable[[str], str], dict[str, Callable[[str], str]]]] = {}


def _kind(types: tuple[str, ...], ref, **attrs) -> None:
    for t in types:
        _BY_TYPE[t] = (ref, attrs)


_kind(("AWS::Serverless::Function", "AWS::Lambda::Function", "aws_lambda_function"), lambda n: n,
      Arn=lambda n: _arn("lambda", f"function:{n}"), arn=lambda n: _arn("lambda", f"function:{n}"),
      function_name=lambda n: n, invoke_arn=lambda n: _arn("lambda", f"function:{n}"),
      qualified_arn=lambda n: _arn("lambda", f"function:{n}:1"))
_kind(("AWS::Lambda::Alias", "AWS::Lambda::Version"), lambda n: _arn("lambda", f"function:{n}:live"))
_kind(("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable", "aws_dynamodb_table"), lambda n: n,
      Arn=lambda n: _arn("dynamodb", f"table/{n}"), arn=lambda n: _arn("dynamodb", f"table/{n}"),
      name=lambda n: n, id=lambda n: n, StreamArn=lambda n: _arn("dynamodb", f"table/{n}/stream/1"))
_kind(("AWS::SQS::Queue", "aws_sqs_queue"), lambda n: f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{n}",
      Arn=lambda n: _arn("sqs", n), arn=lambda n: _arn("sqs", n), QueueName=lambda n: n, name=lambda n: n,
      QueueUrl=lambda n: f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{n}",
      url=lambda n: f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{n}",
      id=lambda n: f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{n}")
_kind(("AWS::SNS::Topic", "aws_sns_topic"), lambda n: _arn("sns", n), TopicArn=lambda n: _arn("sns", n),
      TopicName=lambda n: n, arn=lambda n: _arn("sns", n), name=lambda n: n, id=lambda n: _arn("sns", n))
_kind(("AWS::S3::Bucket", "aws_s3_bucket"), lambda n: n.lower(), Arn=lambda n: f"arn:aws:s3:::{n.lower()}",
      arn=lambda n: f"arn:aws:s3:::{n.lower()}", bucket=lambda n: n.lower(), id=lambda n: n.lower(),
      DomainName=lambda n: f"{n.lower()}.s3.amazonaws.com")
_kind(("AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine", "aws_sfn_state_machine"),
      lambda n: _arn("states", f"stateMachine:{n}"), Arn=lambda n: _arn("states", f"stateMachine:{n}"),
      Name=lambda n: n, arn=lambda n: _arn("states", f"stateMachine:{n}"), id=lambda n: _arn("states", f"stateMachine:{n}"),
      name=lambda n: n)
_kind(("AWS::StepFunctions::Activity", "aws_sfn_activity"), lambda n: _arn("states", f"activity:{n}"),
      Name=lambda n: n, arn=lambda n: _arn("states", f"activity:{n}"), id=lambda n: _arn("states", f"activity:{n}"))
_kind(("AWS::Events::EventBus", "aws_cloudwatch_event_bus"), lambda n: n,
      Arn=lambda n: _arn("events", f"event-bus/{n}"), Name=lambda n: n, arn=lambda n: _arn("events", f"event-bus/{n}"),
      name=lambda n: n)
_kind(("AWS::ECS::Cluster", "aws_ecs_cluster"), lambda n: n, Arn=lambda n: _arn("ecs", f"cluster/{n}"),
      arn=lambda n: _arn("ecs", f"cluster/{n}"), id=lambda n: _arn("ecs", f"cluster/{n}"), name=lambda n: n)
_kind(("AWS::ECS::TaskDefinition", "aws_ecs_task_definition"), lambda n: _arn("ecs", f"task-definition/{n}:1"),
      arn=lambda n: _arn("ecs", f"task-definition/{n}:1"), TaskDefinitionArn=lambda n: _arn("ecs", f"task-definition/{n}:1"))
_kind(("AWS::Batch::JobQueue", "aws_batch_job_queue"), lambda n: _arn("batch", f"job-queue/{n}"),
      arn=lambda n: _arn("batch", f"job-queue/{n}"))
_kind(("AWS::Batch::JobDefinition", "aws_batch_job_definition"), lambda n: _arn("batch", f"job-definition/{n}:1"),
      arn=lambda n: _arn("batch", f"job-definition/{n}:1"))
_kind(("AWS::Glue::Job", "aws_glue_job"), lambda n: n, name=lambda n: n, id=lambda n: n)
_kind(("AWS::IAM::Role", "aws_iam_role"), lambda n: n, Arn=lambda n: f"arn:aws:iam::{ACCOUNT}:role/{n}",
      arn=lambda n: f"arn:aws:iam::{ACCOUNT}:role/{n}", name=lambda n: n)
_kind(("AWS::Serverless::Api", "AWS::ApiGateway::RestApi", "aws_api_gateway_rest_api"), lambda n: "a1b2c3d4e5",
      id=lambda n: "a1b2c3d4e5")
_kind(("AWS::Logs::LogGroup", "aws_cloudwatch_log_group"), lambda n: n,
      Arn=lambda n: _arn("logs", f"log-group:{n}:*"), arn=lambda n: _arn("logs", f"log-group:{n}"))
_kind(("AWS::EMR::Cluster", "aws_emr_cluster"), lambda n: "j-1ABCDEFGHIJKL", id=lambda n: "j-1ABCDEFGHIJKL")
_kind(("AWS::SSM::Parameter", "aws_ssm_parameter"), lambda n: n, name=lambda n: n)
_kind(("AWS::CodeBuild::Project", "aws_codebuild_project"), lambda n: n, Arn=lambda n: _arn("codebuild", f"project/{n}"),
      name=lambda n: n, arn=lambda n: _arn("codebuild", f"project/{n}"))
_kind(("AWS::Kinesis::Stream", "aws_kinesis_stream"), lambda n: n, Arn=lambda n: _arn("kinesis", f"stream/{n}"),
      name=lambda n: n, arn=lambda n: _arn("kinesis", f"stream/{n}"))
_kind(("AWS::SageMaker::Model",), lambda n: _arn("sagemaker", f"model/{n.lower()}"), ModelName=lambda n: n)

# A placeholder with nothing else known, by the field it fills.
_BY_FIELD: dict[str, Callable[[str], str]] = {
    "Resource": lambda n: _arn("lambda", f"function:{n}"),
    "FunctionName": lambda n: _arn("lambda", f"function:{n}"),
    "QueueUrl": lambda n: f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{n}",
    "TopicArn": lambda n: _arn("sns", n),
    "StateMachineArn": lambda n: _arn("states", f"stateMachine:{n}"),
    "TableName": lambda n: n,
    "Bucket": lambda n: n.lower(),
    "EventBusName": lambda n: n,
    "Cluster": lambda n: _arn("ecs", f"cluster/{n}"),
    "TaskDefinition": lambda n: _arn("ecs", f"task-definition/{n}:1"),
    "JobQueue": lambda n: _arn("batch", f"job-queue/{n}"),
    "JobDefinition": lambda n: _arn("batch", f"job-definition/{n}:1"),
    "JobName": lambda n: n,
    "ActivityArn": lambda n: _arn("states", f"activity:{n}"),
}


def _readable(name: str) -> str:
    """A resource name made from a placeholder's name: ``ProcessOrderFunctionArn`` → ``ProcessOrderFunction``."""
    parts = [p for p in re.split(r"[.:,\s'\"]+", name) if p]
    while len(parts) > 1 and parts[-1].lower() in ("arn", "name", "id", "url"):
        parts.pop()
    base = parts[-1] if parts else "resource"
    base = re.sub(r"(Arn|ARN|_arn|Name|_name|Url|URL|_url)$", "", base) or base
    return re.sub(r"[^A-Za-z0-9_-]+", "-", base).strip("-") or "resource"


class Suggester:
    """Suggestions from what a template says about its placeholders."""

    def __init__(self, *, substitutions: dict | None = None, parameters: dict | None = None,
                 resources: dict | None = None, mappings: dict | None = None, serverless: dict | None = None,
                 terraform_resources: dict | None = None, terraform_variables: dict | None = None):
        self.substitutions = substitutions or {}
        self.parameters = parameters or {}
        self.resources = resources or {}
        self.mappings = mappings or {}
        self.serverless = serverless
        self.tf_resources = terraform_resources or {}
        self.tf_variables = terraform_variables or {}

    def suggest(self, name: str, fields: list[str], depth: int = 0, substitutions: bool = True) -> tuple[Any, str]:
        """(suggested value or None, where the real value comes from, in plain words)."""
        if depth > 8:
            return None, ""
        value, origin = self._suggest(name, fields, depth, substitutions)
        if isinstance(value, str) and "${" in value:  # a value made of other placeholders
            from .placeholders import tokens
            out, last = [], 0
            for start, end in tokens(value):
                inner = self.suggest(value[start + 2:end - 1].strip(), [], depth + 1)[0]
                if inner is None:
                    return None, origin
                out += [value[last:start], str(inner)]
                last = end
            value = "".join(out) + value[last:]
        return value, origin

    def _suggest(self, name: str, fields: list[str], depth: int, substitutions: bool = True) -> tuple[Any, str]:
        if substitutions and name in self.substitutions:
            raw = self.substitutions[name]
            shown = self.show(raw)
            value = self.value_of(raw, fields, depth + 1)
            return value, f"filled in when deploying from the template's substitutions ({name}: {shown})"
        if name in PSEUDO:
            return PSEUDO[name], f"CloudFormation fills in {name} when deploying"
        if name in self.parameters:
            default = self.parameters[name].get("Default") if isinstance(self.parameters[name], dict) else None
            return default, (f"the template's parameter {name} (default {default!r})" if default is not None
                             else f"the template's parameter {name}, given when deploying")
        head = name.split(".", 1)[0]
        if head in self.resources:
            value = self._resource_value(head, name.split(".", 1)[1] if "." in name else None, depth)
            return value, f"an attribute of the template's resource {head}" if "." in name else \
                f"a reference to the template's resource {head}"
        if self.serverless is not None and head in _dict(self.serverless.get("functions")):
            function = _dict(self.serverless["functions"][head])
            return _arn("lambda", f"function:{function.get('name') or self._serverless_name(head, depth)}"), \
                f"the Serverless function {head}"
        if ":" in name and not name.startswith("AWS::") and self.serverless is not None:
            return self._serverless(name, depth), "a Serverless Framework variable, filled in when deploying"
        if name in TERRAFORM_DATA:
            return TERRAFORM_DATA[name], "a Terraform data source, read when applying"
        if name.startswith("var."):
            var = self.tf_variables.get(name[4:])
            return var, "a Terraform variable" + (f" (default {var!r})" if var is not None else ", given when applying")
        parts = name.split(".")
        if len(parts) >= 3 and parts[0] in _BY_TYPE_TF:
            return self._tf_resource(parts), f"an attribute of the Terraform resource {parts[0]}.{parts[1]}"
        return self._by_field(name, fields), "filled in when deploying"

    def _by_field(self, name: str, fields: list[str]) -> Any:
        for f in fields:
            if f in _BY_FIELD:
                return _BY_FIELD[f](_readable(name))
        return None

    def value_of(self, raw: Any, fields: list[str], depth: int) -> Any:
        """The value a template expression (a literal or an intrinsic function) would give."""
        if depth > 8:
            return None
        if not isinstance(raw, dict) or len(raw) != 1:
            return raw if isinstance(raw, (str, int, float, bool)) else None
        (fn, arg), = raw.items()
        # A function refers to the template's own names, never to the substitutions it sits in.
        if fn == "Ref" and isinstance(arg, str):
            return self.suggest(arg, fields, depth + 1, substitutions=False)[0]
        if fn == "Fn::GetAtt":
            parts = arg.split(".", 1) if isinstance(arg, str) else arg
            if isinstance(parts, list) and len(parts) == 2 and all(isinstance(p, str) for p in parts):
                return self.suggest(f"{parts[0]}.{parts[1]}", fields, depth + 1, substitutions=False)[0]
            return None
        if fn == "Fn::Sub":
            text, local = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1]) if isinstance(arg, list) and \
                len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict) else (None, {})
            if text is None:
                return None
            from .placeholders import tokens
            out, last = [], 0
            for start, end in tokens(text):
                inner = text[start + 2:end - 1].strip()
                value = self.value_of(local[inner], [], depth + 1) if inner in local else \
                    self.suggest(inner, [], depth + 1, substitutions=False)[0]
                if value is None:
                    return None
                out += [text[last:start], str(value)]
                last = end
            return "".join(out) + text[last:]
        if fn == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
            parts = [self.value_of(p, [], depth + 1) for p in arg[1]]
            return None if any(p is None for p in parts) else str(arg[0]).join(str(p) for p in parts)
        if fn == "Fn::FindInMap" and isinstance(arg, list) and len(arg) == 3:
            keys = [self.value_of(k, [], depth + 1) for k in arg]
            table = self.mappings.get(keys[0]) if isinstance(keys[0], str) else None
            row = table.get(keys[1]) if isinstance(table, dict) else None
            return row.get(keys[2]) if isinstance(row, dict) else None
        if fn == "Fn::If" and isinstance(arg, list) and len(arg) == 3:
            return self.value_of(arg[1], fields, depth + 1)
        if fn == "Fn::Select" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
            index = self.value_of(arg[0], [], depth + 1)
            try:
                return self.value_of(arg[1][int(index)], fields, depth + 1)
            except (TypeError, ValueError, IndexError):
                return None
        if fn == "Fn::ImportValue":
            return self._by_field(str(self.value_of(arg, [], depth + 1) or "Imported"), fields)
        return None

    def show(self, raw: Any) -> str:
        """A template expression as its author wrote it, short: ``!GetAtt ProcessFunction.Arn``."""
        if isinstance(raw, dict) and len(raw) == 1:
            (fn, arg), = raw.items()
            if fn == "Fn::GetAtt" and isinstance(arg, list):
                return "!GetAtt " + ".".join(str(a) for a in arg)
            short = fn[4:] if fn.startswith("Fn::") else fn
            return f"!{short} {arg if isinstance(arg, str) else _compact(arg)}"
        return repr(raw) if isinstance(raw, str) else _compact(raw)

    def _resource_value(self, logical: str, attribute: str | None, depth: int) -> Any:
        resource = self.resources.get(logical)
        if not isinstance(resource, dict):
            return None
        kind = resource.get("Type")
        props = resource.get("Properties") if isinstance(resource.get("Properties"), dict) else {}
        name_prop = next((props[k] for k in ("FunctionName", "TableName", "QueueName", "TopicName", "BucketName",
                                             "StateMachineName", "Name", "ClusterName", "RoleName", "JobQueueName",
                                             "JobDefinitionName", "LogGroupName", "Family") if k in props), None)
        name = self.value_of(name_prop, [], depth + 1) if name_prop is not None else None
        name = str(name) if name is not None else logical
        if kind not in _BY_TYPE:
            return name if attribute is None else None
        ref, attrs = _BY_TYPE[kind]
        if attribute is None:
            return ref(name)
        return attrs[attribute](name) if attribute in attrs else None

    def _serverless(self, name: str, depth: int) -> Any:
        expression, _, default = name.partition(",")
        expression = expression.strip()
        default = default.strip().strip("'\"") or None
        if expression.startswith("self:"):
            value: Any = self.serverless
            for part in expression[5:].split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if isinstance(value, (str, int, float, bool)):
                return value
        if expression in SERVERLESS:
            return default or SERVERLESS[expression]
        if expression == "self:service" and isinstance(self.serverless.get("service"), str):
            return self.serverless["service"]
        return default

    def _serverless_name(self, function: str, depth: int) -> str:
        # The Serverless Framework names a function SERVICE-STAGE-FUNCTION.
        service = self.serverless.get("service")
        service = service.get("name") if isinstance(service, dict) else service
        stage = self.suggest("self:provider.stage", [], depth + 1)[0] or "dev"
        return f"{service}-{stage}-{function}" if isinstance(service, str) else function

    def _tf_resource(self, parts: list[str]) -> Any:
        kind, label, attribute = parts[0], parts[1], parts[2]
        props = self.tf_resources.get((kind, label), {})
        name = next((props[k] for k in ("function_name", "name", "bucket", "family") if isinstance(props.get(k), str)),
                    label)
        ref, attrs = _BY_TYPE[kind]
        return attrs[attribute](name) if attribute in attrs else ref(name)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


_BY_TYPE_TF = {t for t in _BY_TYPE if t.startswith("aws_")}


def _compact(value: Any) -> str:
    import json
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= 120 else text[:117] + "..."
