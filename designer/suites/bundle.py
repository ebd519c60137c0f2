"""The hand-over bundle: one version of a workflow, its test cases and how to run and deploy them,
as a zip an engineer unpacks and uses as it is.

- ``statemachine.asl.json``: the definition, byte for byte the version's ASL export;
- ``template.yaml``: a SAM template (``AWS::Serverless::StateMachine``) with the definition inline,
  each account- or region-specific ARN replaced by a ``${Name}`` placeholder resolved through
  ``DefinitionSubstitutions`` with the deploying account, region and partition;
- ``main.tf``: Terraform's ``aws_sfn_state_machine``, the same ARNs rebuilt for the account applied to;
- ``MockConfigFile.json``: every test case in Step Functions Local's mock config format;
- ``statewise-tests.json``: each test case's input and expectations (``python -m interpreter test``);
- ``narrative.md``: the workflow in plain words;
- ``README.md``: how to run the cases with Statewise and with Step Functions Local, and deploy.
"""
from __future__ import annotations

import copy
import io
import json
import re
import zipfile
from typing import Any

import yaml

from interpreter.explain import explain
from interpreter.mocks import S3_OBJECTS, case_entries
from interpreter.testing.casefile import write_case_file
from interpreter.testing.runner import Case

from ..asl_io import aws_ordered, export_json

# arn:PARTITION:SERVICE:REGION:ACCOUNT:rest, with a region or an account to take out.
_ARN = re.compile(r"arn:(aws[\w-]*):([\w-]+):([a-z]{2}(?:-[a-z]+)+-\d)?:(\d{12})?:([^\s\"']+)")
ASL_NAME = "statemachine.asl.json"
TESTS_NAME = "statewise-tests.json"
MOCKS_NAME = "MockConfigFile.json"


def placeholders(definition: Any) -> dict[str, str]:
    """Every account- or region-specific ARN in the definition -> its placeholder name."""
    found: dict[str, str] = {}
    used: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            for m in _ARN.finditer(value):
                arn = m.group(0)
                if arn in found or not (m.group(3) or m.group(4)):
                    continue
                base = _camel(m.group(5).split(":")[-1].split("/")[-1]) or "Resource"
                name = base + _camel(m.group(2)) + "Arn"
                n = 2
                while name in used:
                    name = f"{base}{_camel(m.group(2))}Arn{n}"
                    n += 1
                used.add(name)
                found[arn] = name
    walk(definition)
    return found


def _camel(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text) if part)


def _with_placeholders(definition: Any, names: dict[str, str]) -> Any:
    # Longest first, so an ARN that prefixes another is not replaced inside it.
    order = sorted(names, key=len, reverse=True)

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str):
            for arn in order:
                value = value.replace(arn, "${" + names[arn] + "}")
        return value
    return walk(definition)


def _sub(arn: str) -> str:
    m = _ARN.fullmatch(arn)
    region = "${AWS::Region}" if m.group(3) else ""
    account = "${AWS::AccountId}" if m.group(4) else ""
    return f"arn:${{AWS::Partition}}:{m.group(2)}:{region}:{account}:{m.group(5)}"


def sam_template(definition: Any, *, name: str, description: str, workflow_type: str = "STANDARD") -> str:
    names = placeholders(definition)
    body = aws_ordered(_with_placeholders(definition, names))
    resource: dict[str, Any] = {
        "Type": "AWS::Serverless::StateMachine",
        "Properties": {
            "Name": name,
            "Type": workflow_type,
            "Definition": body,
            "Role": {"Ref": "ExecutionRoleArn"},
        },
    }
    if names:
        resource["Properties"]["DefinitionSubstitutions"] = {
            placeholder: {"Fn::Sub": _sub(arn)} for arn, placeholder in sorted(names.items(), key=lambda i: i[1])}
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Description": (description or f"The {name} workflow, handed over from Statewise.")[:1024],
        "Parameters": {"ExecutionRoleArn": {
            "Type": "String",
            "Description": "The IAM role the state machine runs as (it must be allowed to call the services "
                           "the workflow uses).",
            "AllowedPattern": "arn:aws[a-z-]*:iam::\\d{12}:role/.+"}},
        "Resources": {"StateMachine": resource},
        "Outputs": {"StateMachineArn": {"Value": {"Ref": "StateMachine"}}},
    }
    return "# SAM template written by Statewise: sam deploy --guided\n" + yaml.safe_dump(
        template, sort_keys=False, allow_unicode=True, width=110)


