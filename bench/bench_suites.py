"""Test suites: 100 cases on the bank sample, coverage of W1–W4, suggested test cases for the samples.

    .venv/bin/python bench/bench_suites.py [--repeat 5]

1. A suite of 100 test cases on the bank sample (its three shipped cases and the four suggested
   ones, repeated with different application ids), each checked against its expectations, with
   coverage folded from every run's events. Target: under 1 s. The peer is the same 100 runs as
   bare ``Execution.run()`` calls (no expectations, no coverage), to show what suites add.
2. Coverage of W1–W4: the time to fold each workload's history into coverage, beside the time of
   the run that wrote it, with the events folded and the coverage found.
3. Suggested test cases for the three samples, starting from their first shipped case only and
   from all of them: uncovered Choice rules, Defaults and Catches, how many a suggestion reached
   (each one run before it is offered), how many were not found, and the time taken.
"""
from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from interpreter.definition import parse  # noqa: E402
from interpreter.execution import Execution  # noqa: E402
from interpreter.mocks import Mocks  # noqa: E402
from interpreter.testing.coverage import Coverage  # noqa: E402
from interpreter.testing.runner import Case, run_suite  # noqa: E402
from interpreter.testing.spec import read_spec  # noqa: E402
from interpreter.testing.suggest import suggest  # noqa: E402

SAMPLES = ROOT / "designer" / "samples"
WORKLOADS = HERE / "workloads"


def sample(slug: str):
    return [json.loads((SAMPLES / f"{slug}.{part}.json").read_text()) for part in ("asl", "mocks", "input")]


def best(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return min(samples), statistics.median(samples)


def bank_hundred() -> tuple[object, list[Case]]:
    definition, config, input_value = sample("account-application")
    machine = parse(definition)
    names = list(config["StateMachines"]["account-application"]["TestCases"])
    shipped = [Case(n, input_value, read_spec({"expect": {"status": "SUCCEEDED"}})[0], config, n) for n in names]
    found = suggest(machine, shipped)
    pool = shipped + [s.case() for s in found.found]
    cases = []
    for i in range(100):
        base = pool[i % len(pool)]
        data = copy.deepcopy(base.input)
        data["application"]["id"] = f"app-{i:04d}"
        cases.append(Case(f"{base.name} #{i}", data, base.spec, base.mock_config, base.mock_test_case))
    return machine, cases


def suite_of_100(repeat: int) -> None:
    machine, cases = bank_hundred()
    result = run_suite(machine, cases)
    low, median = best(lambda: run_suite(machine, cases), repeat)

    def bare():
        for case in cases:
            mocks = Mocks.from_config(case.mock_config, None, case.mock_test_case)
            Execution(machine, case.input, mocks=mocks, seed=0, start_time=0).run_to_callback()
    peer, _ = best(bare, repeat)
    cov = result.coverage.as_json()
    print("1. Suite of 100 cases on the bank sample")
    print(f"   {result.summary()}; coverage steps {cov['states']['percent']} %, paths {cov['edges']['percent']} %")
    print(f"   suite: {low:.3f} s best, {median:.3f} s median (target < 1 s)   "
          f"bare runs: {peer:.3f} s   suite / bare: {low / peer:.2f}x")


def coverage_of_workloads(repeat: int) -> None:
    print("2. Coverage of W1–W4 from their histories")
    print(f"   {'workload':<20}{'events':>9}{'run s':>9}{'coverage s':>12}{'ratio':>8}   covered")
    for name in ("W1_pass_chain", "W2_choice_loop", "W3_inline_map", "W4_parallel_loop"):
        machine = parse((WORKLOADS / f"{name}.asl.json").read_text())
        input_value = json.loads((WORKLOADS / f"{name}.input.json").read_text())
        holder = {}

        def run():
            # The workloads are longer than AWS's 25,000-event history allows: lifted, as bench_interpreter does.
            holder["ex"] = Execution(machine, input_value, seed=1, start_time=0, max_history_events=None).run()
        run_s, _ = best(run, repeat)
        events = holder["ex"].events
        cov_s, _ = best(lambda: Coverage(machine).add(events), repeat)
        cov = Coverage(machine).add(events).as_json()
        print(f"   {name:<20}{len(events):>9,}{run_s:>9.3f}{cov_s:>12.3f}{cov_s / run_s:>8.2f}   steps "
              f"{cov['states']['covered']}/{cov['states']['total']}, paths {cov['edges']['covered']}/{cov['edges']['total']}")


def suggestions_for_samples() -> None:
    print("3. Suggested test cases for the samples")
    print(f"   {'sample':<22}{'from':<12}{'uncovered':>10}{'reached':>9}{'not found':>11}{'seconds':>9}   paths covered after")
    for slug in ("account-application", "break-glass-access", "nutrition-labels"):
        definition, config, input_value = sample(slug)
        tests = SAMPLES / f"{slug}.tests.yaml"
        if tests.exists():
            import yaml
            input_value = (yaml.safe_load(tests.read_text()) or {}).get("input", input_value)
        machine = parse(definition)
        names = list(next(iter(config["StateMachines"].values()))["TestCases"])
        for label, chosen in (("first case", names[:1]), ("all cases", names)):
            cases = [Case(n, input_value, mock_config=config) for n in chosen]
            start = time.perf_counter()
            found = suggest(machine, cases)
            seconds = time.perf_counter() - start
            after = run_suite(machine, cases + [s.case() for s in found.found]).coverage.as_json()["edges"]
            print(f"   {slug:<22}{label:<12}{found.targets:>10}{len(found.found):>9}{len(found.not_found):>11}"
                  f"{seconds:>9.3f}   {after['covered']}/{after['total']}")
            for missing in found.not_found:
                print(f"      not found: {missing.target.id}: {missing.reason}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    suite_of_100(args.repeat)
    coverage_of_workloads(args.repeat)
    suggestions_for_samples()


if __name__ == "__main__":
    main()
