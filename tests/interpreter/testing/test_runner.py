"""Running cases: callbacks answered in the case, bounded runs, mocks that no longer fit."""
import copy
import itertools

from interpreter.definition import parse
from interpreter.testing.runner import MAX_TRANSITIONS, Case, Limits, run_case, run_suite

from .helpers import BANK, BANK_CASES, BANK_MOCKS, bank_case, bank_machine, spec, without_review_mock

FLAGGED = "FlaggedAddressApprovedByReviewer"
LOOP = parse({"StartAt": "Again", "States": {  # loops until the input has "done", which it never has
    "Again": {"Type": "Pass", "Next": "Done Yet?"},
    "Done Yet?": {"Type": "Choice", "Choices": [{"Variable": "$.done", "IsPresent": True, "Next": "Done"}],
                  "Default": "Again"},
    "Done": {"Type": "Succeed"}}})


def test_the_shipped_bank_cases_pass_with_their_outcomes():
    result = run_suite(bank_machine(), [bank_case(name) for name in BANK_CASES])
    assert result.summary() == "3/3 pass"
    flagged = result.cases[1]
    assert flagged.outcome.path == ["Perform Automated Checks", "Verify Identity Documents", "Check Address",
                                    "Human Review Required?", "Wait For Review", "Review Approved?",
                                    "Approve Application", "Notify Applicant", "Done"]
    assert flagged.outcome.transitions == 9
    assert flagged.outcome.output["reviewDecision"] == {"approved": True, "reviewer": "j.smith"}


def test_runs_replay_identically():
    one = run_case(bank_machine(), bank_case(FLAGGED))
    two = run_case(bank_machine(), bank_case(FLAGGED))
    assert [e.to_json() for e in one.execution.events] == [e.to_json() for e in two.execution.events]


def test_an_unanswered_callback_is_an_outcome_a_case_can_expect():
    config = without_review_mock(FLAGGED)
    result = run_case(bank_machine(), bank_case(FLAGGED, {"expect": {"waitingAt": "Wait For Review"}}, mocks=config))
    assert result.passed, result.message
    assert result.outcome.status == "WAITING_FOR_CALLBACK"
    result = run_case(bank_machine(), bank_case(FLAGGED, mocks=config))
    assert result.message == "expected the run to succeed, but it waits for an answer at 'Wait For Review'"


def test_callbacks_answered_in_the_case():
    config = without_review_mock(FLAGGED)
    cases = {
        "approve": ({"state": "Wait For Review", "success": {"approved": True}},
                    {"passesThrough": ["Approve Application"]}),
        "reject": ({"state": "Wait For Review", "success": {"approved": False}},
                   {"passesThrough": ["Reject Application"], "outputContains": {"decision": {"status": "REJECTED"}}}),
        "fail": ({"state": "Wait For Review", "failure": {"error": "ReviewerGone", "cause": "Left."}},
                 {"error": "ReviewerGone", "cause": "Left."}),
        "timeout": ({"state": "Wait For Review", "timeout": True},
                    {"passesThrough": ["Reject Application"], "outputContains": {"error": {"Error": "States.Timeout"}}}),
        "stop": ({"state": "Wait For Review", "stop": True}, {"status": "ABORTED", "neverEnters": ["Done"]}),
    }
    for name, (callback, expect) in cases.items():
        result = run_case(bank_machine(), bank_case(FLAGGED, {"callbacks": [callback], "expect": expect},
                                                    mocks=config))
        assert result.passed, (name, result.message)


def test_an_answer_never_asked_for_fails_the_case():
    result = run_case(bank_machine(), bank_case("CleanApplication", {
        "callbacks": [{"state": "Wait For Review", "success": {"approved": True}}]}))
    assert [f.as_json() for f in result.failures] == [{
        "expectation": "callbacks", "pointer": "/callbacks/0",
        "message": "the answer for 'Wait For Review' was never asked for: the run did not wait there"}]


