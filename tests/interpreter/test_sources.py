"""interpreter.sources: YAML as SAM, CloudFormation and Serverless read it; templates; placeholders; bounds.

Sources for the expected readings:
- YAML 1.2's core schema (yaml.org/spec/1.2.2, 10.3) has only true/false as booleans; YAML 1.1's
  `yes`/`no`/`on`/`off` are text there. The Serverless Framework reads YAML with js-yaml, whose
  default schema follows 1.2 core, so a state named `Yes` stays `Yes`.
- AWS SAM's DefinitionSubstitutions (AWS::Serverless::StateMachine) and CloudFormation's
  DefinitionSubstitutions / Fn::Sub fill `${Name}` placeholders in the definition when deploying;
  `${!Literal}` is Fn::Sub's escape for a literal `${Literal}`.
"""
from __future__ import annotations

import json
import time

import pytest

from interpreter.sources import SourceError, fill, read_source
from interpreter.sources.placeholders import quote_bare, tokens
from interpreter.sources.yaml_reader import YamlError, load

YES_NO = """\
StartAt: Ask
States:
  Ask:
    Type: Choice
    Choices:
      - Variable: $.answer
        BooleanEquals: true
        Next: Yes
    Default: No
  Yes: {Type: Pass, Result: on, Next: 1.0}
  No: {Type: Pass, Result: [yes, off, 1.0, 012, 0x1f, 1:30, 2024-01-01T00:00:00Z, ~, true], End: true}
  1.0: {Type: Succeed}
"""


def test_state_names_and_keys_stay_text_as_sam_and_serverless_read_them():
    definition = read_source(YES_NO).definition
    assert list(definition["States"]) == ["Ask", "Yes", "No", "1.0"]
    assert definition["States"]["Ask"]["Choices"][0]["Next"] == "Yes"
    assert definition["States"]["Ask"]["Default"] == "No"
    assert definition["States"]["Yes"] == {"Type": "Pass", "Result": "on", "Next": "1.0"}
    # YAML 1.2 core: yes/off and sexagesimal 1:30 are text, timestamps stay text, 012 and 0x1f are numbers.
    assert definition["States"]["No"]["Result"] == ["yes", "off", 1.0, 12, 31, "1:30", "2024-01-01T00:00:00Z",
                                                    None, True]


def test_the_yes_no_file_runs_from_the_command_line(tmp_path):
    from interpreter.cli import main
    path = tmp_path / "flow.yaml"
    path.write_text(YES_NO)
    assert main(["run", str(path), "--input", '{"answer": true}']) == 0


def test_cloudformation_tags_become_the_long_form():
    value, _ = load("a: !Ref X\nb: !GetAtt Fn.Arn\nc: !Sub 'x-${Y}'\nd: !Join [',', [a, !Ref Z]]\n"
                    "e: !Select [0, [p, q]]\nf: !!str 5\n")
    assert value == {"a": {"Ref": "X"}, "b": {"Fn::GetAtt": ["Fn", "Arn"]}, "c": {"Fn::Sub": "x-${Y}"},
                     "d": {"Fn::Join": [",", ["a", {"Ref": "Z"}]]}, "e": {"Fn::Select": [0, ["p", "q"]]}, "f": "5"}


def test_python_tags_are_refused():
    with pytest.raises(YamlError, match="not supported"):
        load("a: !!python/object/apply:os.system ['echo hacked']\n")


def test_aliases_and_merge_keys_within_the_bound_work_and_each_use_is_a_copy():
    value, _ = load("retry: &r {ErrorEquals: [States.ALL], MaxAttempts: 2}\n"
                    "a: {<<: *r, MaxAttempts: 5}\nb: [*r, *r]\n")
    assert value["a"] == {"ErrorEquals": ["States.ALL"], "MaxAttempts": 5}
    assert value["b"][0] == value["b"][1] and value["b"][0] is not value["b"][1]


