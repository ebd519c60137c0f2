"""A run in words: why it failed, what each event means, where each Choice went, elapsed time."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from interpreter.definition import parse
from interpreter.execution import Execution
from interpreter.wording.errors import explain_error
from interpreter.wording.events import choice_words, elapsed_words, said

SAMPLES = Path(__file__).resolve().parents[2] / "designer" / "samples"


def failure(definition: dict, data) -> tuple[str, str]:
    run = Execution(parse(definition), data)
    run.run()
    result = run.result()
    return result["error"], result["cause"]


@pytest.mark.parametrize("definition,data,words", [
    (json.loads((SAMPLES / "account-application.asl.json").read_text()), {"application": {"id": "a", "name": "n",
                                                                                        "idDocS3path": "s3://x"}},
     "‘Verify Identity Documents’ has no simulated answer in this test case"),
    ({"StartAt": "Check Address", "States": {"Check Address": {"Type": "Pass", "Parameters": {"address.$": "$.application.address"},
                                                               "End": True}}}, {"application": {}},
     "‘Check Address’ needed the field `application.address` in its input, and there was none."),
    ({"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": True, "Next": "D"}]},
                                 "D": {"Type": "Succeed"}}}, {"x": False},
     "‘C’ could not decide: none of its rules held, and it has no “otherwise”."),
    ({"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": True, "Next": "D"}],
                                       "Default": "D"}, "D": {"Type": "Succeed"}}}, {},
     "‘C’ could not decide: the field `x` it looks at is not in its input."),
    ({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.orders", "End": True, "ItemProcessor": {
        "StartAt": "X", "States": {"X": {"Type": "Pass", "End": True}}}}}}, {},
     "‘M’ needed the field `orders` in its input, and there was none."),
    ({"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.delay", "End": True}}}, {},
     "‘W’ needed the time to wait in the field `delay`, and there was none."),
])
def test_the_interpreters_errors_are_explained(definition, data, words):
    error, cause = failure(definition, data)
    assert explain_error(error, cause).startswith(words)


def test_a_glossary_names_the_missing_field_and_service_errors_keep_their_cause():
    cause = ("An error occurred while executing the state 'Check Address' (entered at the event id #7). The JSONPath "
             "'$.application.address' specified for the field 'address.$' could not be found in the input '{}'")
    assert explain_error("States.Runtime", cause, glossary={"$.application.address": "the applicant's address"}) == (
        "‘Check Address’ needed the field the applicant's address (`application.address`) in its input, and there was none.")
    assert explain_error("States.Timeout", "", state="Wait For Review") == (
        "‘Wait For Review’ took too long: it had no answer within its time limit.")
    assert explain_error("ChecksFailed", "The automated checks could not be completed.", state="Checks Could Not Run") == (
        "‘Checks Could Not Run’ failed with ChecksFailed: The automated checks could not be completed.")
    assert explain_error("Lambda.ServiceException", "x" * 500) == "The run failed with a Lambda service error."


def test_events_choices_and_elapsed_time_in_words():
    assert said("TaskScheduled", "Check Address") == "Asked the service"
    assert said("TaskStateEntered", "Check Address") == "Started ‘Check Address’"
    assert said("FailStateEntered", "Stop") == "Stopped at ‘Stop’: the run fails here"
    bank = json.loads((SAMPLES / "account-application.asl.json").read_text())
    words = choice_words(bank, {"$.reviewDecision.approved": "the reviewer approved"})
    assert words["Review Approved?"] == {"Approve Application": "the reviewer approved is true",
                                         "Reject Application": "none of the rules held"}
    assert words["Human Review Required?"]["Wait For Review"] == (
        "checks[0].flagged is true or checks[1].flagged is true")
    assert [elapsed_words(ms) for ms in (0, 250, 61_000, 7_500_000, 172_800_000, 183_600_000)] == [
        "0 s", "0.25 s", "1 min 1 s", "2 h 5 min", "2 days", "2 days 3 h"]
