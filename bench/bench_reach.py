"""How many real-world workflows a simulation takes to an end without anyone writing JSON.

    python bench/bench_reach.py [--corpus tests/realworld] [--corpus designer/samples]

Each workflow runs with its proposed starting input and unmocked Tasks returning their input
(``interpreter/proposal``), against the peer of issue 13: the input ``{}`` and no default answers
(AWS Step Functions Local's behaviour), and the proposed input alone. Prints the share that
reaches a Succeed state, a Fail state or a step waiting for a person, the time a proposal takes,
and the workflows that did not reach an end, with why.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interpreter.definition import parse  # noqa: E402
from interpreter.proposal import propose_input  # noqa: E402
from interpreter.proposal.corpus import definitions, measure, report  # noqa: E402
from interpreter.proposal.reach import ending, run_once  # noqa: E402


def baseline(items, data_of, mode: str) -> int:
    reached = 0
    for _, definition in items:
        ex, outcome = run_once(parse(definition), data_of(definition), mode)
        reached += ending(ex, outcome)[0] != "stuck"
    return reached


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", action="append", default=None)
    args = parser.parse_args()
    root = Path(__file__).resolve().parents[1]
    folders = [Path(c) for c in (args.corpus or [root / "tests" / "realworld", root / "designer" / "samples"])]
    items = [item for folder in folders for item in definitions(folder)]
    n = len(items)
    started = time.perf_counter()
    entries = measure(items, "return_input")
    seconds = time.perf_counter() - started
    empty_fail = baseline(items, lambda d: {}, "fail")
    proposed_fail = baseline(items, lambda d: propose_input(d, run=False).input, "fail")
    empty_default = baseline(items, lambda d: {}, "return_input")
    reached = sum(e.reached for e in entries)
    print(f"{n} workflows from {', '.join(str(f) for f in folders)}")
    print(f"  input {{}}, no default answers (the peer):        {empty_fail:3d} reach an end ({empty_fail / n:.1%})")
    print(f"  input {{}}, unmocked Tasks return their input:    {empty_default:3d} ({empty_default / n:.1%})")
    print(f"  proposed input, no default answers:             {proposed_fail:3d} ({proposed_fail / n:.1%})")
    print(f"  proposed input, unmocked Tasks return input:    {reached:3d} ({reached / n:.1%}); "
          f"{reached / max(empty_fail, 1):.1f}x the peer")
    per = [e.seconds * 1000 for e in entries]
    print(f"  a proposal (up to 8 bounded runs): median {statistics.median(per):.1f} ms, max {max(per):.1f} ms, "
          f"all {seconds:.2f} s")
    print(report([e for e in entries if not e.reached]).split("\n", 2)[-1] if reached < n else "  every one reached an end")


if __name__ == "__main__":
    main()
