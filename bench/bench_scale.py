"""Whole-process figures, against the Node peers measured in the same run (issue 16):

    python bench/bench_scale.py [--sizes 200000,1000000] [--repeat 7] [--only w5|w1-w4|w2] [--peer-max 200000]

W5 (parse, validate and start a 200-state definition): ``python -m interpreter run`` as a whole
process against @wmfs/statebox's (which does not validate) and aws-local-stepfunctions' whole
processes; best wall time and best CPU time of ``--repeat``. The first row runs with the project
byte-compiled beforehand, as ``make install`` leaves it (``compileall``, into a temporary cache
directory); the row "no bytecode cache" compiles every module on every start, as a checkout
never byte-compiled under PYTHONDONTWRITEBYTECODE does.

W1-W4: each workload as one whole process, ours with --history (streamed, every event written),
against aws-local-stepfunctions' whole process running it once.

W2 scaled (the Choice loop, to N transitions): peak resident memory and wall time of the CLI
without --history (no event kept), with --history (streamed to a file), with
--history-format jsonl, and of aws-local-stepfunctions running the same definition once. The peers are installed with npm into
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


def measure(cmd: list[str], env: dict | None = None, stdout=subprocess.DEVNULL) -> tuple[float, float, int, float]:
    """(wall seconds, peak resident MiB, exit status, CPU seconds: user + system) of one whole process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=stdout, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return (time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status),
            usage.ru_utime + usage.ru_stime)


def best(cmd: list[str], repeat: int, env: dict | None = None) -> tuple[float, float, float]:
    """(best wall seconds, highest peak MiB, best CPU seconds) of ``repeat`` runs. CPU time is
    the steadier figure on a busy machine: waiting for a core is not counted."""
    runs = [measure(cmd, env) for _ in range(repeat)]
    if any(r[2] != 0 for r in runs):
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return min(r[0] for r in runs), max(r[1] for r in runs), min(r[3] for r in runs)


def python_env(cache: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    if cache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="statewise-nocache-")  # stays empty
    else:
        env["PYTHONPYCACHEPREFIX"] = cache
        # What `make install` does: byte-compile the project once, whatever PYTHONDONTWRITEBYTECODE says.
        subprocess.run([sys.executable, "-m", "compileall", "-q", "interpreter"], cwd=ROOT, env=env, check=True)
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


def peer_cmd(modules: Path, definition: Path, input_path: Path) -> list[str]:
    return ["node", str(HERE / "peers" / "aws_local_stepfunctions.mjs"), str(modules), str(definition),
            str(input_path), "0"]


def w5(ours: list[str], env: dict, modules: Path | None, repeat: int) -> None:
    w5 = WORKLOADS / "W5_parse_start_200.asl.json"
    w5_input = WORKLOADS / "W5_parse_start_200.input.json"
    run = [*ours, str(w5), "--input", str(w5_input)]
    rows = [("ours, byte-compiled (make install)", best(run, repeat, env)),
            ("ours, no bytecode cache", best(run, repeat, python_env(None)))]
    if modules is not None:
        rows.append(("statebox", best(["node", str(HERE / "peers" / "statebox.mjs"), str(modules), str(w5),
                                       str(w5_input)], repeat)))
        rows.append(("aws-local-stepfunctions", best(peer_cmd(modules, w5, w5_input), repeat)))
    peers = dict(rows)
    print("W5 whole process (parse + validate + start a 200-state definition), best of", repeat)
    print(f"{'':36} {'wall s':>8} {'/statebox':>10} {'CPU s':>7} {'/statebox':>10} {'peak MiB':>9}")
    for name, (wall, peak, cpu) in rows:
        ratio = f"{wall / peers['statebox'][0]:.2f}x" if "statebox" in peers else "-"
        cpu_ratio = f"{cpu / peers['statebox'][2]:.2f}x" if "statebox" in peers else "-"
        print(f"{name:36} {wall:8.3f} {ratio:>10} {cpu:7.3f} {cpu_ratio:>10} {peak:9.0f}")


def w1_w4(ours: list[str], env: dict, modules: Path | None, repeat: int) -> None:
    """Each workload once per process, ours with --history (streamed, counted) against the peer's
    whole process (which keeps its own log of events, and prints only the output)."""
    manifest = json.loads((WORKLOADS / "manifest.json").read_text())
    print(f"\nW1-W4 whole process, ours with --history, best of {repeat}")
    print(f"{'workload':20} {'ours s':>8} {'ours CPU':>9} {'events':>8} {'peer s':>8} {'peer CPU':>9} "
          f"{'ours/peer':>10} {'CPU ratio':>10}")
    for name, spec in manifest.items():
        if name.startswith("W5"):
            continue
        definition, input_path = WORKLOADS / spec["definition"], WORKLOADS / spec["input"]
        run = [*ours, str(definition), "--input", str(input_path), "--history", "--max-history-events", "0"]
        wall, _, cpu = best(run, repeat, env)
        history = Path(tempfile.mkdtemp(prefix="statewise-w1-w4-")) / "history.json"
        with history.open("w") as out:  # to a file: held here, the history would raise later children's peak
            subprocess.run(run, cwd=ROOT, env=env, stdout=out, check=True)
        events = count_events(history)
        shutil.rmtree(history.parent)
        peer = best(peer_cmd(modules, definition, input_path), repeat) if modules is not None else None
        ratios = (f"{wall / peer[0]:9.2f}x {cpu / peer[2]:9.2f}x" if peer else f"{'-':>10} {'-':>10}")
        print(f"{name:20} {wall:8.3f} {cpu:9.3f} {events:8,} {peer[0] if peer else float('nan'):8.3f} "
              f"{peer[2] if peer else float('nan'):9.3f} {ratios}")


