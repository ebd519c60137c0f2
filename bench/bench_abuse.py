"""Other users' requests while abusive input runs: no one's input may slow everyone else down.

    python bench/bench_abuse.py [--seconds 6] [--server serve|daphne|runserver] [--workers 2]
                                [--redis redis://127.0.0.1:6379/12] [--only range,long-run,...]

A real server process (``serve``: ``manage.py serve``, what ``make serve`` runs) on a fresh SQLite
file (or DATABASE_URL). A prober asks ``GET /api/workflows/`` (20 workflows) 20 times a second,
first with nothing else going on, then while each abusive input of issue 11 runs, all through the
real interface (HTTP and a websocket):

- ``range``:      a Pass state's ``{% $range(0, 100000000, 1) %}``, stepped and continued;
- ``yaml-deep``:  three imports at once of 60 KB of YAML nested 10,000 levels;
- ``input-huge``: three runs started at once with a 300 KiB input, and a 20 MB request body;
- ``long-run``:   W2 (20,002 transitions, 40,006 events) continued at full speed;
- ``heavy-run``:  a loop whose every transition is a costly JSONata expression, continued;
- ``ws-deep``:    websocket frames nested 10,000 levels deep, sent back to back;
- ``body-20mb``:  a 20 MB request body (answered 413 before it is read);
- ``render-tangle``: three drawings at once of 100 steps whose arrows cross at random (minutes of
  Graphviz each, unbounded);
- ``validate-big``: a 1 MB definition of 4,900 steps (the most accepted) validated and drawn, two at a time;
- ``save-big``:   two such definitions saved as versions at once, then the editor page (drawn on the
  server) opened twice at once;
- ``suite``:      a suite of 20 test cases, each a W2 run to AWS's 25,000-event limit;
- ``dmap-100k``:  a Distributed Map over 100,000 items (MaxConcurrency 1,000) made, given its items
  and run to its end through the API, the server's peak memory read meanwhile (``abuse_dmap.py``).

Prints, for each, what the abusive request got and the prober's p50/p99/max (target: p99 < 100 ms).
The prober, the abuse and the server share the machine's cores, as on a small team server.
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
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKLOADS = ROOT / "bench" / "workloads"
sys.path.insert(0, str(ROOT / "bench"))
from abuse_dmap import abuse_dmap_100k  # noqa: E402
TARGET_P99_MS = 100.0

RANGE = {"QueryLanguage": "JSONata", "StartAt": "Build", "States": {
    "Build": {"Type": "Pass", "Output": "{% $range(0, 100000000, 1) %}", "End": True}}}
HEAVY = {"QueryLanguage": "JSONata", "StartAt": "Check", "States": {
    "Check": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.n < 60 %}", "Next": "Work"}],
              "Default": "Done"},
    "Work": {"Type": "Pass", "Output": {
        "n": "{% $states.input.n + 1 %}",
        "sum": "{% $sum($map([0..199], function($v) { $sum($map([0..49], function($w) { $v * $w })) })) %}"},
        "Next": "Check"},
    "Done": {"Type": "Succeed"}}}


def setup(url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from designer import services

    user, _ = get_user_model().objects.get_or_create(username="bench")
    w2 = json.loads((WORKLOADS / "W2_choice_loop.asl.json").read_text())
    ids = {}
    for i in range(20):
        ids[f"w{i}"] = services.workflow_create(owner=user, name=f"Bench {i} {time.time():.0f}", definition=w2).pk
    ids["w2"] = ids["w0"]
    ids["range"] = services.workflow_create(owner=user, name="Range", definition=RANGE).pk
    ids["heavy"] = services.workflow_create(owner=user, name="Heavy", definition=HEAVY).pk
    suite = services.workflow_create(owner=user, name="Suite", definition=w2)
    from designer import simulation

    for i in range(20):
        simulation.test_case_create(user=user, workflow=suite, name=f"Case {i}", input={"count": i})
    ids["suite"] = suite.pk
    client = Client()
    client.force_login(user)
    token, _ = Token.objects.get_or_create(user=user)
    return {"token": token.key, "ids": ids,
            "cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"}


class Api:
    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def call(self, method: str, path: str, body=None, *, raw: bytes | None = None, content_type="application/json",
             timeout: float = 120) -> tuple[int, dict | str]:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(f"{self.base}{path}", data=data, method=method,
                                         headers={"Authorization": f"Token {self.token}", "Content-Type": content_type})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as r:
                text = r.read().decode()
                status = r.status
        except urllib.error.HTTPError as e:
            text, status = e.read().decode(errors="replace"), e.code
        except OSError as e:
            return 0, f"connection closed ({e.__class__.__name__})"
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text[:200]


class Prober:
    """GET /api/workflows/ every ``interval`` seconds, one at a time, recording each latency."""

    def __init__(self, api: Api, interval: float = 0.05):
        self.api, self.interval = api, interval
        self.samples: list[float] = []
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        # Latency from when each request was due, not from when it could be sent: a server that
        # stalls for 6 s counts as 120 late requests, not one slow one (no coordinated omission).
        due = time.perf_counter()
        while not self._stop.is_set():
            status, body = self.api.call("GET", "/api/workflows/", timeout=60)
            done = time.perf_counter()
            ok = status == 200 and isinstance(body, list) and len(body) >= 20
            while due <= done:
                if ok:
                    self.samples.append(done - due)
                else:
                    self.failures += 1
                due += self.interval
            self._stop.wait(max(0.0, due - time.perf_counter()))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def wait_run(api: Api, execution_id: int, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        status, run = api.call("GET", f"/api/executions/{execution_id}/")
        if status != 200 or run["status"] != "RUNNING" or run["mode"] != "continuing" or time.monotonic() > deadline:
            return run if status == 200 else {"status": f"HTTP {status}", "lastSeq": "?"}
        time.sleep(0.2)


def _start(api: Api, workflow_id: int, body: dict) -> tuple[int, dict | str]:
    return api.call("POST", f"/api/workflows/{workflow_id}/executions/", body)


# --- the abusive inputs: each returns a line saying what the abuser got ---------------------

def abuse_range(api: Api, ctx: dict, seconds: float) -> str:
    status, run = _start(api, ctx["ids"]["range"], {"input": {}})
    if status != 201:
        return f"start: {status} {str(run)[:80]}"
    started = time.monotonic()
    status, stepped = api.call("POST", f"/api/executions/{run['id']}/control/", {"command": "step"})
    step = f"step: {status} in {time.monotonic() - started:.1f} s"
    status, run2 = _start(api, ctx["ids"]["range"], {"input": {}})
    started = time.monotonic()
    api.call("POST", f"/api/executions/{run2['id']}/control/", {"command": "continue"})
    done = wait_run(api, run2["id"], 120)
    why = done.get("error") or done.get("stopReason") or ""
    return (f"{step} ({_outcome(stepped)}); continue: {done['status']} in {time.monotonic() - started:.1f} s "
            f"({why[:70]})")


def _outcome(body) -> str:
    if isinstance(body, dict):
        return (body.get("error") or body.get("status") or "?") + (f": {body['detail'][:60]}" if "detail" in body else "")
    return str(body)[:60]


def abuse_yaml_deep(api: Api, ctx: dict, seconds: float) -> str:
    text = ("{a: " * 10_000 + "1" + "}" * 10_000).encode()
    results: list[str] = []

    def one():
        started = time.monotonic()
        status, body = api.call("POST", "/api/workflows/import/", raw=text, content_type="application/yaml")
        results.append(f"{status} in {time.monotonic() - started:.2f} s")
    threads = [threading.Thread(target=one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return f"{len(text) // 1024} KB nested 10,000 deep, 3 at once: " + ", ".join(results)


def abuse_input_huge(api: Api, ctx: dict, seconds: float) -> str:
    big = {"blob": "x" * (300 * 1024)}
    results: list[str] = []

    def one():
        started = time.monotonic()
        status, body = _start(api, ctx["ids"]["w2"], {"input": big})
        results.append(f"{status} in {time.monotonic() - started:.2f} s")
    threads = [threading.Thread(target=one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return f"300 KiB input x3: {', '.join(results)}"


def abuse_body_20mb(api: Api, ctx: dict, seconds: float) -> str:
    import socket
    from urllib.parse import urlsplit

    # A raw socket: an HTTP library would go on sending the 20 MB after the early answer and
    # report a broken pipe instead of the 413.
    where = urlsplit(api.base)
    started = time.monotonic()
    with socket.create_connection((where.hostname, where.port), timeout=60) as sock:
        sock.sendall(f"POST /api/workflows/{ctx['ids']['w2']}/executions/ HTTP/1.1\r\nHost: {where.hostname}\r\n"
                     f"Authorization: Token {api.token}\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {20 * 1024 * 1024}\r\n\r\n".encode())
        try:
            for _ in range(20):
                sock.sendall(b"y" * (1024 * 1024))
        except OSError:
            pass  # answered and closed
        status_line = sock.recv(65536).split(b"\r\n", 1)[0].decode()
    return f"20 MB body: {status_line} in {time.monotonic() - started:.2f} s"


def _tangle(seed: int, steps: int = 100) -> dict:
    import random

    rng = random.Random(seed)
    states = {f"S{i}": {"Type": "Choice", "Default": f"S{(i + 1) % steps}", "Choices": [
        {"Variable": "$.x", "NumericEquals": j, "Next": f"S{rng.randrange(steps)}"} for j in range(2)]}
        for i in range(steps - 1)}
    states[f"S{steps - 1}"] = {"Type": "Succeed"}
    return {"StartAt": "S0", "States": states}


def _at_once(calls) -> list[str]:
    results: list[str] = [""] * len(calls)

    def one(i, call):
        started = time.monotonic()
        status, body = call()
        results[i] = f"{status} in {time.monotonic() - started:.2f} s"
    threads = [threading.Thread(target=one, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def abuse_render_tangle(api: Api, ctx: dict, seconds: float) -> str:
    seed = int(time.time())
    calls = [lambda i=i: api.call("POST", "/api/render/", {"definition": _tangle(seed + i)}) for i in range(3)]
    return "3 tangles of 100 steps at once: " + ", ".join(_at_once(calls))


def _big(steps: int = 4900, tag: str = "") -> dict:
    states = {f"S{i}": {"Type": "Pass", "Parameters": {"a.$": "$.x", "b.$": "States.Format('{}', $.y)"},
                        "Next": f"S{i + 1}"} for i in range(steps)}
    states[f"S{steps - 1}"] = {"Type": "Succeed"}
    return {"Comment": tag, "StartAt": "S0", "States": states}


def abuse_validate_big(api: Api, ctx: dict, seconds: float) -> str:
    big = _big()
    size = len(json.dumps(big, indent=2))
    calls = [lambda: api.call("POST", "/api/validate/", {"definition": big}),
             lambda: api.call("POST", "/api/render/", {"definition": big})] * 2
    return f"{size // 1024} KB, 4,900 steps, validate and render x2: " + ", ".join(_at_once(calls))


def abuse_save_big(api: Api, ctx: dict, seconds: float) -> str:
    """Two 4,900-step versions saved at once (each new, so nothing is cached), then the editor
    page of the last one (drawn on the server) opened twice at once."""
    workflow = ctx["ids"]["w19"]
    stamp = time.time()
    saves = _at_once([lambda i=i: api.call("POST", f"/api/workflows/{workflow}/versions/",
                                           {"definition": _big(tag=f"{stamp} {i}"), "message": "big", "base_version": None})
                      for i in range(2)])

    def page():
        request = urllib.request.Request(f"{api.base}/workflows/{workflow}/", headers={"Cookie": ctx["cookie"]})
        try:
            with urllib.request.urlopen(request, timeout=120) as r:
                return r.status, len(r.read())
        except urllib.error.HTTPError as e:
            return e.code, 0
    pages = _at_once([page, page])
    return f"4,900 steps saved x2: {', '.join(saves)}; editor page x2: {', '.join(pages)}"


def abuse_suite(api: Api, ctx: dict, seconds: float) -> str:
    started = time.monotonic()
    status, body = api.call("POST", f"/api/workflows/{ctx['ids']['suite']}/suite-runs/", {})
    said = f"{body.get('passed')}/{body.get('total')} passed" if isinstance(body, dict) else str(body)[:60]
    return f"20 cases of 25,000 events: {status} ({said}) in {time.monotonic() - started:.1f} s"


def _continue_run(api: Api, workflow_id: int, input: dict, timeout: float) -> str:
    status, run = _start(api, workflow_id, {"input": input})
    if status != 201:
        return f"start: {status} {str(run)[:80]}"
    started = time.monotonic()
    api.call("POST", f"/api/executions/{run['id']}/control/", {"command": "continue"})
    done = wait_run(api, run["id"], timeout)
    why = f" ({done.get('error')}: {str(done.get('cause'))[:60]})" if done.get("error") else ""
    return f"{done['status']} after {done['lastSeq']} events in {time.monotonic() - started:.1f} s{why}"


def abuse_long_run(api: Api, ctx: dict, seconds: float) -> str:
    return "W2 at full speed: " + _continue_run(api, ctx["ids"]["w2"], {"count": 0}, 300)


def abuse_heavy_run(api: Api, ctx: dict, seconds: float) -> str:
    return "60 costly transitions: " + _continue_run(api, ctx["ids"]["heavy"], {"n": 0}, 300)


def abuse_ws_deep(api: Api, ctx: dict, seconds: float) -> str:
    from designer.wsclient import ConnectionClosed, WebSocketClient

    status, run = _start(api, ctx["ids"]["w2"], {"input": {"count": 0}})
    frame = "[" * 10_000 + "]" * 10_000

    async def go():
        base = api.base.replace("http://", "ws://")
        ws = await WebSocketClient.connect(f"{base}/ws/executions/{run['id']}/?after=0",
                                           headers={"Cookie": ctx["cookie"], "Origin": api.base})
        sent = answers = 0
        kinds: set[str] = set()
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                await ws.send(frame)
                sent += 1
                while True:
                    reply = await asyncio.wait_for(ws.recv_json(), 30)
                    if reply.get("type") == "error":
                        answers += 1
                        kinds.add(reply.get("error"))
                        break
        except (ConnectionClosed, asyncio.IncompleteReadError, ConnectionError) as exc:
            return f"{sent} frames sent, {answers} error frames, then the connection dropped ({exc})"
        finally:
            await ws.close()
        return f"{sent} frames of 10,000 levels, {answers} error frames ({', '.join(sorted(kinds))}), connection kept"
    return asyncio.run(go())


ABUSES = {"range": abuse_range, "yaml-deep": abuse_yaml_deep, "input-huge": abuse_input_huge,
          "long-run": abuse_long_run, "heavy-run": abuse_heavy_run, "ws-deep": abuse_ws_deep,
          "body-20mb": abuse_body_20mb, "render-tangle": abuse_render_tangle, "validate-big": abuse_validate_big,
          "save-big": abuse_save_big, "suite": abuse_suite, "dmap-100k": abuse_dmap_100k}


def measure(api: Api, name: str, action, seconds: float) -> dict:
    """Probe while ``action`` runs (at least ``seconds``, and until it is done)."""
    result: list[str] = []
    started = time.monotonic()
    with Prober(api) as prober:
        if action is None:
            time.sleep(seconds)
        else:
            worker = threading.Thread(target=lambda: result.append(action()))
            worker.start()
            worker.join()
            time.sleep(max(0.0, seconds - (time.monotonic() - started)))
    s = prober.samples
    return {"name": name, "outcome": result[0] if result else "", "n": len(s), "failures": prober.failures,
            "p50": pct(s, 50) * 1000, "p99": pct(s, 99) * 1000, "max": max(s) * 1000 if s else float("nan"),
            "mean": statistics.mean(s) * 1000 if s else float("nan"), "seconds": time.monotonic() - started}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6, help="probe at least this long per case")
    parser.add_argument("--server", choices=["serve", "daphne", "runserver"], default="serve")
    parser.add_argument("--workers", type=int, default=None,
                        help="server worker processes (serve only; default 2 with --redis, else 1)")
    parser.add_argument("--redis", default=None, help="channels-redis at this URL (default: in-memory layer)")
    parser.add_argument("--only", default="", help="comma-separated cases: " + ",".join(ABUSES))
    args = parser.parse_args()
    args.workers = args.workers or (2 if args.redis else 1)
    cases = [c for c in args.only.split(",") if c] or list(ABUSES)
    unknown = set(cases) - set(ABUSES)
    if unknown:
        parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")
    tmp = tempfile.TemporaryDirectory(prefix="statewise-abuse-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    ctx = setup(url)
    from designer.devservers import ServerProcess

    server = ServerProcess(database_url=url, redis_url=args.redis, kind=args.server, workers=args.workers).start()
    api = Api(server.url, ctx["token"])
    ctx["server_pid"] = server.process.pid
    try:
        print(f"server: {args.server}{f' with {args.workers} workers' if args.server == 'serve' else ''}, "
              f"{'Redis' if args.redis else 'in-memory layer'}, {url.split(':')[0]}; {os.cpu_count()} CPUs shared "
              f"with the prober and the abuser; prober: GET /api/workflows/ (20 workflows) every 50 ms")
        rows = [measure(api, "idle", None, args.seconds)]
        for name in cases:
            rows.append(measure(api, name, lambda n=name: ABUSES[n](api, ctx, args.seconds), args.seconds))
        print(f"\n{'while':<11} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  verdict  what the abuser got")
        ok = True
        for row in rows:
            meets = row["p99"] < TARGET_P99_MS and not row["failures"]
            ok &= meets
            failures = f", {row['failures']} failed" if row["failures"] else ""
            print(f"{row['name']:<11} {row['n']:>5} {row['p50']:>8.1f} {row['p99']:>8.1f} {row['max']:>8.1f}  "
                  f"{'meets' if meets else 'MISSES':<7}  {row['outcome']}{failures}")
        print(f"\ntarget: p99 < {TARGET_P99_MS:.0f} ms while each runs")
        return 0 if ok else 1
    finally:
        server.stop()
        tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
