"""Whole-process figures, against the Node peers measured in the same run (issue 16):

    python bench/bench_scale.py [--sizes 200000,1000000] [--repeat 7]

W5 (parse, validate and start a 200-state definition): ``python -m interpreter run`` as a whole
process against @wmfs/statebox's (which does not validate) and aws-local-stepfunctions' whole
processes; best wall time of ``--repeat``. Python runs with its bytecode cache (in a temporary
directory, warmed once) as an installed package does; the row "no bytecode cache" compiles
every module on every start, as with PYTHONDONTWRITEBYTECODE.

W2 scaled (the Choice loop, to N transitions): peak resident memory and wall time of the CLI
without --history (no event kept), with --history (streamed to a file), and of
aws-local-stepfunctions running the same definition once. The peers are installed with npm into
~/.cache/statewise-bench when node and npm are present.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORKLOADS = HERE / "workloads"
PEER_DIR = Path.home() / ".cache" / "statewise-bench"
PEER_PACKAGES = ("aws-local-stepfunctions", "@wmfs/statebox")


def peer_modules() -> Path | None:
    if not (shutil.which("node") and shutil.which("npm")):
        return None
    modules = PEER_DIR / "node_modules"
    missing = [p for p in PEER_PACKAGES if not (modules / p).exists()]
    if missing:
        PEER_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--prefix", str(PEER_DIR), *missing],
                       check=False, capture_output=True, timeout=300)
    return modules if all((modules / p).exists() for p in PEER_PACKAGES) else None


def measure(cmd: list[str], env: dict | None = None, stdout=subprocess.DEVNULL) -> tuple[float, float, int]:
    """(wall seconds, peak resident MiB, exit status) of one whole process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=stdout, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def best(cmd: list[str], repeat: int, env: dict | None = None) -> tuple[float, float]:
    runs = [measure(cmd, env) for _ in range(repeat)]
    if any(status != 0 for _, _, status in runs):
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return min(r[0] for r in runs), max(r[1] for r in runs)


def python_env(cache: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    if cache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="statewise-nocache-")  # stays empty
    else:
        env["PYTHONPYCACHEPREFIX"] = cache
    return env


def count_events(path: Path) -> int:
    """Events in a --history file, read a piece at a time. Payloads inside events are JSON text
    in strings, where quotes are escaped: only an event's own key matches."""
    key, count, tail = b'"previousEventId":', 0, b""
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            data = tail + chunk
            count += data.count(key)
            tail = data[-(len(key) - 1):]  # too short to hold a whole key: one cut in two is found next time
    return count


def w2_definition(transitions: int, folder: Path) -> Path:
    machine = json.loads((WORKLOADS / "W2_choice_loop.asl.json").read_text())
    machine["States"]["Check"]["Choices"][0]["NumericLessThan"] = (transitions - 2) // 2
    path = folder / f"W2_{transitions}.asl.json"
    path.write_text(json.dumps(machine))
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="200000,1000000", help="W2 transitions, comma-separated")
    ap.add_argument("--repeat", type=int, default=7, help="W5 runs per row (best wall time)")
    args = ap.parse_args()
    modules = peer_modules()
    if modules is None:
        print("peers unavailable (needs node and npm): ours only\n")
    folder = Path(tempfile.mkdtemp(prefix="statewise-bench-"))
    env = python_env(str(folder / "pycache"))
    ours = [sys.executable, "-m", "interpreter", "run"]

    w5 = WORKLOADS / "W5_parse_start_200.asl.json"
    w5_input = WORKLOADS / "W5_parse_start_200.input.json"
    measure([*ours, str(w5), "--input", str(w5_input)], env)  # fills the bytecode cache
    rows = [("ours", best([*ours, str(w5), "--input", str(w5_input)], args.repeat, env)),
            ("ours, no bytecode cache", best([*ours, str(w5), "--input", str(w5_input)], args.repeat, python_env(None)))]
    if modules is not None:
        rows.append(("statebox", best(["node", str(HERE / "peers" / "statebox.mjs"), str(modules), str(w5),
                                       str(w5_input)], args.repeat)))
        rows.append(("aws-local-stepfunctions", best(["node", str(HERE / "peers" / "aws_local_stepfunctions.mjs"),
                                                      str(modules), str(w5), str(w5_input), "0"], args.repeat)))
    peers = {name: wall for name, (wall, _) in rows}
    print("W5 whole process (parse + validate + start a 200-state definition), best of", args.repeat)
    print(f"{'':28} {'wall s':>8} {'peak MiB':>9} {'/statebox':>10}")
    for name, (wall, peak) in rows:
        ratio = f"{wall / peers['statebox']:.2f}x" if "statebox" in peers else "-"
        print(f"{name:28} {wall:8.3f} {peak:9.0f} {ratio:>10}")

    print("\nW2 scaled, whole process: peak resident memory and wall time (one run each)")
    print(f"{'transitions':>11} {'':34} {'wall s':>8} {'peak MiB':>9} {'mem/peer':>9}")
    for transitions in (int(n) for n in args.sizes.split(",")):
        definition = w2_definition(transitions, folder)
        run = [*ours, str(definition), "--input", '{"count": 0}', "--max-history-events", "0"]
        found = {}
        found["ours, no --history"] = measure(run, env)
        history = folder / "history.json"
        with history.open("w") as out:
            found["ours, --history (streamed to a file)"] = measure([*run, "--history"], env, stdout=out)
        size = history.stat().st_size
        events = count_events(history)  # not json.load: this process's memory would pass to the next child
        history.unlink()
        if modules is not None:
            found["aws-local-stepfunctions"] = measure(
                ["node", str(HERE / "peers" / "aws_local_stepfunctions.mjs"), str(modules), str(definition),
                 str(WORKLOADS / "W2_choice_loop.input.json"), "0"])
        peer = found.get("aws-local-stepfunctions")
        for name, (wall, peak, status) in found.items():
            ratio = f"{peak / peer[1]:.2f}x" if peer else "-"
            note = "" if status in (0,) else f"  exit {status}"
            print(f"{transitions:11,} {name:34} {wall:8.2f} {peak:9.0f} {ratio:>9}{note}")
        plain, streamed = found["ours, no --history"][0], found["ours, --history (streamed to a file)"][0]
        print(f"{'':11} --history: {events:,} events, {size / 1e6:.0f} MB of JSON, "
              f"+{streamed - plain:.2f} s ({(streamed - plain) / plain:.0%} of the run without it)")
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
