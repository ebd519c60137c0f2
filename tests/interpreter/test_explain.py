"""The workflow in plain words: golden narratives, a sentence for everything, never a failure."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from interpreter import wording
from interpreter.explain import explain
from interpreter.explain.cli import main as explain_main
from interpreter.explain.order import reading_order
from interpreter.wording.retries import retry_sentence

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "designer" / "samples"
GOLDEN = Path(__file__).resolve().parent / "golden"


def machine(states: dict, start: str | None = None, **top) -> dict:
    return {"StartAt": start or next(iter(states)), "States": states, **top}


def text_of(definition) -> str:
    return explain(definition).text()


# --- golden narratives: each was read through and reads as a stakeholder would write it -------

@pytest.mark.parametrize("slug", ["account-application", "break-glass-access", "nutrition-labels"])
def test_golden_narrative_of_each_sample(slug):
    definition = json.loads((SAMPLES / f"{slug}.asl.json").read_text())
    assert text_of(definition) == (GOLDEN / f"{slug}.narrative.txt").read_text()


def test_the_same_definition_always_reads_the_same():
    definition = json.loads((SAMPLES / "account-application.asl.json").read_text())
    assert explain(definition).as_dict() == explain(copy.deepcopy(definition)).as_dict()


# --- every state type, every Choice operator -------------------------------------------------

TASK = {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": True}
ONE_OF_EACH = {
    "Task": TASK,
    "Pass": {"Type": "Pass", "End": True},
    "Choice": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "Pass"}], "Default": "Pass"},
    "Wait": {"Type": "Wait", "Seconds": 90, "End": True},
    "Succeed": {"Type": "Succeed"},
    "Fail": {"Type": "Fail", "Error": "Oops", "Cause": "It broke."},
    "Parallel": {"Type": "Parallel", "Branches": [{"StartAt": "P1", "States": {"P1": {"Type": "Pass", "End": True}}}],
                 "End": True},
    "Map": {"Type": "Map", "ItemProcessor": {"StartAt": "M1", "States": {"M1": {"Type": "Pass", "End": True}}},
            "End": True},
}
EXPECTED = {
    "Task": "Sends a notification to an SNS topic. That ends the workflow.",
    "Pass": "Passes its input on unchanged. That ends the workflow.",
    "Choice": "If x is present, it goes to step 2 (Pass); otherwise it goes to step 2 (Pass).",
    "Wait": "Waits 90 seconds. That ends the workflow.",
    "Succeed": "The workflow succeeds.",
    "Fail": "The workflow fails with the error Oops: It broke.",
    "Parallel": "Runs one branch and goes on when it is done:",
    "Map": "For each item of its input, it does the following:",
}


def test_every_state_type_has_a_sentence():
    assert set(ONE_OF_EACH) == set(wording.STATE_TYPES)
    for kind, state in ONE_OF_EACH.items():
        states = {kind: state, "Pass": ONE_OF_EACH["Pass"]} if kind == "Choice" else {kind: state}
        steps = explain(machine(states, kind)).by_state()
        assert steps[kind].text == EXPECTED[kind], kind
        assert steps[kind].type == kind


OPERATOR_VALUES = {"String": "abc", "Numeric": 5, "Timestamp": "2024-01-01T00:00:00Z", "Boolean": True}


def _operators():
    for name in wording.COMPARATORS:
        if name in wording.TYPE_TESTS:
            yield name, True
            continue
        kind = next(k for k in OPERATOR_VALUES if name.startswith(k))
        yield name, "a*c" if name == "StringMatches" else OPERATOR_VALUES[kind]
        if name != "StringMatches":
            yield name + "Path", "$.other"


@pytest.mark.parametrize("operator, value", list(_operators()))
def test_every_choice_operator_has_a_sentence(operator, value):
    rule = {"Variable": "$.amount", operator: value, "Next": "Yes"}
    definition = machine({"Decide": {"Type": "Choice", "Choices": [rule], "Default": "No"},
                          "Yes": {"Type": "Succeed"}, "No": {"Type": "Fail"}})
    text = explain(definition).by_state()["Decide"].text
    base = operator[:-4] if operator.endswith("Path") and operator[:-4] in wording.COMPARATORS else operator
    assert text.startswith("If amount ") and "?" not in text
    assert wording.COMPARATORS[base] in text or base == "BooleanEquals"
    if operator.endswith("Path"):
        assert " other," in text
    assert text.endswith("it goes to step 2 (Yes); otherwise it goes to step 3 (No).")


def test_and_or_not_and_jsonata_conditions():
    rules = [
        {"And": [{"Variable": "$.a", "NumericGreaterThan": 1}, {"Not": {"Variable": "$.b", "IsNull": True}}],
         "Next": "Yes"},
        {"Or": [{"Variable": "$.c", "StringEquals": "x"}, {"Variable": "$.d", "BooleanEquals": False}], "Next": "No"},
    ]
    text = explain(machine({"D": {"Type": "Choice", "Choices": rules}, "Yes": {"Type": "Succeed"},
                            "No": {"Type": "Succeed"}})).by_state()["D"].text
    assert text == ("If a is greater than 1 and not (b is null), it goes to step 2 (Yes); "
                    "if c is equal to 'x' or d is false, it goes to step 3 (No); "
                    "otherwise the workflow fails (no rule matched).")
    jsonata = machine({"D": {"Type": "Choice", "QueryLanguage": "JSONata",
                             "Choices": [{"Condition": "{% $states.input.total >= 1000 %}", "Next": "Big"}],
                             "Default": "Small"},
                       "Big": {"Type": "Succeed"}, "Small": {"Type": "Succeed"}})
    assert explain(jsonata).by_state()["D"].text.startswith("If total is at least 1000, it goes to step 2 (Big)")


def test_the_workflows_glossary_names_its_data():
    definition = json.loads((SAMPLES / "account-application.asl.json").read_text())
    glossary = {"$.checks[0].flagged": "the identity check flagged it", "$.checks[1].flagged": "the address check flagged it"}
    text = explain(definition, glossary).by_state()["Human Review Required?"].text
    assert text.startswith("If the identity check flagged it is true or the address check flagged it is true")
    assert "checks[0]" in explain(definition).by_state()["Human Review Required?"].text


def test_rules_that_go_to_the_same_step_are_one_clause():
    text = explain(json.loads((SAMPLES / "account-application.asl.json").read_text())).by_state()[
        "Human Review Required?"].text
    assert text.count("Wait For Review") == 1 and " or checks[1].flagged is true" in text


# --- retries, catchers, waits, tasks ---------------------------------------------------------

@pytest.mark.parametrize("retrier, words", [
    ({"ErrorEquals": ["States.ALL"]},
     "If anything fails here, it tries again up to 3 times, waiting 1 second, then 2 seconds, then 4 seconds."),
    ({"ErrorEquals": ["States.Timeout"], "MaxAttempts": 0}, "If it times out, it does not try again."),
    ({"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 1, "IntervalSeconds": 30},
     "If it fails with a task failure, it tries again once, waiting 30 seconds."),
    ({"ErrorEquals": ["A", "B"], "MaxAttempts": 5, "IntervalSeconds": 60, "BackoffRate": 1},
     "If it fails with A or B, it tries again up to 5 times, waiting 1 minute each time."),
    ({"ErrorEquals": ["X"], "MaxAttempts": 6, "IntervalSeconds": 2, "BackoffRate": 3, "MaxDelaySeconds": 20,
      "JitterStrategy": "FULL"},
     "If it fails with X, it tries again up to 6 times, waiting 2 seconds, then 6 seconds, then 18 seconds, "
     "then 20 seconds, and so on (never more than 20 seconds; each wait shortened at random)."),
    ("nonsense", "It may try again (a retry rule that cannot be read)."),
])
def test_retries_in_words(retrier, words):
    assert retry_sentence(retrier) == words


@pytest.mark.parametrize("resource, params, words", [
    ("arn:aws:states:::lambda:invoke", {"FunctionName": "arn:aws:lambda:eu-west-1:1:function:Score:live"},
     "Calls the Lambda function Score"),
    ("arn:aws:states:::lambda:invoke", {"FunctionName.$": "$.fn"}, "Calls a Lambda function named in fn"),
    ("arn:aws:lambda:us-east-1:1:function:Direct", None, "Calls the Lambda function Direct"),
    ("arn:aws:states:::dynamodb:getItem", {"TableName": "Users"}, "Reads an item from the DynamoDB table Users"),
    ("arn:aws:states:::sqs:sendMessage", {"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/1/jobs"},
     "Puts a message on the SQS queue jobs"),
    ("arn:aws:states:::states:startExecution.sync:2", {"StateMachineArn": "arn:aws:states:us-east-1:1:stateMachine:Child"},
     "Starts the workflow Child and waits until it finishes"),
    ("arn:aws:states:::glue:startJobRun.sync", {"JobName": "nightly"}, "Starts the Glue job nightly and waits until it finishes"),
    ("arn:aws:states:::aws-sdk:s3:listBuckets", {}, "Calls S3 ListBuckets"),
    ("arn:aws:states:::athena:startQueryExecution", {}, "Calls Athena StartQueryExecution"),
    ("arn:aws:states:us-east-1:1:activity:Approve", None, "Hands the work to a worker of the activity Approve and waits for its answer"),
    ("arn:aws:states:::sns:publish", {"TopicArn": "{% $topic %}"}, "Sends a notification to an SNS topic given by topic"),
    ("not an arn", None, "Calls not an arn"),
])
def test_tasks_are_named_for_the_service_action_and_target(resource, params, words):
    state = {"Type": "Task", "Resource": resource, "End": True}
    if params is not None:
        state["Parameters"] = params
    assert explain(machine({"T": state})).by_state()["T"].text.startswith(words + ".")


def test_callbacks_timeouts_heartbeats_and_results():
    state = {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
             "Parameters": {"QueueUrl": "https://q/approvals"}, "TimeoutSeconds": 86400, "HeartbeatSeconds": 300,
             "ResultPath": "$.decision", "Next": "After"}
    text = explain(machine({"Ask": state, "After": {"Type": "Succeed"}})).by_state()["Ask"].text
    assert text == ("Puts a message on the SQS queue approvals and waits until someone sends back an answer, "
                    "for at most 1 day. If it hears nothing for 5 minutes, it stops waiting (a timeout). "
                    "It keeps the answer in decision. Then it goes on to step 2.")


@pytest.mark.parametrize("wait, words", [
    ({"Seconds": 3600}, "Waits 1 hour."),
    ({"Timestamp": "2030-01-01T00:00:00Z"}, "Waits until 2030-01-01T00:00:00Z."),
    ({"SecondsPath": "$.delay"}, "Waits for the number of seconds in delay."),
    ({"TimestampPath": "$.when"}, "Waits until the time in when."),
    ({"Seconds": "{% $minutes * 60 %}"}, "Waits for minutes × 60 seconds."),
])
def test_waits_in_words(wait, words):
    assert explain(machine({"W": {"Type": "Wait", **wait, "End": True}})).by_state()["W"].text == \
        words + " That ends the workflow."


def test_fixed_data_reads_by_its_shape_when_long():
    big = {f"field{i}": i for i in range(9)}
    steps = explain(machine({"A": {"Type": "Pass", "Result": big, "Next": "B"},
                             "B": {"Type": "Pass", "Result": list(range(40)), "Next": "C"},
                             "C": {"Type": "Pass", "Parameters": {"count.$": "$.n"}, "ResultPath": "$.tally",
                                   "End": True}})).steps
    assert steps[0].text.startswith("Passes on fixed data (field0, field1, field2, field3, field4, field5 and 3 more).")
    assert steps[1].text.startswith("Passes on a fixed list of 40 items.")
    assert steps[2].text == "Puts reshaped data (count) in tally. That ends the workflow."


def test_comments_are_used_and_the_top_level_timeout_is_told():
    narrative = explain(machine({"A": {"Type": "Pass", "Comment": "tidy the input", "End": True}},
                                Comment="Tidy things", TimeoutSeconds=7200))
    assert narrative.intro == ["Tidy things.", "The whole workflow must finish within 2 hours, or it times out."]
    assert narrative.steps[0].text == "Tidy the input. Passes its input on unchanged. That ends the workflow."


def test_nested_parts_are_indented_and_numbered_under_their_step():
    inner = {"StartAt": "Each", "States": {"Each": {"Type": "Pass", "End": True}}}
    definition = machine({"Fan": {"Type": "Parallel", "Branches": [
        {"StartAt": "Loop", "States": {"Loop": {"Type": "Map", "ItemsPath": "$.rows", "MaxConcurrency": 2,
                                               "ItemProcessor": inner, "End": True}}},
        {"StartAt": "Other", "States": {"Other": {"Type": "Succeed"}}}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Oops"}], "End": True},
        "Oops": {"Type": "Fail", "Error": "E"}})
    assert text_of(definition) == (
        "1. Fan: Runs these 2 branches at the same time and goes on when both are done:\n"
        "   Branch 1:\n"
        "      1.1. Loop: For each item in rows (up to 2 items at a time), it does the following:\n"
        "         1.1.1. Each: Passes its input on unchanged. That ends the work on this item.\n"
        "         That ends the branch.\n"
        "   Branch 2:\n"
        "      1.2. Other: The branch succeeds.\n"
        "   If anything fails here, it goes to step 2 (Oops). That ends the workflow.\n"
        "2. Oops: The workflow fails with the error E.\n")


# --- reading order ---------------------------------------------------------------------------

def test_paths_that_meet_are_both_told_before_the_step_where_they_meet():
    definition = json.loads((SAMPLES / "account-application.asl.json").read_text())
    order, reachable = reading_order(definition["States"], definition["StartAt"])
    assert order.index("Reject Application") < order.index("Notify Applicant") < order.index("Done")
    assert order[-1] == "Checks Could Not Run" and len(reachable) == len(order)


def test_loops_are_told_once_and_going_back_says_so():
    definition = json.loads((ROOT / "bench" / "workloads" / "W2_choice_loop.asl.json").read_text())
    assert "Then it goes back to step 1 (Check)." in text_of(definition)


def test_unreachable_steps_come_last_and_say_so():
    narrative = explain(machine({"A": {"Type": "Succeed"}, "Lost": {"Type": "Pass", "Next": "A"}}))
    assert [s.state for s in narrative.steps] == ["A", "Lost"]
    assert not narrative.steps[1].reachable and "No step leads here" in narrative.steps[1].text


def test_a_long_chain_does_not_recurse():
    states = {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(3000)}
    states["S3000"] = {"Type": "Succeed"}
    assert len(explain(machine(states, "S0")).steps) == 3001


# --- bad input: never fails ------------------------------------------------------------------

def test_a_state_it_cannot_describe_gets_a_neutral_sentence():
    narrative = explain(machine({"A": {"Type": "Teleport", "End": True}, "B": 7}))
    assert narrative.steps[0].text == "A step of type Teleport, which this description cannot put in words."
    assert narrative.steps[1].text.startswith("A step with no type")


@pytest.mark.parametrize("definition, intro", [
    ([], "This is not a workflow definition (it is not a JSON object), so there are no steps to tell."),
    ({}, "The workflow has no steps yet."),
    ({"StartAt": "X", "States": {"A": {"Type": "Succeed"}}}, "It names no first step that exists, so a run cannot start."),
])
def test_definitions_that_do_not_validate_are_still_told(definition, intro):
    assert intro in explain(definition).intro


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30)
FIELDS = ["Type", "Next", "End", "Choices", "Default", "Retry", "Catch", "Branches", "ItemProcessor", "Resource",
          "Parameters", "Arguments", "Seconds", "Timestamp", "ResultPath", "Assign", "Error", "Cause", "ItemReader",
          "ItemBatcher", "MaxConcurrency", "Comment", "TimeoutSeconds", "HeartbeatSeconds", "Result", "Output"]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(json_values)
def test_any_json_is_told_without_failing(value):
    assert isinstance(explain(value).text(), str)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sampled_from(sorted(wording.STATE_TYPES)), st.sampled_from(FIELDS), json_values)
def test_any_field_of_any_state_type_is_told_without_failing(kind, key, value):
    state = {"Type": kind, "End": True, key: value}
    text = explain(machine({"S": state, "T": {"Type": "Succeed"}})).text()
    assert text.startswith("1. S: ") or "S:" in text


# --- the command line -----------------------------------------------------------------------

def test_cli_prints_the_narrative_and_json(tmp_path, capsys):
    path = SAMPLES / "account-application.asl.json"
    assert explain_main([str(path)]) == 0
    assert capsys.readouterr().out == (GOLDEN / "account-application.narrative.txt").read_text()
    assert explain_main([str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["steps"][0]["groups"][0]["steps"][0]["state"] == "Verify Identity Documents"
    assert data["text"] == (GOLDEN / "account-application.narrative.txt").read_text()


def test_cli_reads_yaml_and_refuses_a_missing_file(tmp_path):
    yaml_file = tmp_path / "flow.yaml"
    yaml_file.write_text("StartAt: A\nStates:\n  A:\n    Type: Wait\n    Seconds: 120\n    End: true\n")
    proc = subprocess.run([sys.executable, "-m", "interpreter", "explain", str(yaml_file)], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout == "1. A: Waits 2 minutes. That ends the workflow.\n"
    proc = subprocess.run([sys.executable, "-m", "interpreter", "explain", str(tmp_path / "nope.json")], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "no such definition file" in proc.stderr
