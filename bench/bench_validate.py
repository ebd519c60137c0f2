"""Time the validator on the W1 (1,000 states) and W5 (200 states) workloads; run by hand.

    .venv/bin/python bench/bench_validate.py [--repeat 15]

For each workload it prints min and median milliseconds of ``validate`` on the parsed
definition, of ``validate_text`` on the file's text, and of two peers measured in the same run:
``json.loads`` of the same text, and plain ``jsonschema`` validation of the same definition with
our own schema (``interpreter/validation/schema.py``). Targets: W1 under 50 ms, W5 under 1 ms.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from interpreter.validation import validate, validate_text  # noqa: E402
from interpreter.validation.schema import schema_errors  # noqa: E402

WORKLOADS = {"W1 (1,000 states)": "W1_pass_chain.asl.json", "W5 (200 states)": "W5_parse_start_200.asl.json"}


def timings(fn, repeat: int) -> tuple[float, float]:
    fn()  # warm caches, as the interpreter's parser would after its first definition
    runs = max(1, int(0.02 / max(_once(fn), 1e-7)))  # batch fast calls so the clock can see them
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(runs):
            fn()
        samples.append((time.perf_counter() - start) / runs * 1000)
    return min(samples), statistics.median(samples)


def _once(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    for label, name in WORKLOADS.items():
        text = (ROOT / "bench" / "workloads" / name).read_text(encoding="utf-8")
        definition = json.loads(text)
        assert not [d for d in validate(definition) if d.severity == "error"], f"{name} should be valid"
        ours = timings(lambda: validate(definition), args.repeat)
        ours_text = timings(lambda: validate_text(text), args.repeat)
        loads = timings(lambda: json.loads(text), args.repeat)
        schema = timings(lambda: schema_errors(definition), max(3, args.repeat // 3))
        print(f"{label}")
        print(f"  validate(definition)     min {ours[0]:8.3f} ms   median {ours[1]:8.3f} ms")
        print(f"  validate_text(text)      min {ours_text[0]:8.3f} ms   median {ours_text[1]:8.3f} ms")
        print(f"  peer json.loads(text)    min {loads[0]:8.3f} ms   median {loads[1]:8.3f} ms"
              f"   validate / json.loads = {ours[0] / loads[0]:.1f}x")
        print(f"  peer jsonschema (ours)   min {schema[0]:8.3f} ms   median {schema[1]:8.3f} ms"
              f"   jsonschema / validate = {schema[0] / ours[0]:.1f}x")


if __name__ == "__main__":
    main()
