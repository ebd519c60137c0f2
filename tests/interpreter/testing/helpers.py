"""The bank sample and its shipped test cases, for the suite tests."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from interpreter.definition import parse
from interpreter.testing.runner import Case
from interpreter.testing.spec import read_spec

SAMPLES = Path(__file__).resolve().parents[3] / "designer" / "samples"


def sample(slug: str) -> tuple[dict, dict, dict]:
    return tuple(json.loads((SAMPLES / f"{slug}.{part}.json").read_text()) for part in ("asl", "mocks", "input"))


BANK, BANK_MOCKS, BANK_INPUT = sample("account-application")
BANK_CASES = ("CleanApplication", "FlaggedAddressApprovedByReviewer", "IdentityServiceThrottledThenOk")


def bank_machine():
    return parse(BANK)


def spec(data: dict):
    value, problems = read_spec(data)
    assert problems == [], problems
    return value


def bank_case(name: str, expectations: dict | None = None, *, mocks: dict | None = None, input=None) -> Case:
    return Case(name, copy.deepcopy(BANK_INPUT) if input is None else input, spec(expectations or {}),
                mocks if mocks is not None else BANK_MOCKS, name)


def without_review_mock(case: str) -> dict:
    """The bank's mock config with the reviewer's mocked answer removed from one test case."""
    config = copy.deepcopy(BANK_MOCKS)
    del config["StateMachines"]["account-application"]["TestCases"][case]["Wait For Review"]
    return config
