"""bench_abuse's ``dmap-100k`` case: a Distributed Map over 100,000 items (MaxConcurrency 1,000),
made and run through the HTTP API as a user would, while the prober asks for the workflow list.

The API takes items for an ItemReader the one way a user can give them: a saved test case's
mock config, whose ``S3Objects`` hold the object the Map reads (``interpreter/mocks.py``). The
request body carrying it is bounded by ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (5 MiB); 100,000 items
``{"id": n}`` are some 1.4 MB of JSON, so they go through whole (the line printed says the size).
The steps: create the workflow (``POST /api/workflows/``), save the test case, start a run of it,
``continue`` it and poll it to its end. Meanwhile the server's process tree (the server, its
workers, their runner and work-pool children) is read from ``/proc`` every half second: each
process's peak resident size (``VmHWM``), the largest sum of resident sizes seen at once, and the
CPU time the server process and its children used during the run.
"""
from __future__ import annotations

import json
import os
import threading
import time

from bench_dmap_webapp import definition

ITEMS = 100_000
CONCURRENCY = 1_000
BODY_BOUND = 5 * 1024 * 1024  # designer/settings.py DATA_UPLOAD_MAX_MEMORY_SIZE
RUN_TIMEOUT = 3600.0


TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> tuple[dict[int, list[int]], dict[int, float]]:
    """Each process's children, and each one's CPU seconds so far."""
    tree: dict[int, list[int]] = {}
    cpu: dict[int, float] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(name))
        cpu[int(name)] = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return tree, cpu


def _tree(root: int) -> tuple[list[int], dict[int, float]]:
    (tree, cpu), out, todo = _processes(), [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(tree.get(pid, []))
    return out, cpu


def _status_kb(pid: int) -> dict[str, int]:
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmHWM", "VmRSS"):
                    out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


class ServerTree:
    """Samples the process tree under ``root`` until stopped: memory, and CPU used meanwhile."""

    def __init__(self, root: int, interval: float = 0.5):
        self.root, self.interval = root, interval
        self.peaks: dict[int, int] = {}  # pid -> VmHWM kB, the largest seen
        self.at_once_kb = 0
        self.cpu: dict[int, float] = {}  # pid -> CPU seconds, the latest seen
        self.cpu_before: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self):
        total, first = 0, not self.cpu
        pids, cpu = _tree(self.root)
        for pid in pids:
            self.cpu_before.setdefault(pid, cpu.get(pid, 0.0) if first else 0.0)  # born later: all of it
            self.cpu[pid] = cpu.get(pid, self.cpu.get(pid, 0.0))
            status = _status_kb(pid)
            total += status.get("VmRSS", 0)
            self.peaks[pid] = max(self.peaks.get(pid, 0), status.get("VmHWM", 0))
        self.at_once_kb = max(self.at_once_kb, total)

    def _loop(self):
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self):
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()

    def summary(self) -> str:
        largest = max(self.peaks.values(), default=0)
        used = {pid: seconds - self.cpu_before.get(pid, 0.0) for pid, seconds in self.cpu.items()}
        server = used.get(self.root, 0.0)
        return (f"server tree peak: largest process {largest / 1024:.0f} MB, {len(self.peaks)} processes' peaks "
                f"summed {sum(self.peaks.values()) / 1024:.0f} MB, most resident at once "
                f"{self.at_once_kb / 1024:.0f} MB; "
                f"CPU: server process {server:.1f} s, its children {sum(used.values()) - server:.1f} s")


def abuse_dmap_100k(api, ctx: dict, seconds: float) -> str:
    stamp = f"{time.time():.0f}"
    status, workflow = api.call("POST", "/api/workflows/", {"name": f"Distributed Map 100k {stamp}",
                                                           "definition": definition(CONCURRENCY)})
    if status != 201:
        return f"create: {status} {str(workflow)[:80]}"
    config = {"S3Objects": {"in/items.json": [{"id": i} for i in range(ITEMS)]},
              "StateMachines": {"Bench": {"TestCases": {"Default": {}}}}, "MockedResponses": {}}
    body = {"name": "100k items", "mock_config": config, "mock_test_case": "Default"}
    size = len(json.dumps(body).encode())
    if size > BODY_BOUND:
        return f"{ITEMS:,} items are {size:,} bytes, past the API's {BODY_BOUND:,}-byte body bound"
    status, case = api.call("POST", f"/api/workflows/{workflow['id']}/test-cases/", body)
    if status != 201:
        return f"test case: {status} {str(case)[:80]}"
    with ServerTree(ctx["server_pid"]) as tree:
        started = time.monotonic()
        status, run = api.call("POST", f"/api/workflows/{workflow['id']}/executions/", {"test_case": case["id"]})
        if status != 201:
            return f"start: {status} {str(run)[:80]}"
        api.call("POST", f"/api/executions/{run['id']}/control/", {"command": "continue"})
        deadline = started + RUN_TIMEOUT
        while True:
            status, done = api.call("GET", f"/api/executions/{run['id']}/")
            if (status != 200 or done["status"] != "RUNNING" or done["mode"] != "continuing"
                    or time.monotonic() > deadline):
                break
            time.sleep(0.5)
        took = time.monotonic() - started
    if status != 200:
        return f"poll: {status} {str(done)[:80]}"
    why = f" ({done.get('error')}: {str(done.get('cause'))[:60]})" if done.get("error") else ""
    stop = f" (stopped: {str(done.get('stopReason'))[:60]})" if done["status"] == "RUNNING" else ""
    return (f"{ITEMS:,} items ({size / 1e6:.1f} MB test case), MaxConcurrency {CONCURRENCY:,}: {done['status']} "
            f"after {done['lastSeq']} events in {took:.1f} s{why}{stop}; {tree.summary()}")
