"""Time comparing and explaining versions; run by hand.

    .venv/bin/python bench/bench_compare.py [--repeat 15]

1. Structural diff of two 1,000-state versions: W1 and a copy with 10 % of its states changed
   (90 with edited fields, 5 renamed with their references, 3 removed, 2 added), with the changes
   in words. Target under 50 ms. Peer: ``difflib.unified_diff`` of the two definitions as
   pretty-printed JSON, the diff engineers read today.
2. Behavioural diff of 20 test cases on the bank sample (its three test cases, with their inputs
   varied, against version 1 and a version 2 with one step added, one removed and a Retry
   changed). Target under 1 s. Peer: the same 20 cases run on one version by the test runner.
3. The narrative of W1 (1,000 states). Target under 100 ms. Peer: ``json.dumps(indent=2)`` of it.

Each line gives min and median milliseconds (best of ``--repeat`` runs) and the input sizes.
"""
from __future__ import annotations

import argparse
import copy
import difflib
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from interpreter.compare import apply_patch, diff  # noqa: E402
from interpreter.compare.behaviour import behaviour_diff  # noqa: E402
from interpreter.compare.report import diff_report  # noqa: E402
from interpreter.explain import explain  # noqa: E402
from interpreter.testing.runner import Case, run_suite  # noqa: E402
from interpreter.definition import parse  # noqa: E402

SAMPLES = ROOT / "designer" / "samples"
W1 = json.loads((ROOT / "bench" / "workloads" / "W1_pass_chain.asl.json").read_text())


def timings(fn, repeat: int) -> tuple[float, float]:
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return min(samples), statistics.median(samples)


def w1_changed() -> dict:
    """W1 with 10 % of its states changed, renamed, removed or added."""
    rnd = random.Random(14)
    new = copy.deepcopy(W1)
    states = new["States"]
    names = list(states)
    picked = rnd.sample(names[1:-1], 100)
    for name in picked[:90]:
        state = states[name]
        state["Parameters"]["step"] = state["Parameters"].get("step", 0) + 1000
        state["Comment"] = f"edited {name}"
    for name in picked[90:95]:
        fresh = name + " renamed"
        new["States"] = states = {fresh if k == name else k: v for k, v in states.items()}
        for state in states.values():
            if state.get("Next") == name:
                state["Next"] = fresh
    for name in picked[95:98]:
        if name not in states:
            continue
        gone = states.pop(name)
        for state in states.values():
            if state.get("Next") == name:
                state["Next"] = gone.get("Next")
    for i, name in enumerate(picked[98:100]):
        if name in states:
            states[f"Added {i}"] = {"Type": "Pass", "Next": states[name]["Next"]}
            states[name]["Next"] = f"Added {i}"
    return new


def bank_cases() -> tuple[dict, dict, list[Case]]:
    bank = json.loads((SAMPLES / "account-application.asl.json").read_text())
    mocks = json.loads((SAMPLES / "account-application.mocks.json").read_text())
    base_input = json.loads((SAMPLES / "account-application.input.json").read_text())
    v2 = copy.deepcopy(bank)
    states = v2["States"]
    states["Perform Automated Checks"]["Branches"][0]["States"]["Verify Identity Documents"]["Retry"][0]["MaxAttempts"] = 5
    states["Record Decision"] = {"Type": "Pass", "Next": "Done"}
    states["Notify Applicant"]["Next"] = "Record Decision"
    del states["Checks Could Not Run"]
    states["Perform Automated Checks"]["Catch"][0]["Next"] = "Reject Application"
    names = list(mocks["StateMachines"]["account-application"]["TestCases"])
    cases = []
    for i in range(20):
        case_input = copy.deepcopy(base_input)
        case_input.setdefault("application", {})["id"] = f"app-{i:04d}"
        cases.append(Case(f"case {i + 1}", case_input, mock_config=mocks, mock_test_case=names[i % len(names)]))
    return bank, v2, cases


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    old, new = W1, w1_changed()
    d = diff(old, new)
    assert json.dumps(apply_patch(old, d), sort_keys=True) == json.dumps(new, sort_keys=True)
    report = diff_report(old, new, d)
    old_text, new_text = json.dumps(old, indent=2), json.dumps(new, indent=2)
    structural = timings(lambda: diff(old, new), args.repeat)
    with_words = timings(lambda: diff_report(old, new), args.repeat)
    peer = timings(lambda: list(difflib.unified_diff(old_text.splitlines(), new_text.splitlines(), lineterm="")),
                   args.repeat)
    print(f"1. Structural diff, W1 ({len(old['States'])} states, {len(old_text):,} bytes as JSON) against a copy "
          f"with 10 % changed ({len(new['States'])} states): {report['summary']}")
    print(f"   diff                      min {structural[0]:8.2f} ms   median {structural[1]:8.2f} ms   (target < 50 ms)")
    print(f"   diff + changes in words   min {with_words[0]:8.2f} ms   median {with_words[1]:8.2f} ms")
    print(f"   peer: difflib on JSON     min {peer[0]:8.2f} ms   median {peer[1]:8.2f} ms   "
          f"(ours {structural[1] / peer[1]:.2f}x the peer)")

    bank, v2, cases = bank_cases()
    renames = diff(bank, v2).renames
    result = behaviour_diff(bank, v2, cases, renames=renames)
    behaviour = timings(lambda: behaviour_diff(bank, v2, cases, renames=renames), max(3, args.repeat // 3))
    machine = parse(bank)
    one_side = timings(lambda: run_suite(machine, cases), max(3, args.repeat // 3))
    print(f"2. Behavioural diff, bank sample ({len(json.dumps(bank)):,} bytes, 9 states), {len(cases)} test cases on "
          f"2 versions: {result.summary()}")
    print(f"   behaviour_diff            min {behaviour[0]:8.2f} ms   median {behaviour[1]:8.2f} ms   (target < 1000 ms)")
    print(f"   peer: suite on 1 version  min {one_side[0]:8.2f} ms   median {one_side[1]:8.2f} ms   "
          f"(ours {behaviour[1] / one_side[1]:.2f}x the peer)")

    narrative = timings(lambda: explain(W1).text(), args.repeat)
    pretty = timings(lambda: json.dumps(W1, indent=2), args.repeat)
    print(f"3. Narrative of W1 ({len(W1['States'])} states): {len(explain(W1).text()):,} characters of text")
    print(f"   explain(W1).text()        min {narrative[0]:8.2f} ms   median {narrative[1]:8.2f} ms   (target < 100 ms)")
    print(f"   peer: json.dumps(indent)  min {pretty[0]:8.2f} ms   median {pretty[1]:8.2f} ms   "
          f"(ours {narrative[1] / pretty[1]:.2f}x the peer)")


if __name__ == "__main__":
    main()