def terraform(definition: Any, *, name: str, workflow_type: str = "STANDARD") -> str:
    names = placeholders(definition)
    prefixes: dict[str, str] = {}
    for arn in names:
        m = _ARN.fullmatch(arn)
        old = f"arn:{m.group(1)}:{m.group(2)}:{m.group(3) or ''}:{m.group(4) or ''}:"
        region = "${data.aws_region.current.name}" if m.group(3) else ""
        account = "${data.aws_caller_identity.current.account_id}" if m.group(4) else ""
        prefixes[old] = f"arn:${{data.aws_partition.current.partition}}:{m.group(2)}:{region}:{account}:"
    expression = f'file("${{path.module}}/{ASL_NAME}")'
    for old, new in sorted(prefixes.items()):
        expression = f'replace({expression}, "{old}", "{new}")'
    resource = re.sub(r"[^a-z0-9_]", "_", name.lower()).strip("_") or "workflow"
    return f'''# Terraform for the {name} workflow, written by Statewise: terraform init && terraform apply
# The definition is {ASL_NAME}; its account- and region-specific ARNs are rebuilt for the
# account and region Terraform applies to.

variable "execution_role_arn" {{
  description = "The IAM role the state machine runs as"
  type        = string
}}

data "aws_caller_identity" "current" {{}}
data "aws_region" "current" {{}}
data "aws_partition" "current" {{}}

resource "aws_sfn_state_machine" "{resource}" {{
  name       = {json.dumps(name)}
  role_arn   = var.execution_role_arn
  type       = "{workflow_type}"
  definition = {expression}
}}

output "state_machine_arn" {{
  value = aws_sfn_state_machine.{resource}.arn
}}
'''


def mock_config_file(cases: list[Case], machine_name: str) -> dict:
    """Every case's mocks in one Step Functions Local config, under ``machine_name``; mocked
    responses of the same name but different content are renamed apart."""
    test_cases: dict[str, Any] = {}
    responses: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for case in cases:
        if not case.mock_config:
            test_cases[case.name] = {}
            continue
        _, _, entries = case_entries(case.mock_config, case.state_machine, case.mock_test_case or case.name)
        mocked = case.mock_config.get("MockedResponses") or {}
        out: dict[str, Any] = {}
        for state, mock in entries.items():
            if state == S3_OBJECTS and isinstance(mock, dict):
                out[state] = copy.deepcopy(mock)
                continue
            name, n = mock, 2
            while name in responses and responses[name] != mocked[mock]:
                name = f"{mock}-{n}"
                n += 1
            responses[name] = copy.deepcopy(mocked[mock])
            out[state] = name
        if S3_OBJECTS in case.mock_config:
            extra.setdefault(S3_OBJECTS, {}).update(case.mock_config[S3_OBJECTS])
        test_cases[case.name] = out
    return {"StateMachines": {machine_name: {"TestCases": test_cases}}, "MockedResponses": responses, **extra}