def test_repeated_keys_are_reported_with_their_path():
    _, duplicates = load("States:\n  A: {Type: Pass}\n  A: {Type: Fail}\n  B: {Type: Pass, End: true, End: true}\n")
    assert duplicates == [(("States",), "A"), (("States", "B"), "End")]


def _laughs(levels: int = 9) -> str:
    text = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for i in range(1, levels + 1):
        text += f"{chr(97 + i)}: &{chr(97 + i)} [{', '.join(['*' + chr(96 + i)] * 9)}]\n"
    return text


@pytest.mark.parametrize("text,needle", [
    ("[" * 10_000 + "]" * 10_000, "nested more than"),
    ("{a: " * 10_000 + "1" + "}" * 10_000, "nested more than"),
    ("".join(f"{' ' * i}- \n" for i in range(300)), "nested more than"),
    (_laughs(), "aliases count for what they repeat"),
])
def test_hostile_yaml_is_refused_before_the_work_is_done(text, needle):
    # Bounds checked as the parser's events arrive, not after: the cost is the bound's, not the text's.
    started = time.process_time()
    with pytest.raises(SourceError, match=needle):
        read_source(text, fmt="yaml")
    assert time.process_time() - started < 2  # was 10 s for the first; generous for a loaded machine


def test_sam_template_with_substitutions_and_intrinsics():
    text = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: dev}
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties: {FunctionName: !Sub '${AWS::StackName}-worker'}
  Orders: {Type: AWS::DynamoDB::Table}
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      DefinitionSubstitutions:
        WorkerArn: !GetAtt Worker.Arn
        Table: !Ref Orders
      Definition:
        StartAt: Work
        States:
          Work: {Type: Task, Resource: '${WorkerArn}', Next: Save}
          Save:
            Type: Task
            Resource: arn:${AWS::Partition}:states:::dynamodb:putItem
            Parameters: {TableName: '${Table}', Item: {stage: {S: !Ref Stage}}}
            End: true
"""
    source = read_source(text)
    assert (source.kind, source.machine, source.workflow_type) == ("sam", "Flow", "EXPRESS")
    assert source.definition["States"]["Save"]["Parameters"]["Item"]["stage"]["S"] == "${Stage}"
    found = {p.name: p for p in source.placeholders}
    assert list(found) == ["WorkerArn", "AWS::Partition", "Table", "Stage"]
    assert found["WorkerArn"].suggestion == "arn:aws:lambda:us-east-1:123456789012:function:my-stack-worker"
    assert "!GetAtt Worker.Arn" in found["WorkerArn"].origin
    assert found["WorkerArn"].states == ["Work"] and found["WorkerArn"].pointers == ["/States/Work/Resource"]
    assert (found["AWS::Partition"].suggestion, found["Table"].suggestion, found["Stage"].suggestion) == \
        ("aws", "Orders", "dev")
    filled = source.filled(source.suggested())
    assert filled["States"]["Save"]["Resource"] == "arn:aws:states:::dynamodb:putItem"
    assert "${" not in json.dumps(filled)


def test_cloudformation_definition_string_built_with_sub_and_join():
    sub = {"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
        "StateMachineType": "STANDARD",
        "DefinitionString": {"Fn::Sub": ['{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"${Fn}",'
                                         '"TimeoutSeconds":${Timeout},"End":true}}}',
                                         {"Fn": {"Fn::GetAtt": ["Worker", "Arn"]}, "Timeout": 30}]}}},
        "Worker": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "worker"}}}}
    source = read_source(json.dumps(sub))
    assert source.workflow_type == "STANDARD"
    assert source.definition["States"]["A"]["Resource"] == "${Fn}"
    assert source.typed == {"Timeout"}  # it stood bare, where a number goes
    assert source.filled(source.suggested())["States"]["A"] == {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:worker", "TimeoutSeconds": 30,
        "End": True}
    join = {"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
        "DefinitionString": {"Fn::Join": ["", ['{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"',
                                               {"Fn::GetAtt": ["Worker", "Arn"]}, '","End":true}}}']]}}}}}
    assert read_source(json.dumps(join)).definition["States"]["A"]["Resource"] == "${Worker.Arn}"


def test_serverless_file_with_variables_functions_and_anchors():
    text = """\
