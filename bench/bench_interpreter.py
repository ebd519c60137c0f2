"""Interpreter speed on workloads W1–W5, against aws-local-stepfunctions measured in the same run.

    python bench/bench_interpreter.py [--no-peer] [--workload W2_choice_loop]

W1 and W2 also run as JSONata machines (the same work written with {% %} expressions, same
output); the peer has no JSONata, so those rows compare with our own JSONPath run.

For each workload: checks the output, prints seconds (best of 5; caches cleared before each run,
so every run parses the definition text from scratch), transitions and events per second with
full history recorded, peak memory (a separate traced run), and the peer's first and warm times.
The peer is installed with npm into ~/.cache/statewise-bench when node and npm are present.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from interpreter import choice_rules, definition, intrinsics, jsonata_query, jsonpath, payload, validation  # noqa: E402
from interpreter.definition import parse  # noqa: E402
from interpreter.execution import Execution  # noqa: E402

WORKLOADS = HERE / "workloads"
PEER_DIR = Path.home() / ".cache" / "statewise-bench"
# What the issue quotes for aws-local-stepfunctions on "the same machine", for reference.
QUOTED_PEER = {"W1_pass_chain": 0.042, "W2_choice_loop": 0.25, "W3_inline_map": 0.089, "W4_parallel_loop": 0.16}
TARGET_W5 = 0.2


def clear_caches() -> None:
    jsonata_query.clear_caches()
    jsonpath.clear_caches()
    intrinsics.clear_caches()
    payload._dynamic_field.cache_clear()
    choice_rules._cached_leaf.cache_clear()
    definition.clear_validation_cache()
    validation.clear_caches()


def run_ours(text: str, input_value, repeat: int, cold: bool = True) -> tuple[float, Execution]:
    """``cold``: every repetition parses and validates from nothing; else what the process kept is used."""
    if not cold:
        parse(text)
    started = time.perf_counter()
    for _ in range(repeat):
        if cold:
            clear_caches()
        # W2 writes 40,006 events, past AWS's 25,000: timed with the limit lifted, as the CLI's
        # --max-history-events 0 does (the check per event is still made).
        execution = Execution(parse(text), input_value, seed=1, max_history_events=None)
        execution.run()
    return time.perf_counter() - started, execution


def peak_memory(text: str, input_value, repeat: int) -> int:
    tracemalloc.start()
    run_ours(text, input_value, repeat)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def peer_modules() -> Path | None:
    if not (shutil.which("node") and shutil.which("npm")):
        return None
    modules = PEER_DIR / "node_modules"
    if not (modules / "aws-local-stepfunctions").exists():
        PEER_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--prefix", str(PEER_DIR), "aws-local-stepfunctions"],
                       check=False, capture_output=True, timeout=300)
    return modules if (modules / "aws-local-stepfunctions").exists() else None


def run_peer(modules: Path, spec: dict, repeat: int) -> dict | None:
    proc = subprocess.run(["node", str(HERE / "peers" / "aws_local_stepfunctions.mjs"), str(modules),
                           str(WORKLOADS / spec["definition"]), str(WORKLOADS / spec["input"]), str(repeat)],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        return None
    return json.loads(proc.stdout)


def jsonata_variant(name: str, machine: dict) -> dict | None:
    """W1 / W2 rewritten in JSONata: every Pass's Parameters + ResultPath as one Output expression,
    the Choice rule as a Condition."""
    if name.startswith("W1"):
        states = {}
        for state_name, state in machine["States"].items():
            fields = ", ".join(f"'{k[:-2]}': $states.input.{_jsonata_path(v)}" if k.endswith(".$") else
                               f"'{k}': {json.dumps(v)}" for k, v in state["Parameters"].items())
            out = {"Type": "Pass", "Output": f"{{% $merge([$states.input, {{'last': {{{fields}}}}}]) %}}"}
            out.update({k: state[k] for k in ("Next", "End") if k in state})
            states[state_name] = out
        return {**machine, "QueryLanguage": "JSONata", "States": states}
    if name.startswith("W2"):
        return {"QueryLanguage": "JSONata", "StartAt": "Check", "States": {
            "Check": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.count < 10000 %}",
                                                     "Next": "Increment"}], "Default": "Done"},
            "Increment": {"Type": "Pass", "Output": {"count": "{% $states.input.count + 1 %}"}, "Next": "Check"},
            "Done": {"Type": "Succeed"}}}
    return None


def _jsonata_path(path: str) -> str:
    return path[2:]  # "$.items[0].id" -> "items[0].id": the same steps in JSONata


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--workload", action="append")
    args = ap.parse_args()
    manifest = json.loads((WORKLOADS / "manifest.json").read_text())
    modules = None if args.no_peer else peer_modules()
    if not args.no_peer and modules is None:
        print("peer: aws-local-stepfunctions unavailable (needs node and npm); ours only\n")
    print("ours s: caches cleared before every repetition (parse + validate + run from the text); "
          "kept s: compiled paths and the validator's verdict kept, as a server does\n")
    print(f"{'workload':20} {'ours s':>8} {'kept s':>8} {'trans/s':>10} {'events/s':>10} {'peak MB':>8} "
          f"{'peer 1st':>9} {'peer warm':>9} {'warm/ours':>9}  check")
    ok = True
    for name, spec in manifest.items():
        if args.workload and name not in args.workload:
            continue
        text = (WORKLOADS / spec["definition"]).read_text()
        input_value = json.loads((WORKLOADS / spec["input"]).read_text())
        expected = json.loads((WORKLOADS / spec["expected"]).read_text())
        repeat = spec["repeat"]
        # Each workload starts from a collected heap, without the previous one's histories (W2's
        # JSONata run keeps ~140,000 objects alive): otherwise every full collection during this
        # workload walks them, and its time depends on what ran before it.
        timings, execution, jexecution = [], None, None
        gc.collect()
        for _ in range(5):
            seconds, execution = run_ours(text, input_value, repeat)
            timings.append(seconds)
        best = min(timings)
        kept = min(run_ours(text, input_value, repeat, cold=False)[0] for _ in range(5))
        correct = execution.status == "SUCCEEDED" and execution.output == expected
        ok &= correct
        transitions = spec["transitions_per_execution"] * repeat
        events = len(execution.events) * repeat
        peak = peak_memory(text, input_value, repeat) / 1e6
        peer = run_peer(modules, spec, repeat) if modules else None
        peer_first = f"{peer['first']:.3f}" if peer else "-"
        peer_warm = f"{peer['seconds']:.3f}" if peer else "-"
        ratio = f"{peer['seconds'] / best:.1f}x" if peer else "-"
        note = "output ok" if correct else f"WRONG OUTPUT ({execution.status})"
        if name in QUOTED_PEER:
            note += f"; issue quotes peer {QUOTED_PEER[name]} s"
        if name.startswith("W5"):
            note += f"; target < {TARGET_W5} s"
        print(f"{name:20} {best:8.4f} {kept:8.4f} {transitions / best:10.0f} {events / best:10.0f} {peak:8.1f} "
              f"{peer_first:>9} {peer_warm:>9} {ratio:>9}  {note}")
        variant = jsonata_variant(name, json.loads(text))
        if variant is not None:
            jtext = json.dumps(variant)
            jbest, jexecution = min((run_ours(jtext, input_value, repeat) for _ in range(5)), key=lambda r: r[0])
            jkept = min(run_ours(jtext, input_value, repeat, cold=False)[0] for _ in range(5))
            jcorrect = jexecution.status == "SUCCEEDED" and jexecution.output == expected
            ok &= jcorrect
            jpeak = peak_memory(jtext, input_value, repeat) / 1e6
            print(f"{'  as JSONata':20} {jbest:8.4f} {jkept:8.4f} {transitions / jbest:10.0f} "
                  f"{len(jexecution.events) * repeat / jbest:10.0f} {jpeak:8.1f} {'-':>9} {'-':>9} {'-':>9}  "
                  f"{'output ok' if jcorrect else 'WRONG OUTPUT'}; {jbest / best:.1f}x our JSONPath time")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