def readme(*, workflow_name: str, machine_name: str, version: int, cases: list[Case], arns: dict[str, str],
           summary: str | None, workflow_type: str = "STANDARD") -> str:
    first = cases[0].name if cases else "CaseName"
    listed = "\n".join(f"- `{c.name}`" for c in cases) or "- (no test cases yet)"
    result = f" The last suite run in Statewise: {summary}." if summary else ""
    subs = "\n".join(f"- `${{{name}}}`: `{arn}`" for arn, name in sorted(arns.items(), key=lambda i: i[1])) \
        or "- (none: the definition names no account- or region-specific ARN)"
    return f"""# {workflow_name}, version {version}

Handed over from Statewise. The workflow is `{ASL_NAME}` (Amazon States Language, the same file
as Statewise's ASL export); `narrative.md` tells it in plain words. Its test cases are the
contract agreed in review:{result}

{listed}

Each one is a test case of `{MOCKS_NAME}` (Step Functions Local's mock config: what every
Task answers) with its input and expectations in `{TESTS_NAME}`.

## Run the test cases with Statewise

In this folder, with Statewise installed (in a Statewise checkout, `make install` and its
`.venv/bin/python`):

```sh
python -m interpreter test {ASL_NAME} --mock-config {MOCKS_NAME} --cases {TESTS_NAME} --type {workflow_type} --coverage
```

It prints one line per test case and `N/N pass`; exit code 0 when every case passes, 1 when one
fails, 2 when a file cannot be used. `--junit report.xml` writes a JUnit report for CI.

## Run them with AWS Step Functions Local

Step Functions Local reads `{MOCKS_NAME}` from `SFN_MOCK_CONFIG`:

```sh
docker run -p 8083:8083 \\
  --mount type=bind,readonly,source="$(pwd)/{MOCKS_NAME}",destination=/home/StepFunctionsLocal/{MOCKS_NAME} \\
  -e SFN_MOCK_CONFIG="/home/StepFunctionsLocal/{MOCKS_NAME}" \\
  amazon/aws-stepfunctions-local

aws stepfunctions create-state-machine --endpoint-url http://localhost:8083 \\
  --name {machine_name} --type {workflow_type} --role-arn arn:aws:iam::123456789012:role/DummyRole \\
  --definition file://{ASL_NAME}
```

A test case is chosen by the `#TestCase` suffix of the state machine ARN, with the case's input
from `{TESTS_NAME}`:

```sh
aws stepfunctions start-execution --endpoint-url http://localhost:8083 \\
  --state-machine-arn "arn:aws:states:us-east-1:123456789012:stateMachine:{machine_name}#{first}" \\
  --input '<the input of {first} in {TESTS_NAME}>'
aws stepfunctions get-execution-history --endpoint-url http://localhost:8083 --execution-arn <executionArn>
```

Step Functions Local has no expectations: compare what it did with the case's `expect`.

## Deploy

The definition names these account- or region-specific ARNs. `template.yaml` puts a placeholder
in their place and fills it, through `DefinitionSubstitutions`, with the account, region and
partition you deploy to; `main.tf` rebuilds them the same way:

{subs}

With SAM (it asks for `ExecutionRoleArn`, the role the state machine runs as):

```sh
sam deploy --guided --template-file template.yaml
```

With Terraform:

```sh
terraform init
terraform apply -var execution_role_arn=arn:aws:iam::<account>:role/<role>
```
"""


def bundle(*, workflow_name: str, machine_name: str, version: int, definition: Any, cases: list[Case],
           summary: str | None = None, workflow_type: str = "STANDARD") -> bytes:
    arns = placeholders(definition)
    shared_input = _shared_input(cases)
    files = {
        ASL_NAME: export_json(definition),
        "template.yaml": sam_template(definition, name=machine_name, workflow_type=workflow_type,
                                      description=str(definition.get("Comment") or "") if isinstance(definition, dict) else ""),
        "main.tf": terraform(definition, name=machine_name, workflow_type=workflow_type),
        MOCKS_NAME: json.dumps(mock_config_file(cases, machine_name), indent=2, ensure_ascii=False) + "\n",
        TESTS_NAME: json.dumps(write_case_file(_for_file(cases, machine_name), state_machine=machine_name,
                                               input=shared_input), indent=2, ensure_ascii=False) + "\n",
        "narrative.md": f"# {workflow_name}, version {version}, in plain words\n\n" + explain(definition).text(),
        "README.md": readme(workflow_name=workflow_name, machine_name=machine_name, version=version, cases=cases,
                            arns=arns, summary=summary, workflow_type=workflow_type),
    }
    out = io.BytesIO()
    folder = machine_name
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(f"{folder}/{name}", text)
    return out.getvalue()


def _for_file(cases: list[Case], machine_name: str) -> list[Case]:
    return [Case(c.name, c.input, c.spec, None, c.name, machine_name) for c in cases]


def _shared_input(cases: list[Case]) -> Any:
    """The input most cases share, written once at the top of the tests file."""
    texts = [json.dumps(c.input, sort_keys=True) for c in cases]
    if not texts:
        return None
    best = max(set(texts), key=texts.count)
    return json.loads(best) if texts.count(best) > 1 or len(texts) == 1 else None