def test_a_case_past_the_transition_limit_stops_and_the_others_still_run():
    # Under AWS's 25,000-event history limit (which ends the run itself, see the next test).
    limits = Limits(max_transitions=5_000)
    result = run_suite(LOOP, [Case("forever"), Case("done at once", {"done": True})], limits=limits)
    forever = result.cases[0]
    assert not forever.passed
    assert forever.outcome.status == "STOPPED"
    assert 5_000 < forever.outcome.transitions <= 5_000 + 2_000
    assert forever.message.startswith("stopped after 5,000 transitions")
    assert result.cases[1].passed  # it ran too
    assert result.summary() == "1/2 pass"


def test_a_loop_ends_as_aws_ends_it_at_the_history_limit_before_the_transition_limit():
    forever = run_case(LOOP, Case("forever"))
    assert forever.outcome.status == "FAILED" and forever.outcome.transitions < MAX_TRANSITIONS
    assert forever.execution.error == "States.Runtime" and len(forever.execution.events) == 25_000


def test_a_case_past_the_time_limit_stops_whatever_the_machine_speed():
    ticks = itertools.count()  # a clock that moves one second each time it is read
    # 3 s: six chunks of steps reach AWS's 25,000-event history limit, which ends the run itself.
    limits = Limits(max_transitions=10**12, seconds=3, clock=lambda: float(next(ticks)))
    result = run_case(LOOP, Case("slow"), limits=limits)
    assert result.message == "stopped after 3 s of work without ending; the other test cases still ran"
    assert result.outcome.status == "STOPPED"


def test_mocks_that_no_longer_fit_are_named_in_the_failure():
    definition = copy.deepcopy(BANK)
    states = definition["States"]
    states["Open The Account"] = states.pop("Approve Application")
    states["Human Review Required?"]["Default"] = "Open The Account"
    states["Review Approved?"]["Choices"][0]["Next"] = "Open The Account"
    result = run_case(parse(definition), bank_case("CleanApplication"))
    assert not result.passed
    assert result.failures[0].expectation == "mocks"
    assert "States.Runtime" in result.message
    assert "The test case mocks 'Approve Application', which is not a step of this version." in result.message


def test_a_mock_config_that_cannot_be_read_fails_the_case_with_its_pointer():
    config = copy.deepcopy(BANK_MOCKS)
    config["StateMachines"]["account-application"]["TestCases"]["CleanApplication"]["Check Address"] = "Nope"
    result = run_suite(bank_machine(), [bank_case("CleanApplication", mocks=config), bank_case(FLAGGED)])
    broken = result.cases[0]
    assert not broken.passed and broken.outcome is None
    assert broken.problems[0].pointer == "/StateMachines/account-application/TestCases/CleanApplication/Check Address"
    assert result.cases[1].passed


def test_expectations_on_unknown_states_fail_the_case():
    result = run_case(bank_machine(), bank_case("CleanApplication", {"expect": {"neverEnters": ["Wait For Reviews"]}}))
    assert not result.passed
    assert result.message == "There is no step called 'Wait For Reviews' in this version."


def test_cases_past_the_suite_budget_are_reported_as_not_run():
    ticks = itertools.count(step=4)  # every read of the clock: four more seconds
    limits = Limits(clock=lambda: float(next(ticks)))
    cases = [bank_case(name) for name in BANK_CASES]
    result = run_suite(bank_machine(), cases, limits=limits, budget=10)
    assert [c.passed for c in result.cases][:1] == [True]
    assert result.cases[-1].message == "not run: the suite's 10 s were used up by the cases before it"


def test_express_cases_run_as_express_executions():
    long_wait = parse({"StartAt": "Ten Minutes", "States": {"Ten Minutes": {"Type": "Wait", "Seconds": 600, "End": True}}})
    standard = run_case(long_wait, Case("wait"))
    express = run_case(long_wait, Case("wait", spec=spec({"expect": {"status": "TIMED_OUT"}})), express=True)
    assert standard.outcome.status == "SUCCEEDED"
    assert express.passed, express.message  # an Express execution ends after five minutes
