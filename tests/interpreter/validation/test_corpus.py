"""The corpus: definitions with AWS's verdict and what three existing validators said.

Statewise must agree with ``expected_valid`` on at least 99 % of the cases, and on every case
where all three peers are wrong. The cases and their NOTICE are copied from the shared corpus.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from interpreter.validation import SCHEMA_CODES, is_valid, validate, validate_text
from interpreter.validation.report import Report
from interpreter.validation.schema import schema_errors
from interpreter.validation.text import read_definition

CASES_DIR = Path(__file__).parent / "cases"
CASES = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(CASES_DIR.glob("*.json"))]


def _verdict(case: dict) -> bool:
    if "definition_text" in case:
        return is_valid(validate_text(case["definition_text"]))
    return is_valid(validate(case["definition"]))


def _all_peers_wrong(case: dict) -> bool:
    return all(v["valid"] != case["expected_valid"] for v in case["verdicts"].values())


def test_the_corpus_is_there():
    assert len(CASES) >= 500
    assert (CASES_DIR / "NOTICE").is_file()


def test_agrees_with_aws_on_at_least_99_percent():
    wrong = [c["id"] for c in CASES if _verdict(c) != c["expected_valid"]]
    agreement = 1 - len(wrong) / len(CASES)
    assert agreement >= 0.99, f"agreement {agreement:.2%}; disagreeing cases: {wrong}"


def test_right_on_every_case_where_all_three_peers_are_wrong():
    hard = [c for c in CASES if _all_peers_wrong(c)]
    assert len(hard) >= 10
    wrong = [c["id"] for c in hard if _verdict(c) != c["expected_valid"]]
    assert not wrong, f"wrong where every peer is wrong too: {wrong}"


def test_better_than_every_peer():
    ours = sum(_verdict(c) == c["expected_valid"] for c in CASES)
    for peer in ("asl-validator", "asl-language-service", "statelint"):
        theirs = sum(c["verdicts"][peer]["valid"] == c["expected_valid"] for c in CASES)
        assert ours > theirs, peer


@pytest.mark.parametrize("case", [c for c in CASES if not c["expected_valid"]], ids=lambda c: c["id"])
def test_every_rejection_points_somewhere_and_says_what_to_do(case):
    problems = (validate_text(case["definition_text"]) if "definition_text" in case
                else validate(case["definition"]))
    errors = [p for p in problems if p.severity == "error"]
    for p in errors:
        assert p.message and p.message[0].isupper(), p
        assert p.pointer == "" or p.pointer.startswith("/"), p
        assert p.as_dict()["code"] == p.code


def test_the_json_schema_agrees_with_the_structural_checks_case_by_case():
    """``schema.py`` and the table-driven checker come from the same table; prove they agree."""
    disagreements = []
    for case in CASES:
        if "definition_text" in case:
            ok, definition = read_definition(case["definition_text"], Report())
            if not ok:
                continue
        else:
            definition = case["definition"]
        by_schema = schema_errors(definition)
        by_checker = [p for p in validate(definition) if p.code in SCHEMA_CODES]
        if bool(by_schema) != bool(by_checker):
            disagreements.append((case["id"], by_schema[:2], [(p.code, p.pointer) for p in by_checker][:2]))
    assert not disagreements, disagreements