service: shop
provider: {name: aws, stage: "${opt:stage, 'test'}"}
custom:
  table: orders-${sls:stage}
  retry: &retry [{ErrorEquals: [States.ALL], MaxAttempts: 2}]
functions:
  charge: {handler: charge.handler}
stepFunctions:
  stateMachines:
    checkout:
      type: express
      definition:
        StartAt: Charge
        States:
          Charge: {Type: Task, Resource: {Fn::GetAtt: [charge, Arn]}, Retry: *retry, Next: Save}
          Save:
            Type: Task
            Resource: arn:aws:states:::dynamodb:putItem
            Parameters: {TableName: '${self:custom.table}', Item: {}}
            End: true
"""
    source = read_source(text)
    assert (source.kind, source.machine, source.workflow_type) == ("serverless", "checkout", "EXPRESS")
    assert source.definition["States"]["Charge"]["Retry"] == [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}]
    suggested = source.suggested()
    assert suggested == {"charge.Arn": "arn:aws:lambda:us-east-1:123456789012:function:shop-test-charge",
                         "self:custom.table": "orders-dev"}


TERRAFORM = '''\
variable "timeout" {
  default = 60
}
resource "aws_lambda_function" "worker" {
  function_name = "order-worker" # the name AWS knows
}
resource "aws_sfn_state_machine" "heredoc" {
  name     = "orders"
  role_arn = aws_iam_role.sfn.arn
  definition = <<-EOT
    {
      "StartAt": "Work",
      "States": {
        "Work": {"Type": "Task", "Resource": "${aws_lambda_function.worker.arn}",
                 "TimeoutSeconds": ${var.timeout}, "End": true}
      }
    }
  EOT
}
resource "aws_sfn_state_machine" "encoded" {
  name = "encoded"
  type = "EXPRESS"
  definition = jsonencode({
    StartAt = "Go"
    States = {
      Go = {
        Type       = "Task"
        Resource   = "arn:aws:states:::lambda:invoke"
        Parameters = { FunctionName = aws_lambda_function.worker.arn, "Payload.$" = "$" }
        End        = true
      }
    }
  })
}
resource "aws_sfn_state_machine" "external" {
  name = "external"
  definition = templatefile("${path.module}/flow.asl.json", { worker_arn = aws_lambda_function.worker.arn })
}
'''


def test_terraform_heredoc_jsonencode_and_templatefile():
    heredoc = read_source(TERRAFORM)
    assert (heredoc.kind, heredoc.machine, heredoc.machines) == ("terraform", "heredoc",
                                                                 ["heredoc", "encoded", "external"])
    assert heredoc.filled(heredoc.suggested())["States"]["Work"] == {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:order-worker",
        "TimeoutSeconds": 60, "End": True}
    encoded = read_source(TERRAFORM, machine="encoded")
    assert encoded.workflow_type == "EXPRESS"
    assert encoded.definition["States"]["Go"]["Parameters"]["FunctionName"] == "${aws_lambda_function.worker.arn}"
    with pytest.raises(SourceError, match=r"reads its definition from \$\{path.module\}/flow.asl.json: import "
                                          r"that file instead.*worker_arn = aws_lambda_function.worker.arn"):
        read_source(TERRAFORM, machine="external")


def test_a_templatefile_template_with_bare_placeholders():
    text = '{"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": ${limit}, "ItemProcessor": ' \
           '{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}'
    source = read_source(text)
    assert source.typed == {"limit"}
    assert source.filled({"limit": "5"})["States"]["M"]["MaxConcurrency"] == 5
    assert source.filled({"limit": "five"})["States"]["M"]["MaxConcurrency"] == "five"


def test_placeholder_scanning():
    text = "a ${One} b ${!Literal} c ${self:custom.${sls:stage}} ${unclosed"
    assert [text[s:e] for s, e in tokens(text)] == ["${One}", "${self:custom.${sls:stage}}"]
    assert quote_bare('{"a": ${x}, "b": "${y}"}') == ('{"a": "${x}", "b": "${y}"}', {"x"})
    assert fill({"${K}": "arn:${P}:x", "n": "${N}"}, {"P": "aws", "N": 3, "K": "k"}) == {
        "k": "arn:aws:x", "n": 3}


def test_aws_cli_description_and_choice_of_machine():
    described = {"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:x", "name": "x",
                 "type": "EXPRESS", "definition": json.dumps({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}})}
    source = read_source(json.dumps(described))
    assert (source.kind, source.machine, source.workflow_type) == ("aws-cli", "x", "EXPRESS")
    with pytest.raises(SourceError, match="No state machine named 'y' here; the file holds: x"):
        read_source(json.dumps(described), machine="y")


@pytest.mark.parametrize("text,needle", [
    ("", "empty"),
    ("Resources: {}\n", "No state machine found"),
    ("Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties: {DefinitionUri: sm.asl.json}\n",
     "reads its definition from another file \\(sm.asl.json\\)"),
    ("a: *x\n", "alias"),
    ("- a list\n", "must be an object"),
    ("---\nStartAt: A\n---\nStartAt: B\n", "more than one YAML document"),
    ("? [complex]\n: key\n", "A key must be text"),
    ('{"StartAt": ', "Not valid JSON"),
])
def test_unreadable_files_say_why(text, needle):
    with pytest.raises(SourceError, match=needle):
        read_source(text)


def test_runtime_reads_a_placeholder_partition_like_aws_partition():
    from interpreter.services import describe
    resource = describe("arn:${AWS::Partition}:states:::lambda:invoke.waitForTaskToken")
    assert (resource.kind, resource.resource_type, resource.pattern) == ("integration", "lambda", "waitForTaskToken")
    assert describe("arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Name}").kind == "lambda"


def test_the_command_line_refuses_hostile_yaml_quickly(tmp_path):
    import subprocess
    import sys
    deep, laughs = tmp_path / "deep.yaml", tmp_path / "laughs.yaml"
    deep.write_text("{a: " * 15_000 + "1" + "}" * 15_000)
    laughs.write_text(_laughs())
    for path, needle in ((deep, "nested more than 128 levels"), (laughs, "aliases count for what they repeat")):
        for command in ("run", "validate"):
            done = subprocess.run([sys.executable, "-m", "interpreter", command, str(path)], capture_output=True,
                                  text=True, timeout=120)
            assert done.returncode == (2 if command == "run" else 1), done
            assert needle in done.stdout + done.stderr


def test_the_command_line_runs_a_template_filling_placeholders(tmp_path, capsys):
    from interpreter.cli import main
    path = tmp_path / "template.yaml"
    path.write_text("""\
Resources:
  Flow:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionSubstitutions: {Greeting: hello}
      Definition:
        StartAt: Say
        States:
          Say: {Type: Pass, Result: {text: '${Greeting}', where: '${AWS::Region}', who: '${Who}'}, End: true}
""")
    assert main(["run", str(path), "--fill-placeholders", "--substitute", "Who=world"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["output"] == {"text": "hello", "where": "us-east-1", "who": "world"}
    assert main(["run", str(path)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["output"]["text"] == "${Greeting}"
    assert "note: 3 placeholder(s) kept as written: ${Greeting} (suggested: hello)" in err


def test_deep_json_is_refused_before_it_is_parsed():
    started = time.process_time()
    with pytest.raises(SourceError, match="nested more than 128 levels"):
        read_source('{"a": ' * 20_000 + "1" + "}" * 20_000)
    assert time.process_time() - started < 2
