"""Distributed Map scaling: time per item at 1k, 10k and 100k items, against aws-local-stepfunctions
measured in the same run.

    python bench/bench_distributed_map.py [--no-peer] [--sizes 1000,10000,100000] [--concurrency 1000]

Each child runs two Pass states (one computes with an intrinsic). Ours reads the items with an
ItemReader from the mocked S3 service and writes the results with a ResultWriter, as a run of
that size must at AWS (a state's input and output are capped at 256 KiB); the peer has no S3, so
it gets the same items inline (ItemsPath) and returns the results as the state's output. Both run
with the same MaxConcurrency. Prints seconds (best of 3, parse included), microseconds per item,
the peer's warm time and the ratio, then the exponent of time against items (1.0: linear). Children's histories go to a sink that drops
them as they end (as the web app does); ``--keep-histories`` keeps them all in memory, and the
garbage collector's passes over them then make the time grow faster than the items.

    python bench/bench_distributed_map.py --cli 1000000 [--child-histories]

runs the same workflow as a whole ``python -m interpreter run`` process over that many items (the
items in the mock config's S3 objects) and prints its wall time and peak resident memory (target
under 1 GB at a million); ``--child-histories`` also writes every child's history to a JSON
Lines file (``run --child-histories``) and prints its size.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_interpreter import peer_modules  # noqa: E402
from interpreter import map_run  # noqa: E402
from interpreter.definition import parse  # noqa: E402
from interpreter.execution import Execution  # noqa: E402
from interpreter.mocks import Mocks  # noqa: E402
from interpreter.s3 import S3Objects  # noqa: E402

PROCESSOR = {"StartAt": "Work", "States": {
    "Work": {"Type": "Pass", "Parameters": {"id.$": "$.id", "double.$": "States.MathAdd($.id, $.id)"},
             "Next": "Done"},
    "Done": {"Type": "Pass", "End": True}}}


def machine(concurrency: int, ours: bool) -> dict:
    state = {"Type": "Map", "MaxConcurrency": concurrency, "End": True,
             "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, **PROCESSOR}}
    if ours:
        state["ItemReader"] = {"Resource": "arn:aws:states:::s3:getObject",
                               "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket": "in", "Key": "items.json"}}
        state["ResultWriter"] = {"Resource": "arn:aws:states:::s3:putObject",
                                 "Parameters": {"Bucket": "out", "Prefix": "results"}}
    else:
        state["ItemsPath"] = "$.items"
    return {"StartAt": "Fan", "States": {"Fan": state}}


def items(n: int) -> list:
    return [{"id": i} for i in range(n)]


def run_ours(n: int, concurrency: int, keep: bool = False) -> tuple[float, Execution]:
    text = json.dumps(machine(concurrency, True))
    body = json.dumps(items(n))
    started = time.perf_counter()
    ex = Execution(parse(text), {}, mocks=Mocks(s3=S3Objects({"in/items.json": body})), seed=1)
    if not keep:  # each child's history handed out as it ends, as the web app and a streaming CLI do
        map_run.set_sink(ex, map_run.drop_history)
    ex.run()
    return time.perf_counter() - started, ex


def run_peer(modules: Path, n: int, concurrency: int) -> float | None:
    import subprocess

    with tempfile.TemporaryDirectory() as tmp:
        definition, data = Path(tmp) / "d.json", Path(tmp) / "i.json"
        definition.write_text(json.dumps(machine(concurrency, False)))
        data.write_text(json.dumps({"items": items(n)}))
        proc = subprocess.run(["node", str(HERE / "peers" / "aws_local_stepfunctions.mjs"), str(modules),
                               str(definition), str(data), "1"], capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        return None
    out = json.loads(proc.stdout)
    assert len(out["output"]) == n
    return out["seconds"]


def run_cli(n: int, concurrency: int, histories: bool) -> int:
    """One whole CLI process over ``n`` items: its wall time and peak RSS (from wait4)."""
    import os
    import subprocess

    with tempfile.TemporaryDirectory() as tmp:
        definition, config, out = Path(tmp) / "d.json", Path(tmp) / "m.json", Path(tmp) / "children.jsonl"
        definition.write_text(json.dumps(machine(concurrency, True)))
        config.write_text(json.dumps({"S3Objects": {"in/items.json": items(n)},
                                      "StateMachines": {"Bench": {"TestCases": {"Default": {}}}},
                                      "MockedResponses": {}}))
        command = [sys.executable, "-m", "interpreter", "run", str(definition), "--mock-config", str(config)]
        if histories:
            command += ["--child-histories", str(out)]
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=HERE.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        result = json.loads(proc.stdout.read() or "{}")
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak_mb = usage.ru_maxrss / 1024
        print(f"CLI, {n} items, MaxConcurrency {concurrency}: {result.get('status')} in {seconds:.1f} s "
              f"({seconds / n * 1e6:.1f} us/item), peak RSS {peak_mb:.0f} MB (target < 1024 MB)")
        if histories:
            lines = sum(1 for _ in out.open())
            print(f"child histories: {lines} lines, {out.stat().st_size / 1e6:.0f} MB")
        return 0 if result.get("status") == "SUCCEEDED" and peak_mb < 1024 else 1


def exponent(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(time) against log(items)."""
    xs, ys = [math.log(n) for n, _ in points], [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--concurrency", type=int, default=1000)
    ap.add_argument("--keep-histories", action="store_true",
                    help="children keep their histories in memory (the library's default without a sink)")
    ap.add_argument("--cli", type=int, metavar="N", help="one whole CLI process over N items instead")
    ap.add_argument("--child-histories", action="store_true", help="with --cli: write the children's histories")
    args = ap.parse_args()
    if args.cli:
        return run_cli(args.cli, args.concurrency, args.child_histories)
    sizes = [int(s) for s in args.sizes.split(",")]
    modules = None if args.no_peer else peer_modules()
    if not args.no_peer and modules is None:
        print("peer: aws-local-stepfunctions unavailable (needs node and npm); ours only\n")
    print(f"MaxConcurrency {args.concurrency}; seconds are the best of 3 (ours) and the best warm run (peer)\n")
    print(f"{'items':>8} {'ours s':>8} {'us/item':>8} {'peer s':>8} {'us/item':>8} {'peer/ours':>9}  check")
    ours_points, peer_points, ok = [], [], True
    for n in sizes:
        best, ex = min((run_ours(n, args.concurrency, args.keep_histories) for _ in range(3 if n <= 10_000 else 1)), key=lambda r: r[0])
        (run,) = ex.map_runs.values()
        counts = run.describe()["executionCounts"]
        correct = ex.status == "SUCCEEDED" and counts["succeeded"] == n
        ok &= correct
        ours_points.append((n, best))
        peer = run_peer(modules, n, args.concurrency) if modules else None
        if peer:
            peer_points.append((n, peer))
        ratio = f"{peer / best:.2f}x" if peer else "-"
        peer_text = f"{peer:8.3f} {peer / n * 1e6:8.1f}" if peer else f"{'-':>8} {'-':>8}"
        print(f"{n:>8} {best:8.3f} {best / n * 1e6:8.1f} {peer_text} {ratio:>9}  "
              f"{'ok' if correct else 'WRONG: ' + ex.status}")
    if len(ours_points) > 1:
        line = f"\nexponent (time ~ items^k): ours k={exponent(ours_points):.2f}"
        if len(peer_points) > 1:
            line += f", peer k={exponent(peer_points):.2f}"
        print(line + "  (1.00: linear)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