def best_of(repeat: int, cmd: list[str], env: dict | None = None, stdout=subprocess.DEVNULL) -> tuple:
    """measure()'s figures over ``repeat`` runs: best wall and CPU time, highest peak, worst exit status.
    A file given as ``stdout`` is emptied before each run."""
    runs = []
    for _ in range(repeat):
        if stdout is not subprocess.DEVNULL:
            stdout.seek(0)
            stdout.truncate()
        runs.append(measure(cmd, env, stdout=stdout))
    return (min(r[0] for r in runs), max(r[1] for r in runs), max((r[2] for r in runs), key=abs),
            min(r[3] for r in runs))


def w2_scaled(ours: list[str], env: dict, modules: Path | None, sizes: list[int], folder: Path,
              peer_max: int) -> None:
    print("\nW2 scaled, whole process: peak resident memory, wall and CPU time (best of 3 up to --peer-max, "
          "else one run)")
    print(f"{'transitions':>11} {'':36} {'wall s':>8} {'CPU s':>7} {'peak MiB':>9} {'time/peer':>10} {'mem/peer':>9}")
    for transitions in sizes:
        definition = w2_definition(transitions, folder)
        run = [*ours, str(definition), "--input", '{"count": 0}', "--max-history-events", "0"]
        repeat = 3 if transitions <= peer_max else 1
        found = {"ours, no --history": best_of(repeat, run, env)}
        history, written = folder / "history.json", {}
        for label, extra in (("ours, --history (streamed to a file)", ["--history"]),
                             ("ours, --history-format jsonl", ["--history-format", "jsonl"])):
            with history.open("w") as out:
                found[label] = best_of(repeat, [*run, *extra], env, stdout=out)
            # Counted, not json.load-ed: this process's memory would pass on to the next child.
            written[label] = (count_events(history), history.stat().st_size)
            history.unlink()
        if modules is not None and transitions > peer_max:
            print(f"{transitions:11,} aws-local-stepfunctions not run (over --peer-max {peer_max:,}; at 1,000,000 "
                  f"it had not finished after 400 s)")
        elif modules is not None:
            found["aws-local-stepfunctions"] = best_of(repeat, peer_cmd(modules, definition,
                                                                        WORKLOADS / "W2_choice_loop.input.json"))
        peer = found.get("aws-local-stepfunctions")
        for name, (wall, peak, status, cpu) in found.items():
            ratios = f"{wall / peer[0]:9.2f}x {peak / peer[1]:8.2f}x" if peer else f"{'-':>10} {'-':>9}"
            note = "" if status == 0 else f"  exit {status}"
            print(f"{transitions:11,} {name:36} {wall:8.2f} {cpu:7.2f} {peak:9.0f} {ratios}{note}")
        plain = found["ours, no --history"][3]
        for label, (events, size) in written.items():
            streamed = found[label][3]
            print(f"{'':11} {label[6:]}: {events:,} events, {size / 1e6:.0f} MB, "
                  f"+{streamed - plain:.2f} CPU s ({(streamed - plain) / plain:.0%} of the run without it)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="200000,1000000", help="W2 transitions, comma-separated")
    ap.add_argument("--repeat", type=int, default=7, help="W5 runs per row (best wall time)")
    ap.add_argument("--peer-max", type=int, default=200_000, help="W2: run the peer up to this many transitions")
    ap.add_argument("--only", choices=("w5", "w1-w4", "w2"), action="append", help="these parts only")
    args = ap.parse_args()
    modules = peer_modules()
    if modules is None:
        print("peers unavailable (needs node and npm): ours only\n")
    folder = Path(tempfile.mkdtemp(prefix="statewise-bench-"))
    env = python_env(str(folder / "pycache"))
    ours = [sys.executable, "-m", "interpreter", "run"]
    parts = args.only or ("w5", "w1-w4", "w2")
    if "w5" in parts:
        w5(ours, env, modules, args.repeat)
    if "w1-w4" in parts:
        w1_w4(ours, env, modules, max(3, args.repeat // 2))
    if "w2" in parts:
        w2_scaled(ours, env, modules, [int(n) for n in args.sizes.split(",")], folder, args.peer_max)
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
