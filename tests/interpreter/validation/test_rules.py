"""One test per rule: the exact code, JSON Pointer, state and message of each problem."""
from __future__ import annotations

import pytest

from interpreter.validation import is_valid, validate

LAMBDA = "arn:aws:states:::lambda:invoke"
DONE = {"Type": "Succeed"}
PROCESSOR = {"StartAt": "Item", "States": {"Item": {"Type": "Succeed"}}}


def machine(states: dict, start: str = "A", **top) -> dict:
    return {"StartAt": start, "States": states, **top}


def problems(definition) -> list[tuple]:
    return [(p.code, p.pointer, p.state, p.message) for p in validate(definition)]


RULES = [
    ("next xor end: neither",
     machine({"A": {"Type": "Pass"}, "B": DONE}, start="A") | {"States": {"A": {"Type": "Pass", "Next": "B"},
                                                                          "B": {"Type": "Pass"}}},
     ("MISSING_NEXT", "/States/B", "B",
      "State 'B' has no Next and is not an end state: connect it to a state, or mark it as the end.")),
    ("next xor end: both",
     machine({"A": {"Type": "Pass", "Next": "B", "End": True}, "B": DONE}),
     ("NEXT_AND_END", "/States/A/End", "A",
      "State 'A' has both Next and End: keep Next to go on to 'B', or remove Next to end here.")),
    ("transition target exists",
     machine({"A": {"Type": "Pass", "Next": "Nowhere"}, "B": DONE}, start="A") | {
         "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "B"}],
                          "Default": "Nowhere"}, "B": DONE}},
     ("MISSING_TRANSITION_TARGET", "/States/A/Default", "A",
      "State 'A' goes to 'Nowhere', which does not exist: pick an existing state.")),
    ("catch target exists",
     machine({"A": {"Type": "Task", "Resource": LAMBDA, "End": True,
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Gone"}]}}),
     ("MISSING_TRANSITION_TARGET", "/States/A/Catch/0/Next", "A",
      "State 'A' Catch #1 goes to 'Gone', which does not exist: pick an existing state.")),
    ("StartAt names a state",
     machine({"A": DONE}, start="X") | {"States": {"X1": DONE}},
     ("MISSING_START", "/StartAt", None,
      "StartAt names 'X', which is not a state in the state machine: pick one of its states.")),
    ("unreachable state",
     machine({"A": {"Type": "Pass", "End": True}, "B": DONE}),
     ("UNREACHABLE_STATE", "/States/B", "B",
      "State 'B' cannot be reached from StartAt 'A': connect it with a Next, Default or Catch, or remove it.")),
    ("a terminal state is reachable",
     machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}),
     ("NO_TERMINAL_STATE", "/States", None,
      "The state machine never ends: no state it can reach is an end state. Mark a state with \"End\": true, "
      "or add a Succeed or Fail state.")),
    ("state names unique across branches",
     machine({"A": {"Type": "Parallel", "End": True,
                    "Branches": [{"StartAt": "A", "States": {"A": DONE}}]}}),
     ("DUPLICATE_STATE_NAME", "/States/A/Branches/0/States/A", "A",
      "State name 'A' is already used at /States/A: state names must be unique across the whole state machine, "
      "branches and Map processors included. Rename one of them.")),
    ("state name at most 80 characters",
     machine({"N" * 81: DONE}, start="N" * 81),
     ("INVALID_STATE_NAME", "/States/" + "N" * 81, "N" * 81,
      f"State '{'N' * 40}...' has a name of 81 characters: state names must be 1 to 80 characters long.")),
    ("States.ALL alone",
     machine({"A": {"Type": "Task", "Resource": LAMBDA, "End": True,
                    "Retry": [{"ErrorEquals": ["States.Timeout", "States.ALL"]}]}}),
     ("STATES_ALL_NOT_ALONE", "/States/A/Retry/0/ErrorEquals", "A",
      "State 'A' Retry #1: States.ALL must be the only error in its ErrorEquals: remove the other errors from "
      "this list or move them to an earlier Retry entry.")),
    ("States.ALL last",
     machine({"A": {"Type": "Task", "Resource": LAMBDA, "End": True,
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "B"}, {"ErrorEquals": ["X"], "Next": "B"}]},
              "B": DONE}),
     ("STATES_ALL_NOT_LAST", "/States/A/Catch/0/ErrorEquals", "A",
      "State 'A' Catch #1: the entry with States.ALL must be the last one in Catch, since it matches every "
      "error: move it to the end.")),
    ("BackoffRate at least 1",
     machine({"A": {"Type": "Task", "Resource": LAMBDA, "End": True,
                    "Retry": [{"ErrorEquals": ["X"], "BackoffRate": 0.5}]}}),
     ("INVALID_VALUE", "/States/A/Retry/0/BackoffRate", "A",
      "State 'A' Retry #1: 'BackoffRate' must be a number of at least 1.0, not 0.5.")),
    ("MaxAttempts not negative",
     machine({"A": {"Type": "Task", "Resource": LAMBDA, "End": True,
                    "Retry": [{"ErrorEquals": ["X"], "MaxAttempts": -1}]}}),
     ("INVALID_VALUE", "/States/A/Retry/0/MaxAttempts", "A",
      "State 'A' Retry #1: 'MaxAttempts' must be a whole number from 0 to 99999999, not -1.")),
    ("IntervalSeconds at least 1",
     machine({"A": {"Type": "Task", "Resource": LAMBDA, "End": True,
                    "Retry": [{"ErrorEquals": ["X"], "IntervalSeconds": 0}]}}),
     ("INVALID_VALUE", "/States/A/Retry/0/IntervalSeconds", "A",
      "State 'A' Retry #1: 'IntervalSeconds' must be a whole number from 1 to 99999999, not 0.")),
    ("JitterStrategy FULL or NONE",
     machine({"A": {"Type": "Task", "Resource": LAMBDA, "End": True,
                    "Retry": [{"ErrorEquals": ["X"], "JitterStrategy": "SOME"}]}}),
     ("INVALID_VALUE", "/States/A/Retry/0/JitterStrategy", "A",
      "State 'A' Retry #1: 'JitterStrategy' must be one of FULL, NONE, not the text 'SOME'.")),
    ("heartbeat below timeout",
     machine({"A": {"Type": "Task", "Resource": LAMBDA, "End": True, "TimeoutSeconds": 10,
                    "HeartbeatSeconds": 10}}),
     ("HEARTBEAT_NOT_BELOW_TIMEOUT", "/States/A/HeartbeatSeconds", "A",
      "State 'A': HeartbeatSeconds (10) must be less than TimeoutSeconds (10): lower the heartbeat or raise "
      "the timeout.")),
    ("Timeout and TimeoutPath not both",
     machine({"A": {"Type": "Task", "Resource": LAMBDA, "End": True, "TimeoutSeconds": 10,
                    "TimeoutSecondsPath": "$.t"}}),
     ("CONFLICTING_FIELDS", "/States/A/TimeoutSecondsPath", "A",
      "State 'A' has both TimeoutSeconds and TimeoutSecondsPath, which set the same thing: keep one.")),
    ("Wait has one duration: two",
     machine({"A": {"Type": "Wait", "Seconds": 1, "Timestamp": "2024-01-01T00:00:00Z", "End": True}}),
     ("WAIT_DURATION", "/States/A/Timestamp", "A",
      "State 'A' has Seconds and Timestamp, but a Wait takes exactly one of Seconds, Timestamp, SecondsPath "
      "and TimestampPath: keep one.")),
    ("Wait has one duration: none",
     machine({"A": {"Type": "Wait", "End": True}}),
     ("WAIT_DURATION", "/States/A", "A",
      "State 'A' does not say how long to wait: add Seconds, Timestamp, SecondsPath or TimestampPath.")),
    ("Wait Timestamp is RFC 3339",
     machine({"A": {"Type": "Wait", "Timestamp": "2016-13-14T01:59:00Z", "End": True}}),
     ("INVALID_VALUE", "/States/A/Timestamp", "A",
      "State 'A': 'Timestamp' must be an RFC 3339 timestamp such as 2024-03-14T01:59:00Z, not the text "
      "'2016-13-14T01:59:00Z'.")),
    ("Choice rule: one comparison",
     machine({"A": {"Type": "Choice", "Default": "B",
                    "Choices": [{"Variable": "$.a", "StringEquals": "x", "NumericEquals": 1, "Next": "B"}]},
              "B": DONE}),
     ("CHOICE_RULE", "/States/A/Choices/0/NumericEquals", "A",
      "State 'A' Choices #1 has more than one comparison (StringEquals, NumericEquals): keep one, or combine "
      "several rules with And or Or.")),
    ("Choice rule: a comparison needs a Variable",
     machine({"A": {"Type": "Choice", "Choices": [{"StringEquals": "x", "Next": "B"}]}, "B": DONE}),
     ("CHOICE_RULE", "/States/A/Choices/0/Variable", "A",
      "State 'A' Choices #1 compares with StringEquals but has no Variable: add the path to compare, "
      "e.g. \"Variable\": \"$.status\".")),
    ("Choice rule: operand type",
     machine({"A": {"Type": "Choice", "Choices": [{"Variable": "$.a", "NumericEquals": "1", "Next": "B"}]},
              "B": DONE}),
     ("INVALID_VALUE", "/States/A/Choices/0/NumericEquals", "A",
      "State 'A' Choices #1: 'NumericEquals' must be a number, not the text '1'.")),
    ("Choice cannot End",
     machine({"A": {"Type": "Choice", "End": True, "Choices": [{"Variable": "$.a", "IsNull": True, "Next": "B"}]},
              "B": DONE}),
     ("TRANSITION_NOT_ALLOWED", "/States/A/End", "A",
      "State 'A' is a Choice, so it cannot have End: set Next on each rule in Choices and Default for when "
      "none matches.")),
    ("JSONata Choice rules use Condition",
     machine({"A": {"Type": "Choice", "Choices": [{"Next": "B"}]}, "B": DONE}, QueryLanguage="JSONata"),
     ("CHOICE_RULE", "/States/A/Choices/0/Condition", "A",
      "State 'A' Choices #1 needs a Condition, a JSONata expression that is true or false, such as "
      "\"{% $states.input.age >= 18 %}\".")),
    ("ResultPath is a reference path",
     machine({"A": {"Type": "Pass", "ResultPath": "$.a[*]", "End": True}}),
     ("INVALID_REFERENCE_PATH", "/States/A/ResultPath", "A",
      "State 'A': ResultPath '$.a[*]' is not a reference path such as $.result: '*' (wildcard) is not allowed "
      "in a reference path.")),
    ("InputPath is a path",
     machine({"A": {"Type": "Pass", "InputPath": "$.foo[", "End": True}}),
     ("INVALID_PATH", "/States/A/InputPath", "A",
      "State 'A': InputPath '$.foo[' is not a valid path such as $.field: '[' is not closed.")),
    ("a '.$' value is a path or an intrinsic",
     machine({"A": {"Type": "Pass", "Parameters": {"v.$": "not a path"}, "End": True}}),
     ("INVALID_PATH", "/States/A/Parameters/v.$", "A",
      "State 'A': 'v.$' ends in '.$', so 'not a path' must be a JSONPath such as $.field or an intrinsic "
      "function such as States.Format(...): it must start with '$'.")),
    ("intrinsic argument count",
     machine({"A": {"Type": "Pass", "Parameters": {"x.$": "States.MathAdd($.a)"}, "End": True}}),
     ("INVALID_INTRINSIC", "/States/A/Parameters/x.$", "A",
      "State 'A': the intrinsic function in 'x.$' is not valid: States.MathAdd takes 2 arguments, but 1 was given.")),
    ("intrinsic name",
     machine({"A": {"Type": "Pass", "Parameters": {"x.$": "States.NoSuchFunction($.a)"}, "End": True}}),
     ("INVALID_INTRINSIC", "/States/A/Parameters/x.$", "A",
      "State 'A': the intrinsic function in 'x.$' is not valid: States.NoSuchFunction is not an intrinsic "
      "function.")),
    ("intrinsic escapes",
     machine({"A": {"Type": "Pass", "Parameters": {"x.$": "States.Format('a\\q {}', $.b)"}, "End": True}}),
     ("INVALID_INTRINSIC", "/States/A/Parameters/x.$", "A",
      "State 'A': the intrinsic function in 'x.$' is not valid: '\\q' is not an escape; inside a string only "
      "\\' \\{ \\} and \\\\ are at position 17.")),
    ("payload template without duplicate fields",
     machine({"A": {"Type": "Pass", "Parameters": {"a": 1, "a.$": "$.a"}, "End": True}}),
     ("DUPLICATE_TEMPLATE_FIELD", "/States/A/Parameters/a.$", "A",
      "State 'A' has both 'a' and 'a.$', which set the same field: keep one.")),
    ("JSONata syntax",
     machine({"A": {"Type": "Pass", "Output": "{% 1 + %}", "End": True}}, QueryLanguage="JSONata"),
     ("INVALID_JSONATA", "/States/A/Output", "A",
      "State 'A': the JSONata expression '{% 1 + %}' is not valid: Unexpected end of expression.")),
    ("JSONata-only field in a JSONPath state",
     machine({"A": {"Type": "Pass", "Output": "x", "End": True}}),
     ("WRONG_QUERY_LANGUAGE", "/States/A/Output", "A",
      "State 'A' uses 'Output', which only works with QueryLanguage JSONata, but it uses JSONPath: use "
      "OutputPath/ResultPath instead, or set \"QueryLanguage\": \"JSONata\" on the state.")),
    ("JSONPath-only field in a JSONata state",
     machine({"A": {"Type": "Pass", "QueryLanguage": "JSONata", "ResultPath": "$.x", "End": True}}),
     ("WRONG_QUERY_LANGUAGE", "/States/A/ResultPath", "A",
      "State 'A' uses 'ResultPath', which only works with QueryLanguage JSONPath, but it uses JSONata: use "
      "Output or Assign instead, or set QueryLanguage to JSONPath on the state.")),
    ("no JSONPath state in a JSONata machine",
     machine({"A": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": True}}, QueryLanguage="JSONata"),
     ("QUERY_LANGUAGE_DOWNGRADE", "/States/A/QueryLanguage", "A",
      "State 'A' sets QueryLanguage JSONPath, but the state machine uses JSONata, and a JSONata machine cannot "
      "have JSONPath states: convert the state to JSONata, or set the machine's QueryLanguage to JSONPath and "
      "JSONata on the states that use it.")),
    ("Assign variable names",
     machine({"A": {"Type": "Pass", "Assign": {"1bad": 1}, "End": True}}),
     ("INVALID_VARIABLE_NAME", "/States/A/Assign/1bad", "A",
      "State 'A' assigns a variable named '1bad', which is not allowed: it must start with a letter or '_'. "
      "Rename it, e.g. to '_1bad'.")),
    ("Assign reserved names",
     machine({"A": {"Type": "Pass", "Assign": {"states": 1}, "End": True}}),
     ("RESERVED_VARIABLE_NAME", "/States/A/Assign/states", "A",
      "State 'A' assigns a variable named 'states', which is not allowed: 'states' is reserved by Step "
      "Functions. Rename it, e.g. to 'my_states'.")),
    ("Map Label characters",
     machine({"A": {"Type": "Map", "Label": "a:b", "ItemProcessor": PROCESSOR, "End": True}}),
     ("INVALID_MAP_LABEL", "/States/A/Label", "A",
      "State 'A': Label 'a:b' cannot be used: it contains ':'; white space, brackets, wildcards, control "
      "characters and \" # % \\ ^ | ~ ` $ & , ; : / are not allowed. Use letters, digits, '-' and '_'.")),
    ("Map Label length",
     machine({"A": {"Type": "Map", "Label": "L" * 41, "ItemProcessor": PROCESSOR, "End": True}}),
     ("INVALID_MAP_LABEL", "/States/A/Label", "A",
      f"State 'A': Label '{'L' * 41}' cannot be used: it is 41 characters long; the most is 40. Use letters, "
      f"digits, '-' and '_'.")),
    ("Map needs a processor",
     machine({"A": {"Type": "Map", "End": True}}),
     ("MISSING_FIELD", "/States/A/ItemProcessor", "A",
      "State 'A' is a Map without an ItemProcessor: add one with the StartAt and States to run for each item.")),
    ("ToleratedFailurePercentage 0 to 100",
     machine({"A": {"Type": "Map", "ToleratedFailurePercentage": 150, "ItemProcessor": PROCESSOR, "End": True}}),
     ("INVALID_VALUE", "/States/A/ToleratedFailurePercentage", "A",
      "State 'A': 'ToleratedFailurePercentage' must be a number from 0 to 100, not 150.")),
    ("ItemBatcher needs a batch size",
     machine({"A": {"Type": "Map", "ItemBatcher": {}, "ItemProcessor": PROCESSOR, "End": True}}),
     ("ITEM_BATCHER", "/States/A/ItemBatcher", "A",
      "State 'A' ItemBatcher sets no batch size: add MaxItemsPerBatch or MaxInputBytesPerBatch.")),
    ("ItemReader of one file needs its InputType",
     machine({"A": {"Type": "Map", "ItemProcessor": PROCESSOR, "End": True,
                    "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {}}}}),
     ("ITEM_READER", "/States/A/ItemReader/ReaderConfig", "A",
      "State 'A' ItemReader reads one S3 file, so it needs a ReaderConfig with its InputType (CSV, JSON, JSONL, "
      "PARQUET or MANIFEST).")),
    ("ItemReader reads from S3",
     machine({"A": {"Type": "Map", "ItemProcessor": PROCESSOR, "End": True,
                    "ItemReader": {"Resource": LAMBDA}}}),
     ("ITEM_READER", "/States/A/ItemReader/Resource", "A",
      f"State 'A' ItemReader reads from '{LAMBDA}', but an ItemReader reads from S3: use "
      f"arn:aws:states:::s3:getObject (one file) or arn:aws:states:::s3:listObjectsV2 (objects).")),
    ("ResultWriter names where to write",
     machine({"A": {"Type": "Map", "ItemProcessor": PROCESSOR, "End": True,
                    "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject"}}}),
     ("RESULT_WRITER", "/States/A/ResultWriter", "A",
      "State 'A' ResultWriter has a Resource but no Parameters naming the Bucket and Prefix to write to: "
      "add them.")),
    ("ResultWriter WriterConfig not empty",
     machine({"A": {"Type": "Map", "ItemProcessor": PROCESSOR, "End": True, "ResultWriter": {"WriterConfig": {}}}}),
     ("RESULT_WRITER", "/States/A/ResultWriter/WriterConfig/OutputType", "A",
      "State 'A' ResultWriter WriterConfig is empty: set OutputType (JSON or JSONL) and, if you like, "
      "Transformation (NONE, COMPACT or FLATTEN).")),
    ("integration pattern supported",
     machine({"A": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem.sync", "End": True}}),
     ("INVALID_RESOURCE", "/States/A/Resource", "A",
      "State 'A': Resource 'arn:aws:states:::dynamodb:putItem.sync' asks for .sync, which dynamodb:putItem "
      "does not support (only request-response).")),
    ("AWS SDK integrations have no .sync",
     machine({"A": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listBuckets.sync", "End": True}}),
     ("INVALID_RESOURCE", "/States/A/Resource", "A",
      "State 'A': Resource 'arn:aws:states:::aws-sdk:s3:listBuckets.sync' uses .sync, which AWS SDK "
      "integrations do not support (only request-response and .waitForTaskToken).")),
    ("Resource is an ARN",
     machine({"A": {"Type": "Task", "Resource": "InvalidArn", "End": True}}),
     ("INVALID_RESOURCE", "/States/A/Resource", "A",
      "State 'A': Resource 'InvalidArn' is not an ARN: use a Lambda function ARN, an activity ARN or a service "
      "integration such as arn:aws:states:::lambda:invoke.")),
    ("Credentials with RoleArn",
     machine({"A": {"Type": "Task", "Resource": LAMBDA, "Credentials": {"Foo": "bar"}, "End": True}}),
     ("MISSING_ROLE_ARN", "/States/A/Credentials", "A",
      "State 'A': Credentials must name the role to assume in RoleArn: add \"RoleArn\" (or \"RoleArn.$\" with "
      "a path).")),
    ("unknown state field",
     machine({"A": {"Type": "Pass", "FooBar": 1, "End": True}}),
     ("UNKNOWN_FIELD", "/States/A/FooBar", "A",
      "State 'A' has a field 'FooBar' that it cannot have: remove it or check its spelling.")),
    ("state type known",
     machine({"A": {"Type": "Lambda", "End": True}}),
     ("INVALID_VALUE", "/States/A/Type", "A",
      "State 'A' has Type 'Lambda', which is not a state type: use one of Task, Pass, Choice, Wait, Succeed, "
      "Fail, Parallel, Map.")),
    ("Task needs a Resource",
     machine({"A": {"Type": "Task", "End": True}}),
     ("MISSING_FIELD", "/States/A/Resource", "A", "State 'A' needs a 'Resource' field: add it.")),
    ("States not empty",
     {"StartAt": "A", "States": {}},
     ("MISSING_STATES", "/States", None, "The state machine has no states: add at least one state to States.")),
    ("top-level TimeoutSeconds is a number",
     machine({"A": DONE}, TimeoutSeconds="30"),
     ("INVALID_VALUE", "/TimeoutSeconds", None,
      "The state machine: 'TimeoutSeconds' must be a whole number from 1 to 99999999, not the text '30'.")),
]


@pytest.mark.parametrize("definition, expected", [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_rule(definition, expected):
    found = problems(definition)
    assert expected in found, found
    assert not is_valid(validate(definition))


def test_the_example_from_the_developers_guide():
    found = problems(machine({"Check Address": {"Type": "Pass"}}, start="Check Address"))
    assert ("MISSING_NEXT", "/States/Check Address", "Check Address",
            "State 'Check Address' has no Next and is not an end state: connect it to a state, or mark it as "
            "the end.") in found


VALID = [
    ("minimal", machine({"A": DONE})),
    ("JSONata machine with expressions everywhere",
     machine({"A": {"Type": "Task", "Resource": LAMBDA, "Arguments": {"x": "{% $states.input.x %}"},
                    "TimeoutSeconds": "{% $timeout %}", "Assign": {"seen": "{% true %}"}, "Next": "W"},
              "W": {"Type": "Wait", "Seconds": "{% 1 + 1 %}", "Next": "C"},
              "C": {"Type": "Choice", "Choices": [{"Condition": "{% $seen %}", "Next": "D"}], "Default": "D"},
              "D": {"Type": "Succeed", "Output": "{% $states.input %}"}}, start="A", QueryLanguage="JSONata")),
    ("JSONata state in a JSONPath machine",
     machine({"A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% 1 %}", "End": True}})),
    ("States.ALL alone and last", machine({"A": {"Type": "Task", "Resource": LAMBDA, "End": True,
                                                 "Retry": [{"ErrorEquals": ["X"]}, {"ErrorEquals": ["States.ALL"]}]}})),
    ("context, variables, filters and intrinsics in a template",
     machine({"A": {"Type": "Pass", "End": True, "Parameters": {
         "a.$": "$$.Execution.Id", "b.$": "$myVar.x", "c.$": "$.items[?(@.price < 10)].name",
         "d.$": "$.items[0:2]", "e.$": "States.Format('it\\'s {} \\{literal\\}', States.ArrayLength($.a))",
         "f.$": "States.JsonMerge($.a, $.b, false)"}}})),
    ("Distributed Map with reader, batcher and writer",
     machine({"A": {"Type": "Map", "Label": "Batch-1", "End": True, "MaxConcurrency": 10,
                    "ToleratedFailurePercentage": 2.5,
                    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                                      **PROCESSOR},
                    "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                                   "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN",
                                                    "CSVHeaders": ["id", "name"]},
                                   "Parameters": {"Bucket": "b", "Key": "k.csv"}},
                    "ItemBatcher": {"MaxItemsPerBatch": 100},
                    "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                                     "Parameters": {"Bucket": "b", "Prefix": "out"}}}})),
    ("ItemReader MaxItems up to 100,000,000 (AWS ran it)",
     machine({"A": {"Type": "Map", "End": True, "ItemProcessor": PROCESSOR,
                    "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                                   "ReaderConfig": {"InputType": "JSON", "MaxItems": 100_000_000},
                                   "Parameters": {"Bucket": "b", "Key": "k"}}}})),
    ("callback and job patterns", machine({
        "A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              "HeartbeatSeconds": 5, "TimeoutSeconds": 60, "Next": "B"},
        "B": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2", "Next": "C"},
        "C": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:a", "Next": "D"},
        "D": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f:prod",
              "Credentials": {"RoleArn": "arn:aws:iam::123456789012:role/r"}, "End": True}})),
]


@pytest.mark.parametrize("definition", [v[1] for v in VALID], ids=[v[0] for v in VALID])
def test_valid_definitions_have_no_errors(definition):
    assert [p for p in validate(definition) if p.severity == "error"] == []


def test_what_aws_accepts_but_is_probably_a_mistake_is_a_warning():
    found = validate(machine({"A": {"Type": "Task", "Resource": "arn:${AWS::Partition}:states:::lambda:invoke",
                                    "End": True}}))
    assert [(p.code, p.severity) for p in found] == [("UNKNOWN_RESOURCE", "warning")]
    assert is_valid(found)


def test_not_an_object():
    assert problems([1, 2]) == [("NOT_AN_OBJECT", "", None, "A state machine definition must be a JSON object "
                                                            "with StartAt and States: this is not an object.")]


def test_every_diagnostic_serialises_with_the_fields_the_web_app_reads():
    d = validate(machine({"A": {"Type": "Pass"}}))[0]
    assert d.as_dict() == {"code": "MISSING_NEXT", "severity": "error", "pointer": "/States/A", "state": "A",
                           "message": d.message}
