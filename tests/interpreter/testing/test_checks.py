"""Each expectation against an outcome: met, or missed with a sentence saying how."""
from interpreter.testing.checks import Outcome, check, contains, first_missing, same
from interpreter.testing.spec import read_spec

PATH = ["Start", "Decide", "Approve", "Done"]


def failures(expect: dict, **outcome):
    spec, problems = read_spec({"expect": expect})
    assert not problems
    fields = {"status": "SUCCEEDED", "output": {"approved": True, "id": 7}, "path": PATH, "transitions": 4}
    fields.update(outcome)
    return [(f.expectation, f.message) for f in check(spec.expect, Outcome(**fields))]


def test_met_expectations_give_no_failure():
    assert failures({"status": "SUCCEEDED", "output": {"id": 7, "approved": True}, "outputContains": {"id": 7},
                     "path": PATH, "passesThrough": ["Approve"], "neverEnters": ["Reject"], "maxTransitions": 4}) == []


def test_status():
    assert failures({}, status="FAILED", error="ChecksFailed", cause="The checks could not run.") == [
        ("status", "expected the run to succeed, but it failed with ChecksFailed (The checks could not run.)")]
    assert failures({"waitingAt": "Review"}, status="WAITING_FOR_CALLBACK", waiting_at=("Other",)) == [
        ("waitingAt", "expected the run to wait for an answer at 'Review', but it waits at 'Other'")]
    assert failures({"waitingAt": "Review"}) == [
        ("status", "expected the run to wait for an answer at 'Review', but it succeeded")]
    assert failures({"status": "TIMED_OUT"}, status="STOPPED", stopped="stopped after 10 s") == [
        ("run", "stopped after 10 s"), ("status", "expected the run to time out, but it stopped after 10 s")]


def test_error_and_cause():
    assert failures({"error": "A", "cause": "c"}, status="FAILED", error="B", cause="d") == [
        ("error", "expected the error A, but it was B"), ("cause", 'expected the cause "c", but it was "d"')]
    assert failures({"status": "FAILED", "causeContains": "rate"}, status="FAILED", error="E", cause="Rate") == [
        ("causeContains", 'expected the cause to mention "rate", but it was "Rate"')]


def test_output():
    assert failures({"output": {"approved": False}}) == [
        ("output", 'expected the output `{"approved": false}`, but it was `{"approved": true, "id": 7}`')]
    assert failures({"outputContains": {"approved": False}}) == [
        ("outputContains", 'expected the output to contain `{"approved": false}`, but approved is `true`')]
    assert failures({"outputContains": {"reviewer": "j"}}) == [
        ("outputContains", 'expected the output to contain `{"reviewer": "j"}`, but it has no reviewer')]


def test_path():
    assert failures({"path": ["Start", "Decide", "Reject", "Done"]}) == [
        ("path", "expected step 3 to be 'Reject', but the run entered 'Approve'")]
    assert failures({"path": PATH[:2]}) == [
        ("path", "expected the run to end after 'Decide', but it went on to 'Approve'")]
    assert failures({"path": PATH + ["Notify"]}) == [
        ("path", "expected the run to enter 'Notify' after 'Done'")]
    assert failures({"passesThrough": ["Review"], "neverEnters": ["Approve"], "maxTransitions": 3}) == [
        ("passesThrough", "expected the run to pass through 'Review', but it never entered it"),
        ("neverEnters", "expected the run never to enter 'Approve', but it did (step 3)"),
        ("maxTransitions", "expected at most 3 transitions, but the run took 4")]


def test_json_equality_and_subsets():
    assert same(1, 1.0) and not same(1, True) and not same(0, False) and same({"a": [1]}, {"a": [1.0]})
    assert not same([1, 2], [2, 1])
    assert contains({"a": {"b": 1, "c": 2}, "d": [1, {"e": 3, "f": 4}]}, {"a": {"b": 1}, "d": [{"e": 3}]})
    assert not contains({"a": [1, 2]}, {"a": [3]})
    assert first_missing({"a": [1, 2]}, {"a": [3]}) == "a has no item like `3`"
    assert first_missing({"a": 1}, {"a": {"b": 1}}) == "a is `1`, not an object"
    assert contains(None, None) and not contains({}, None)
