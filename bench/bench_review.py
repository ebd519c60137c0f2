"""Live review under load: 50 pages open on one workflow, comments posted one after another.

    python bench/bench_review.py [--clients 50] [--comments 40] [--paced-seconds 10] [--redis URL]

For each comment: the time from the moment its POST leaves (through the REST API, token auth,
as a script or another page would) until every one of the ``--clients`` open pages (websockets on
``/ws/workflows/<id>/feed/``) has received and parsed the frame carrying it; prints p50, p99 and
the worst of those "all pages show it" times, and checks every page got every comment once, in
order. Then, in the same run and on the same server, bench_live's paced run-event figure (a W2 run
at 20 transitions/s watched by as many clients), printed beside it.

Server and clients share the machine. Uses a fresh SQLite file unless DATABASE_URL is set.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_live  # noqa: E402  (the run-event figure, and its set-up)

SAMPLE = Path(__file__).resolve().parent.parent / "designer" / "samples" / "account-application.asl.json"


def setup_review(ctx: dict) -> dict:
    """A workflow for the comments and an API token for the poster."""
    from rest_framework.authtoken.models import Token

    from designer import services

    definition = json.loads(SAMPLE.read_text())
    workflow = services.workflow_create(owner=ctx["user"], name=f"Review bench {time.time():.0f}", definition=definition)
    token, _ = Token.objects.get_or_create(user=ctx["user"])
    return {"workflow": workflow, "token": token.key}


class Page:
    """One open page of the workflow: when each comment reached it."""

    def __init__(self):
        self.arrived: dict[int, float] = {}
        self.order: list[int] = []

    async def watch(self, ws, stop: asyncio.Event):
        from designer.wsclient import ConnectionClosed

        while not stop.is_set():
            try:
                text = await ws.recv()
            except (ConnectionClosed, asyncio.IncompleteReadError):
                return
            now = time.time()
            frame = json.loads(text)
            if frame.get("type") == "activity" and frame.get("comment"):
                ident = frame["comment"]["id"]
                self.order.append(ident)
                self.arrived.setdefault(ident, now)


def post_comment(server, workflow_id: int, token: str, n: int) -> int:
    body = json.dumps({"text": f"Comment {n}: is this step right?", "state": "Check Address"}).encode()
    request = urllib.request.Request(f"{server.url}/api/workflows/{workflow_id}/comments/", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["id"]


async def comments_seen(server, ctx: dict, review: dict, clients: int, count: int) -> dict:
    from designer.wsclient import WebSocketClient

    workflow = review["workflow"]
    sockets = []
    for _ in range(clients):
        ws = await WebSocketClient.connect(f"{server.ws_url}/ws/workflows/{workflow.pk}/feed/?page=editor",
                                           headers={"Cookie": ctx["cookie"], "Origin": server.url})
        hello = await ws.recv_json()
        assert hello["type"] == "hello", hello
        sockets.append(ws)
    pages = [Page() for _ in sockets]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(p.watch(ws, stop)) for p, ws in zip(pages, sockets)]
    await asyncio.sleep(1.0)  # let the presence frames of 50 arrivals settle
    sent: dict[int, float] = {}
    for n in range(count):
        started = time.time()
        ident = await asyncio.to_thread(post_comment, server, workflow.pk, review["token"], n)
        sent[ident] = started
        deadline = time.time() + 30
        while time.time() < deadline and not all(ident in p.arrived for p in pages):
            await asyncio.sleep(0.002)
        await asyncio.sleep(0.05)
    stop.set()
    for ws in sockets:
        await ws.close()
    await asyncio.gather(*tasks, return_exceptions=True)
    all_shown = []
    for ident, started in sent.items():
        times = [p.arrived.get(ident) for p in pages]
        all_shown.append((max(times) - started) if None not in times else float("inf"))
    expected = list(sent)
    return {"clients": clients, "comments": count,
            "complete": sum(1 for p in pages if p.order == expected),
            "p50_ms": bench_live.pct(all_shown, 50) * 1000, "p99_ms": bench_live.pct(all_shown, 99) * 1000,
            "max_ms": max(all_shown) * 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--comments", type=int, default=40)
    parser.add_argument("--paced-seconds", type=float, default=10)
    parser.add_argument("--redis", default=None, help="use channels-redis at this URL (default: in-memory layer)")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="statewise-bench-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    ctx = bench_live.setup_database(url)
    review = setup_review(ctx)
    from designer.devservers import ServerProcess

    server = ServerProcess(database_url=url, redis_url=args.redis, kind="daphne").start()
    try:
        print(f"server: daphne pid {server.process.pid}, {'Redis ' + args.redis if args.redis else 'in-memory layer'}, "
              f"{url.split(':')[0]}; {args.clients} pages; {os.cpu_count()} CPUs shared by server and clients")
        seen = asyncio.run(comments_seen(server, ctx, review, args.clients, args.comments))
        run = asyncio.run(bench_live.paced(server, ctx, args.clients, args.paced_seconds))
    finally:
        server.stop()
        tmp.cleanup()
    verdict = "within" if seen["p99_ms"] < 1000 else "OVER"
    print(f"{seen['comments']} comments posted to one workflow with {seen['clients']} pages open; "
          f"{seen['complete']}/{seen['clients']} pages got every comment once, in order")
    print(f"{'':2}{'':46}{'p50':>9}{'p99':>9}{'max':>9}")
    print(f"  {'comment: POST → all ' + str(seen['clients']) + ' pages show it':46}{seen['p50_ms']:>7.1f}ms"
          f"{seen['p99_ms']:>7.1f}ms{seen['max_ms']:>7.1f}ms   (target: a second; {verdict})")
    print(f"  {'run event at ' + format(run['speed'], 'g') + '/s: persist → each of ' + str(run['clients']):46}"
          f"{run['p50_ms']:>7.1f}ms{run['p99_ms']:>7.1f}ms{run['max_ms']:>7.1f}ms   (bench_live's paced figure)")
    return 0 if seen["complete"] == seen["clients"] and seen["p99_ms"] < 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
