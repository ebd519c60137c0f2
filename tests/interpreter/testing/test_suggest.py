"""Suggested test cases: each one really takes its edge, or the reason it could not be built."""
import dataclasses

from interpreter.definition import parse
from interpreter.testing.runner import Case, run_suite
from interpreter.testing.suggest import suggest

from .helpers import BANK_CASES, bank_case, bank_machine, spec, without_review_mock


def _check_each_takes_its_target(machine, result, cases):
    """Run every suggestion as a saved case would run: it passes its own expectations and takes its target."""
    for s in result.found:
        alone = run_suite(machine, [s.case()])
        assert alone.cases[0].passed, (s.name, alone.cases[0].message)
        assert alone.coverage.edge_counts[s.target.id] > 0, s.name
    return run_suite(machine, list(cases) + [s.case() for s in result.found])


def test_the_bank_sample_gets_a_case_for_every_uncovered_rule_default_and_catch():
    machine = bank_machine()
    cases = [bank_case(name) for name in BANK_CASES]
    result = suggest(machine, cases)
    assert [s.target.id for s in result.found] == [
        "catch.0:Perform Automated Checks", "choice.0:Human Review Required?", "catch.0:Wait For Review",
        "default:Review Approved?"]
    assert result.not_found == []
    by_target = {s.target.id: s for s in result.found}
    rule = by_target["choice.0:Human Review Required?"]
    assert rule.changes == ["the mocked answer of 'Verify Identity Documents' at Payload.flagged set to `true`"]
    assert rule.based_on == "FlaggedAddressApprovedByReviewer"  # a case whose run then ends, not one left waiting
    timeout = by_target["catch.0:Wait For Review"]
    assert timeout.changes == ["the mock of 'Wait For Review' throws States.Timeout"]
    assert "next:Reject Application" in timeout.covers
    assert by_target["catch.0:Perform Automated Checks"].spec.as_json()["expect"] == {
        "status": "FAILED", "error": "ChecksFailed", "passesThrough": ["Checks Could Not Run"]}
    # Each suggestion is a self-contained Step Functions Local mock config.
    config = rule.mock_config
    assert list(config["StateMachines"]["account-application"]["TestCases"]) == [rule.name]
    whole = _check_each_takes_its_target(machine, result, cases)
    assert whole.ok
    cov = whole.coverage.as_json()
    assert cov["states"]["percent"] == 100.0
    assert cov["edges"]["covered"] == cov["edges"]["total"]


def test_a_value_answered_by_a_person_is_changed_in_the_answer():
    config = without_review_mock("FlaggedAddressApprovedByReviewer")
    case = bank_case("FlaggedAddressApprovedByReviewer", {
        "callbacks": [{"state": "Wait For Review", "success": {"approved": True}}]}, mocks=config)
    result = suggest(bank_machine(), [case], only={"default:Review Approved?"})
    [found] = result.found
    assert found.changes == ["the answer at 'Wait For Review' at approved set to `false`"]
    assert found.spec.as_json()["callbacks"] == [{"state": "Wait For Review", "success": {"approved": False}}]


ROUTING = {"StartAt": "Route", "States": {
    "Route": {"Type": "Choice", "Choices": [
        {"And": [{"Variable": "$.amount", "NumericGreaterThan": 1000},
                 {"Variable": "$.customer.tier", "StringEquals": "gold"}], "Next": "Priority"},
        {"Or": [{"Variable": "$.due", "TimestampLessThan": "2026-01-01T00:00:00Z"},
                {"Variable": "$.rush", "BooleanEquals": True}], "Next": "Soon"},
        {"Not": {"Variable": "$.note", "IsNull": True}, "Next": "Annotated"},
        {"Variable": "$.coupon", "IsPresent": True, "Next": "Discount"},
        {"Variable": "$.sku", "StringMatches": "BK-*-X", "Next": "Book"},
        {"Variable": "$.limit", "NumericLessThanEqualsPath": "$.amount", "Next": "Over"}],
              "Default": "Standard"},
    "Priority": {"Type": "Succeed"}, "Soon": {"Type": "Succeed"}, "Annotated": {"Type": "Succeed"},
    "Discount": {"Type": "Succeed"}, "Book": {"Type": "Succeed"}, "Over": {"Type": "Succeed"},
    "Standard": {"Type": "Succeed"}}}
ORDER = {"amount": 5, "limit": 100, "customer": {"tier": "basic"}, "due": "2030-06-01T00:00:00Z", "rush": False,
         "note": None, "sku": "CD-1"}


def test_every_kind_of_jsonpath_rule_is_solved_in_the_input():
    machine = parse(ROUTING)
    result = suggest(machine, [Case("Plain order", ORDER)])
    assert result.not_found == []
    assert {s.target.id: s.changes for s in result.found} == {
        "choice.0:Route": ["input amount set to `1001`", "input customer.tier set to `\"gold\"`"],
        "choice.1:Route": ["input due set to `\"2025-12-31T23:59:59Z\"`"],
        "choice.2:Route": ["input note set to `\"not null\"`"],
        "choice.3:Route": ["input coupon set to `\"present\"`"],
        "choice.4:Route": ["input sku set to `\"BK-x-X\"`"],
        "choice.5:Route": ["input limit set to `5`"],
    }
    _check_each_takes_its_target(machine, result, [Case("Plain order", ORDER)])


