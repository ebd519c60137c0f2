"""Coverage folded from history events: states entered, and which edge each transition took."""
from interpreter.definition import parse
from interpreter.execution import Execution
from interpreter.mocks import Mocks
from interpreter.testing.coverage import Coverage, coverage, edges_of
from interpreter.testing.runner import Case, run_suite

from .helpers import BANK_CASES, bank_case, bank_machine, sample

START = 1_700_000_000_000


def run(definition, input=None, mocks=None):
    ex = Execution(parse(definition), {} if input is None else input, mocks=Mocks.from_lists(mocks or {}),
                   seed=1, start_time=START)
    return ex.run()


def taken(machine_or_definition, *executions):
    machine = machine_or_definition if not isinstance(machine_or_definition, dict) else parse(machine_or_definition)
    cov = coverage(machine, [ex.events for ex in executions])
    return {k: v for k, v in cov.edge_counts.items() if v}


def test_the_bank_cases_cover_what_they_take():
    result = run_suite(bank_machine(), [bank_case(name) for name in BANK_CASES])
    cov = result.coverage
    # The flagged address matched rule 2 (both rules lead to the review: the rules were evaluated again).
    assert {k: v for k, v in cov.edge_counts.items() if v} == {
        "next:Perform Automated Checks": 3, "retry.0:Verify Identity Documents": 2,
        "choice.1:Human Review Required?": 1, "default:Human Review Required?": 2, "next:Wait For Review": 1,
        "choice.0:Review Approved?": 1, "next:Approve Application": 3, "next:Notify Applicant": 3}
    summary = cov.as_json()
    assert summary["states"] == {"covered": 9, "total": 11, "percent": 81.8}
    assert summary["edges"] == {"covered": 8, "total": 13, "percent": 61.5}
    assert [s["name"] for s in summary["stateItems"] if not s["count"]] == ["Reject Application", "Checks Could Not Run"]


def test_events_as_stored_rows_give_the_same_coverage():
    ex = run_suite(bank_machine(), [bank_case("FlaggedAddressApprovedByReviewer")], keep_executions=True).cases[0].execution
    objects = Coverage(bank_machine()).add(ex.events)
    rows = Coverage(bank_machine()).add([e.to_json() for e in ex.events])
    assert objects.as_json() == rows.as_json()


TASK_WITH_CATCH = {"StartAt": "Charge", "States": {
    "Charge": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:charge",
               "Retry": [{"ErrorEquals": ["Throttled"], "MaxAttempts": 2, "IntervalSeconds": 1},
                         {"ErrorEquals": ["States.ALL"], "MaxAttempts": 1, "IntervalSeconds": 1}],
               "Catch": [{"ErrorEquals": ["Declined"], "Next": "Notify"},
                         {"ErrorEquals": ["States.ALL"], "Next": "Notify"}],
               "Next": "Notify"},
    "Notify": {"Type": "Succeed"}}}


def test_a_catch_to_the_same_state_as_next_is_told_apart_by_the_failure():
    ok = run(TASK_WITH_CATCH, mocks={"Charge": [{"Return": 1}]})
    assert taken(TASK_WITH_CATCH, ok) == {"next:Charge": 1}
    declined = run(TASK_WITH_CATCH, mocks={"Charge": [{"Throw": {"Error": "Declined"}}] * 2})
    # Declined is retried once by the States.ALL retrier, then caught by the first catcher.
    assert taken(TASK_WITH_CATCH, declined) == {"retry.1:Charge": 1, "catch.0:Charge": 1}
    # Throttled twice retried by the first retrier; the third time it is spent (no other retrier
    # is tried, as in AWS) and the catch-all takes it.
    other = run(TASK_WITH_CATCH, mocks={"Charge": [{"Throw": {"Error": "Throttled"}}] * 3})
    assert taken(TASK_WITH_CATCH, other) == {"retry.0:Charge": 2, "catch.1:Charge": 1}


PARALLEL = {"StartAt": "Both", "States": {
    "Both": {"Type": "Parallel", "Branches": [
        {"StartAt": "Fine", "States": {"Fine": {"Type": "Pass", "End": True}}},
        {"StartAt": "Broken", "States": {"Broken": {"Type": "Fail", "Error": "Boom", "Cause": "c"}}}],
             "Retry": [{"ErrorEquals": ["Other"]}, {"ErrorEquals": ["Boom"], "MaxAttempts": 1, "IntervalSeconds": 1}],
             "Catch": [{"ErrorEquals": ["Other"], "Next": "After"}, {"ErrorEquals": ["States.ALL"], "Next": "After"}],
             "Next": "After"},
    "After": {"Type": "Succeed"}}}


def test_a_parallel_retried_and_caught_after_a_branch_fails():
    assert taken(PARALLEL, run(PARALLEL)) == {"retry.1:Both": 1, "catch.1:Both": 1}
    cov = coverage(parse(PARALLEL), [run(PARALLEL).events])
    assert cov.state_counts == {"Both": 1, "Fine": 2, "Broken": 2, "After": 1}


JSONATA_CHOICE = {"QueryLanguage": "JSONata", "StartAt": "Score", "States": {
    "Score": {"Type": "Pass", "Assign": {"score": "{% $states.input.score %}"}, "Next": "Route"},
    "Route": {"Type": "Choice", "Choices": [
        {"Condition": "{% $score > 90 %}", "Next": "Fast"},
        {"Condition": "{% $score > 50 %}", "Next": "Fast"}], "Default": "Fast"},
    "Fast": {"Type": "Succeed"}}}


def test_rules_to_the_same_target_are_told_apart_with_the_variables_of_the_log():
    for score, edge in ((95, "choice.0:Route"), (60, "choice.1:Route"), (10, "default:Route")):
        assert taken(JSONATA_CHOICE, run(JSONATA_CHOICE, {"score": score})) == {"next:Score": 1, edge: 1}


def test_states_of_distributed_map_children_are_covered():
    definition, config, input = sample("nutrition-labels")
    machine = parse(definition)
    names = list(config["StateMachines"]["nutrition-labels"]["TestCases"])
    result = run_suite(machine, [Case(n, input, mock_config=config) for n in names])
    inner = [e for e in edges_of(machine) if e.source == "Validate Batch"]
    assert result.coverage.state_counts["Validate Batch"] > 0
    assert all(result.coverage.edge_counts[e.id] >= 0 for e in inner)
    assert result.coverage.as_json()["states"]["percent"] == 100.0
