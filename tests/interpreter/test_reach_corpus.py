"""Issue 13, point 5: the project's real-world corpus (tests/realworld, written by the project,
see its NOTICE) and samples, each simulated with nothing but its proposed input and unmocked
Tasks returning their input. At least 90 % must reach a Succeed state, a Fail state or a step
waiting for a person; the rest are listed with why.

Every run is bounded (transitions, virtual clock): the verdict does not depend on the machine.
"""
from __future__ import annotations

from pathlib import Path

from interpreter.proposal.corpus import definitions, measure, report

ROOT = Path(__file__).resolve().parents[2]
REALWORLD = ROOT / "tests" / "realworld"
SAMPLES = ROOT / "designer" / "samples"


def test_most_real_world_workflows_reach_an_end_with_the_proposed_input_and_default_answers():
    items = definitions(REALWORLD)
    if SAMPLES.is_dir():
        items += definitions(SAMPLES)
    assert len(items) >= 45
    entries = measure(items, "return_input")
    text = report(entries)
    print(text)  # the remainder, with why (pytest -s shows it)
    reached = [e for e in entries if e.reached]
    assert len(reached) / len(entries) >= 0.9, text
    # every one not reached says why, in words
    assert all(e.why for e in entries if not e.reached)
    # and the runs reach every kind of end, not only successes
    assert {e.ending for e in reached} >= {"succeeded", "waiting"}


def test_with_no_default_answers_most_stop_at_the_first_unmocked_task():
    """The measure above means something: without default answers the same inputs do not get far."""
    entries = measure(definitions(REALWORLD), "fail")
    reached = sum(e.reached for e in entries)
    assert reached / len(entries) < 0.5