JSONATA = {"QueryLanguage": "JSONata", "StartAt": "Look Up", "States": {
    "Look Up": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
                "Arguments": {"TableName": "Customers", "Key": {"id": {"S": "{% $states.input.id %}"}}},
                "Assign": {"score": "{% $states.result.Item.score.N %}"}, "Output": "{% $states.input %}",
                "Next": "Decide"},
    "Decide": {"Type": "Choice", "Choices": [
        {"Condition": "{% $score >= 700 and $states.input.country = 'NL' %}", "Next": "Approve"},
        {"Condition": "{% $not($exists($states.input.id)) or $states.input.vip %}", "Next": "Ask"},
        {"Condition": "{% $count($states.input.orders) > 3 %}", "Next": "Ask"}],
                "Default": "Decline"},
    "Approve": {"Type": "Succeed"}, "Ask": {"Type": "Succeed"}, "Decline": {"Type": "Fail", "Error": "Declined"}}}
CONFIG = {"StateMachines": {"loans": {"TestCases": {"Low score": {"Look Up": "Low"}}}},
          "MockedResponses": {"Low": {"0": {"Return": {"Item": {"score": {"N": 420}}}}}}}


def test_simple_jsonata_comparisons_are_solved_and_others_say_why():
    machine = parse(JSONATA)
    case = Case("Low score", {"id": "c-1", "country": "NL", "vip": False, "orders": []}, spec({"expect": {"error": "Declined"}}),
                CONFIG, "Low score")
    result = suggest(machine, [case])
    found = {s.target.id: s.changes for s in result.found}
    assert found["choice.0:Decide"] == ["the mocked answer of 'Look Up' at Item.score.N set to `700`"]
    assert found["choice.1:Decide"] == ["input vip set to `true`"]
    [missing] = result.not_found
    assert missing.target.id == "choice.2:Decide"
    assert missing.reason == ("rule 3 of 'Decide': the Condition {% $count($states.input.orders) > 3 %} is not a "
                              "simple comparison Statewise can solve")


def test_reasons_when_nothing_reaches_or_the_value_is_computed():
    definition = {"StartAt": "Total", "States": {
        "Total": {"Type": "Pass", "Parameters": {"total.$": "States.MathAdd($.a, $.b)"}, "Next": "Big?"},
        "Big?": {"Type": "Choice", "Choices": [{"Variable": "$.total", "NumericGreaterThan": 100, "Next": "Big"}],
                 "Default": "Small"},
        "Small": {"Type": "Succeed"},
        "Big": {"Type": "Choice", "Choices": [{"Variable": "$$.Execution.Name", "StringEquals": "x", "Next": "Small"}],
                "Default": "Small"}}}
    result = suggest(parse(definition), [Case("Small sum", {"a": 1, "b": 2})])
    reasons = {n.target.id: n.reason for n in result.not_found}
    assert reasons == {
        "choice.0:Big?": ("rule 1 of 'Big?': the condition reads $.total, and neither the input nor a mocked "
                          "answer holds it as it is (it is computed on the way); no change found that makes it `101`"),
        "choice.0:Big": "no test case reaches 'Big' yet: add one that does (or accept a suggestion that gets there first)",
        "default:Big": "no test case reaches 'Big' yet: add one that does (or accept a suggestion that gets there first)",
    }


def test_a_catch_no_error_can_reach_says_so():
    definition = {"StartAt": "Call", "States": {
        "Call": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
                 "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Done"},
                           {"ErrorEquals": ["Late"], "Next": "Done"}], "Next": "Done"},
        "Done": {"Type": "Succeed"}}}
    config = {"StateMachines": {"m": {"TestCases": {"Ok": {"Call": "Ok"}}}},
              "MockedResponses": {"Ok": {"0": {"Return": {}}}}}
    result = suggest(parse(definition), [Case("Ok", {}, mock_config=config)])
    assert [s.target.id for s in result.found] == ["catch.0:Call"]
    assert [(n.target.id, n.reason) for n in result.not_found] == [
        ("catch.1:Call", "Catch 2 of 'Call': an earlier Catch of 'Call' takes every error this one does")]


def test_suggestions_stop_at_their_time_budget():
    ticks = iter(range(10**6))
    result = suggest(bank_machine(), [bank_case(n) for n in BANK_CASES], budget=3, clock=lambda: float(next(ticks)))
    assert len(result.found) < 4
    assert any("ran out" in n.reason for n in result.not_found)


def test_names_do_not_clash_with_saved_cases():
    taken = dataclasses.replace(bank_case("CleanApplication"), name="Review Approved?: otherwise")
    cases = [bank_case(n) for n in BANK_CASES] + [taken]
    result = suggest(bank_machine(), cases, only={"default:Review Approved?"})
    assert [s.name for s in result.found] == ["Review Approved?: otherwise (2)"]


def test_from_one_case_suggestions_reach_past_a_step_that_waits_for_a_person():
    machine = bank_machine()
    result = suggest(machine, [bank_case("CleanApplication")])
    assert result.not_found == []
    by_target = {s.target.id: s for s in result.found}
    assert set(by_target) == {"catch.0:Perform Automated Checks", "choice.0:Human Review Required?",
                              "choice.1:Human Review Required?", "catch.0:Wait For Review",
                              "choice.0:Review Approved?", "default:Review Approved?"}
    reject = by_target["default:Review Approved?"]
    assert reject.spec.as_json()["callbacks"] == [{"state": "Wait For Review", "success": {"approved": False}}]
    _check_each_takes_its_target(machine, result, [bank_case("CleanApplication")])
