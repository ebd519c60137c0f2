"""Live simulation under load: many websocket viewers of one run, on a real server process.

    python bench/bench_live.py [--clients 50] [--paced-seconds 10] [--redis redis://127.0.0.1:6379/12]

1. Full speed: W2 (a Choice loop of 20,002 transitions; the web app ends it, as AWS does, at its
   25,000th event with States.Runtime) continued as fast as the server goes while ``--clients`` websocket clients watch. Every client must receive every
   event, in order, none twice; prints events/s delivered (all clients together, and per client)
   and the persist→receipt delay (p50/p95/p99) per event.
2. Paced: the same workflow at 20 transitions/s for ``--paced-seconds``; prints the p50, p95 and p99
   delays (the target: p99 under 50 ms).

"Persist" is the moment the server published the batch, right after its transaction committed
(the frame's ``sentAt``), "receipt" the moment a client has read and parsed the frame: the delay
is the channel layer, the consumers, the sockets and the client. Server and clients share the
machine (and its clock). Uses a fresh SQLite file unless DATABASE_URL is set.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKLOADS = ROOT / "bench" / "workloads"
ENDED = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


def setup_database(url: str) -> dict:
    """Migrate, then create a user, the W2 workflow and a session cookie (in this process)."""
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")
    # This script's few ORM calls sit between awaits; the server process does not get this.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from designer import services

    user, _ = get_user_model().objects.get_or_create(username="bench")
    definition = json.loads((WORKLOADS / "W2_choice_loop.asl.json").read_text())
    workflow = services.workflow_create(owner=user, name=f"W2 bench {time.time():.0f}", definition=definition)
    client = Client()
    client.force_login(user)
    return {"user": user, "workflow": workflow,
            "cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"}


def start_run(ctx: dict, speed: float):
    from designer import simulation

    execution, _ = simulation.execution_start(user=ctx["user"], workflow=ctx["workflow"],
                                              input=json.loads((WORKLOADS / "W2_choice_loop.input.json").read_text()),
                                              speed=speed, seed=1)
    return execution


class Watcher:
    def __init__(self, index: int):
        self.index = index
        self.seqs: list[int] = []
        self.delays: list[float] = []  # one per event
        self.frames = 0
        self.done_at: float | None = None
        self.status = ""
        self.sent: list[float] = []  # sentAt of each frame: when the server wrote it

    async def watch(self, ws, until_status: tuple[str, ...] | None, stop: asyncio.Event):
        from designer.wsclient import ConnectionClosed

        while not stop.is_set():
            try:
                # No timeout around recv(): cancelling it mid-frame would lose the frame.
                text = await ws.recv()
            except (ConnectionClosed, asyncio.IncompleteReadError):
                return
            now = time.time()
            frame = json.loads(text)
            if frame.get("type") != "events":
                continue
            self.frames += 1
            events = frame["events"]
            self.seqs.extend(e["id"] for e in events)
            if "sentAt" in frame:
                self.delays.extend([now - frame["sentAt"]] * len(events))
                self.sent.append(frame["sentAt"])
            state = frame.get("execution") or {}
            self.status = state.get("status", self.status)
            if until_status and self.status in until_status:
                self.done_at = now
                return


async def connect_all(server, execution_id: int, cookie: str, n: int):
    from designer.wsclient import WebSocketClient

    clients = []
    for _ in range(n):
        ws = await WebSocketClient.connect(f"{server.ws_url}/ws/executions/{execution_id}/?after=0",
                                           headers={"Cookie": cookie, "Origin": server.url})
        hello = await ws.recv_json()
        assert hello["type"] == "hello", hello
        replay = await ws.recv_json()  # the run's first event
        assert replay["type"] == "events" and replay["events"][0]["id"] == 1, replay
        clients.append(ws)
    return clients


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def full_speed(server, ctx, n: int) -> dict:
    execution = start_run(ctx, speed=0)
    clients = await connect_all(server, execution.pk, ctx["cookie"], n)
    watchers = [Watcher(i) for i in range(n)]
    stop = asyncio.Event()
    # W2's 40,006 events pass AWS's 25,000: the run ends FAILED (States.Runtime) at the limit.
    tasks = [asyncio.create_task(w.watch(ws, ENDED, stop)) for w, ws in zip(watchers, clients)]
    started = time.time()
    await clients[0].send_json({"command": "continue", "id": 1})
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=600)
    finally:
        stop.set()
    finished = max(w.done_at or time.time() for w in watchers)
    execution.refresh_from_db()
    expected = list(range(2, execution.last_seq + 1))
    complete = sum(1 for w in watchers if w.seqs == expected)
    for ws in clients:
        await ws.close()
    delivered = sum(len(w.seqs) for w in watchers)
    delays = [d for w in watchers for d in w.delays]
    written = max(max(w.sent) for w in watchers) - started
    return {"status": execution.status, "events": execution.last_seq, "clients": n, "complete_in_order": complete,
            "written_s": written,
            "seconds": finished - started, "delivered_per_s": delivered / (finished - started),
            "per_client_per_s": len(expected) / (finished - started),
            "frames_per_client": statistics.mean(w.frames for w in watchers),
            "p50_ms": pct(delays, 50) * 1000, "p95_ms": pct(delays, 95) * 1000, "p99_ms": pct(delays, 99) * 1000, "max_ms": max(delays) * 1000}


async def paced(server, ctx, n: int, seconds: float, speed: float = 20) -> dict:
    execution = start_run(ctx, speed=speed)
    clients = await connect_all(server, execution.pk, ctx["cookie"], n)
    watchers = [Watcher(i) for i in range(n)]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(w.watch(ws, None, stop)) for w, ws in zip(watchers, clients)]
    await clients[0].send_json({"command": "continue", "id": 1})
    await asyncio.sleep(seconds)
    await clients[0].send_json({"command": "pause", "id": 2})
    await asyncio.sleep(0.5)
    stop.set()
    for task in tasks:
        task.cancel()  # the run is paused: nothing more is coming
    await asyncio.gather(*tasks, return_exceptions=True)
    execution.refresh_from_db()
    got = [w.seqs for w in watchers]
    in_order = sum(1 for s in got if s == list(range(2, 2 + len(s))) and len(s) >= len(got[0]) - 2)
    for ws in clients:
        await ws.close()
    delays = [d for w in watchers for d in w.delays]
    return {"speed": speed, "transitions": (execution.last_seq - 1) // 2, "clients": n, "in_order": in_order,
            "p50_ms": pct(delays, 50) * 1000, "p95_ms": pct(delays, 95) * 1000, "p99_ms": pct(delays, 99) * 1000, "max_ms": max(delays) * 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--paced-seconds", type=float, default=10)
    parser.add_argument("--redis", default=None, help="use channels-redis at this URL (default: in-memory layer)")
    parser.add_argument("--only", choices=["full", "paced"], help="run one of the two parts")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="statewise-bench-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    ctx = setup_database(url)
    from designer.devservers import ServerProcess

    server = ServerProcess(database_url=url, redis_url=args.redis, kind="daphne").start()
    try:
        print(f"server: daphne pid {server.process.pid}, {'Redis ' + args.redis if args.redis else 'in-memory layer'}, "
              f"{url.split(':')[0]}; {args.clients} clients; {os.cpu_count()} CPUs shared by server and clients")
        ok = True
        if args.only != "paced":
            ok = report_full(asyncio.run(full_speed(server, ctx, args.clients)))
        if args.only != "full":
            report_paced(asyncio.run(paced(server, ctx, args.clients, args.paced_seconds)), args.paced_seconds)
        return 0 if ok else 1
    finally:
        server.stop()
        tmp.cleanup()


def report_full(fast: dict) -> bool:
    print(f"full speed W2: {fast['status']}, {fast['events']} events, {fast['clients']} clients, "
          f"{fast['complete_in_order']}/{fast['clients']} received every event in order")
    print(f"  {fast['seconds']:.2f} s from continue to the last client's last event; "
          f"{fast['delivered_per_s']:,.0f} events/s delivered in all ({fast['per_client_per_s']:,.0f} per client); "
          f"{fast['frames_per_client']:.0f} frames per client")
    print(f"  the server wrote the whole run in {fast['written_s']:.2f} s "
          f"({fast['events'] / fast['written_s']:,.0f} events/s persisted and published)")
    print(f"  persist→receipt delay per event: p50 {fast['p50_ms']:.0f} ms, p95 {fast['p95_ms']:.0f} ms, "
          f"p99 {fast['p99_ms']:.0f} ms, "
          f"max {fast['max_ms']:.0f} ms")
    return fast["complete_in_order"] == fast["clients"] and fast["status"] in ENDED


def report_paced(slow: dict, seconds: float) -> None:
    verdict = "meets" if slow["p99_ms"] < 50 else "MISSES"
    print(f"paced W2 at {slow['speed']:g} transitions/s for {seconds:g} s: {slow['transitions']} "
          f"transitions, {slow['in_order']}/{slow['clients']} clients in order")
    print(f"  persist→receipt delay: p50 {slow['p50_ms']:.1f} ms, p95 {slow['p95_ms']:.1f} ms, "
          f"p99 {slow['p99_ms']:.1f} ms "
          f"(target < 50 ms: {verdict}), max {slow['max_ms']:.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
