"""JSONata Choice conditions in words when simple, whole as code otherwise; Choice rules with a glossary."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from interpreter import wording
from interpreter.wording.conditions import condition_words


@pytest.mark.parametrize("condition,words", [
    ("{% $states.input.approved = true %}", "approved is true"),
    ("{% $states.input.approved %}", "approved is true"),
    ("{% $states.input.total > 100 %}", "total is greater than 100"),
    ("{% 100 < $states.input.total %}", "total is greater than 100"),
    ("{% $states.input.total <= 99.5 %}", "total is at most 99.5"),
    ("{% $states.input.status = 'OPEN' %}", "status is equal to 'OPEN'"),
    ("{% $states.input.status != \"OPEN\" %}", "status is not equal to 'OPEN'"),
    ("{% $states.input.owner = null %}", "owner is null"),
    ("{% $states.input.country in ['FR', 'DE'] %}", "country is one of 'FR', 'DE'"),
    ("{% $exists($states.input.address) %}", "address is present"),
    ("{% $not($exists($states.input.address)) %}", "not (address is present)"),
    ("{% $states.input.department = $states.input.OU %}", "department is equal to the value of OU"),
    ("{% $approved and $states.input.checks[1].flagged = false %}",
     "the variable approved is true and checks[1].flagged is false"),
    ("{% ($states.input.a = 1 or $states.input.b = 2) and $states.input.c = 3 %}",
     "(a is equal to 1 or b is equal to 2) and c is equal to 3"),
    ("{% $states.result.Payload.ok = true %}", "the result's Payload.ok is true"),
    ("{% $states.context.Execution.Name = 'x' %}", "context Execution.Name is equal to 'x'"),
])
def test_simple_conditions_in_words(condition, words):
    assert condition_words(condition) == (words, False)


@pytest.mark.parametrize("condition", [
    "{% $count($states.input.items) > 3 %}",
    "{% $states.input.a + $states.input.b > 10 %}",
    "{% $states.input.items[price > 5] %}",
    "{% $states.input.a ? true : false %}",
    "{% $contains($states.input.name, 'x') %}",
    "{% $states.input.name & 'x' = 'yx' %}",
    "{% ( %}",
    "{% 'a' = 'b' %}",
])
def test_other_conditions_come_back_whole_as_code(condition):
    assert condition_words(condition) == (condition[2:-2].strip(), True)


def test_a_glossary_names_the_fields_it_knows():
    glossary = {"$.checks[0].flagged": "the identity check's flag", "$.OU": "the applicant's unit"}
    rule = {"Variable": "$.checks[0].flagged", "BooleanEquals": True, "Next": "X"}
    assert wording.rule_words(rule, glossary) == "the identity check's flag is true"
    rule = {"Variable": "$.dept", "StringEqualsPath": "$.OU", "Next": "X"}
    assert wording.rule_words(rule, glossary) == "dept is equal to the value of the applicant's unit"
    assert wording.rule_words(rule) == "dept is equal to the value of OU"
    assert wording.rule_phrase({"Condition": "{% $states.input.OU = 'x' %}"}, glossary) == (
        "the applicant's unit is equal to 'x'", False)


@given(st.text(max_size=80))
def test_any_text_gives_words_or_code_never_an_error(text):
    words, code = condition_words("{% " + text + " %}")
    assert isinstance(words, str) and isinstance(code, bool)
