"""The small languages inside a definition: intrinsic calls, JSONata, ARNs, names.

JSONPath has its own tests, in tests/interpreter/jsonpath.
"""
from __future__ import annotations

import pytest

from interpreter.intrinsics import intrinsic_error
from interpreter.validation.expressions import jsonata_error
from interpreter.validation.map_state import label_error
from interpreter.validation.resources import resource_problem
from interpreter.validation.variables import variable_name_error


@pytest.mark.parametrize("call", [
    "States.UUID()",
    "States.Format('Hello {}', $.name)",
    "States.Format('it\\'s \\{not\\} a \\\\ placeholder {}', $.x)",
    "States.Array(1, -2.5, 'x', null, true, $.a, $$.Execution.Id, $var, States.UUID())",
    "States.MathRandom($.a, 10)",
    "States.Hash($.data, 'SHA-256')",
    "States.JsonMerge($.a, $.b, false)",
    "States.ArrayGetItem($.items[0:2], 0)",
    "States.JsonToString($)   ",
])
def test_intrinsic_calls(call):
    assert intrinsic_error(call) is None


@pytest.mark.parametrize("call, problem", [
    ("States.Format('x {}', $.a", "the call to States.Format is not closed with ')' at position 26"),
    ("States.Array($.a,,$.b)", "an argument is missing at position 18"),
    ("States.Nope()", "States.Nope is not an intrinsic function"),
    ("States.UUID(1)", "States.UUID takes 0 arguments, but 1 was given"),
    ("States.MathRandom(1)", "States.MathRandom takes 2 or 3 arguments, but 1 was given"),
    ("States.Format()", "States.Format takes at least 1 argument, but 0 were given"),
    ("States.Format('\\n')", "'\\n' is not an escape; inside a string only \\' \\{ \\} and \\\\ are at position 16"),
    ("States.Format('open)", "a string is not closed with ' at position 15"),
    ("States.MathAdd(1,'-1')", "argument 2 of States.MathAdd must be a number or a path, not '-1' at position 18"),
    ("States.MathAdd(true, 1)", "argument 1 of States.MathAdd must be a number or a path, not true at position 16"),
    ("States.Hash($.a, 'SHA-3')", "'SHA-3' is not a hash algorithm; States.Hash supports "
                                  "MD5, SHA-1, SHA-256, SHA-384, SHA-512 at position 18"),
    ("States.Format($.a) extra", "unexpected text after the call at position 20"),
    ("States.Array($.a[)", "the path argument '$.a[)' is not valid: '[' is not closed at position 14"),
    ("  States.UUID()", "an intrinsic function call such as States.Format(...) expected at position 1"),
])
def test_bad_intrinsic_calls(call, problem):
    assert intrinsic_error(call) == problem


def test_deeply_nested_intrinsics_are_refused_not_crashed():
    call = "States.Array(" * 500 + ")" * 500
    assert intrinsic_error(call).startswith("intrinsic calls are nested more than 32 deep")


@pytest.mark.parametrize("text", ["{% 1 + 2 %}", "{% $states.input.a %}", "{%\n$sum([1,2])\n%}",
                                  "{% $partition([1,2,3], 2) %}",
                                  # AWS needs only '{%' at the start and '%}' at the end: issue 10's samples
                                  # deployed these, and AWS's own Step Functions skill for its agent toolkit
                                  # says "The string must start with {% ... and end with %}"
                                  "{%10%}", "{%$states.input%}", "{% $states.result%}"])
def test_jsonata(text):
    assert jsonata_error(text) is None


@pytest.mark.parametrize("text, problem", [
    ("{%  %}", "the expression between '{%' and '%}' is empty"),
    ("{% $sum($states.input %}", "Expected ) before end of expression"),
])
def test_bad_jsonata(text, problem):
    assert jsonata_error(text) == problem


def test_hostile_jsonata_is_refused_not_crashed():
    assert jsonata_error("{% " + "(" * 5000 + " %}") is not None


@pytest.mark.parametrize("resource", [
    "arn:aws:states:::lambda:invoke", "arn:aws:states:::lambda:invoke.waitForTaskToken",
    "arn:aws:states:::ecs:runTask.sync", "arn:aws:states:::states:startExecution.sync:2",
    "arn:aws:states:::aws-sdk:s3:listBuckets", "arn:aws:states:::aws-sdk:s3:listBuckets.waitForTaskToken",
    "arn:aws:states:::http:invoke", "arn:aws-cn:states:::sns:publish",
    "arn:aws:lambda:us-east-1:123456789012:function:f", "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST",
    "arn:aws:states:us-east-1:123456789012:activity:my-activity",
    # exported from deployed state machines (issue 10: public samples with a real account id)
    "arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject",
    "arn:aws:states:eu-west-1:123456789012:lambda:invoke.waitForTaskToken",
])
def test_resources_aws_runs(resource):
    assert resource_problem(resource) is None


@pytest.mark.parametrize("resource, severity", [
    ("InvalidArn", "error"), ("${lambdaArn", "error"), ("arn:aws:states:::nosuch:thing", "error"),
    ("arn:aws:states:::sns:publish.sync", "error"), ("arn:aws:states:::lambda:invoke.wait", "error"),
    ("arn:aws:lambda:us-east-1:1:layer:x", "error"), ("arn:broken", "error"),
    ("${LambdaArn}", "warning"), ("__tbc__", "warning"), ("foo:bar", "warning"),
    # a placeholder inside an ARN is what a whole-value placeholder is: filled in on deploy
    ("arn:${AWS::Partition}:states:::lambda:invoke", "warning"),
    ("arn:aws:states:${AWS::Region}:${AWS::AccountId}:aws-sdk:s3:getObject", "warning"),
    ("arn:aws:states:::${Service}:${Action}", "warning"),
    # ...but what the rest of it shows to be wrong stays an error
    ("arn:${AWS::Partition}:states:::lambda:invoke.sync", "error"),
    # an action the optimized integration does not have: refused on creation ("The resource
    # provided arn:aws:states:::dynamodb:query is not recognized", issue 10); LocalStack runs its
    # lambda:listFunctions test only against AWS, expecting "Invalid State Machine Definition"
    ("arn:aws:states:::dynamodb:query", "error"), ("arn:aws:states:::lambda:listFunctions", "error"),
])
def test_resources_aws_rejects_or_doubts(resource, severity):
    problem = resource_problem(resource)
    assert problem is not None and problem[0] == severity


@pytest.mark.parametrize("name", ["x", "_x", "myVar2", "café", "a" * 80, "top-level"])
def test_variable_names(name):
    assert variable_name_error(name) is None


@pytest.mark.parametrize("name, problem", [
    ("", "a variable needs a name"), ("1bad", "it must start with a letter or '_'"),
    ("a b", "it may only hold letters, digits and '_', not ' '"), ("a" * 81, "it is 81 characters long; the most is 80"),
    ("states", "'states' is reserved by Step Functions"),
])
def test_bad_variable_names(name, problem):
    assert variable_name_error(name) == problem


@pytest.mark.parametrize("label", ["TestMap", "a-b_c", "L" * 40])
def test_labels(label):
    assert label_error(label) is None


@pytest.mark.parametrize("label", ["", "L" * 41, "a b", "a\tb", "a\x01", 'a"b', "a#b", "a$b", "a*b", "a:b", "a[b",
                                   "a{b}", "a/b"])
def test_bad_labels(label):
    assert label_error(label) is not None
