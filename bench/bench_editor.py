"""Opening big workflows in the editor, timed in a real browser (Debian's chromium).

Run by hand: ``.venv/bin/python bench/bench_editor.py [--runs N]``. Starts a throw-away server
(SQLite under a temporary directory, ``manage.py runserver``), creates workflows of 30, 1,000 and
5,000 states (tasks with retries and catches, choices, waits, parallels and maps), logs in and
opens each in the editor N times. A time is from the navigation's start to the moment the editor
says it is ready (the graph drawn, every step on it): ``document.body.dataset.readyAt``.
Targets (issue 13): 1,000 states under 2 s, 5,000 under 5 s, never a blank graph. The peer is
Graphviz's ``dot`` alone on the same 1,000 states, the way big workflows were drawn before.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "browser"))


def big(n_top: int, seed: int = 1) -> dict:
    rnd = random.Random(seed)
    names = [f"Step {i:04d}" for i in range(n_top)]
    states: dict = {}
    for i, name in enumerate(names):
        after = names[i + 1] if i + 1 < n_top else None
        tail = {"Next": after} if after else {"End": True}
        kind = i % 25
        if kind == 5 and i + 3 < n_top:
            states[name] = {"Type": "Choice", "Choices": [
                {"Variable": f"$.amount{i}", "NumericGreaterThan": rnd.randint(1, 999), "Next": names[i + 1]},
                {"Variable": f"$.flag{i}", "BooleanEquals": True, "Next": names[i + 2]}], "Default": names[i + 3]}
        elif kind == 12 and after:
            states[name] = {"Type": "Parallel", "Branches": [{"StartAt": f"{name} b{b} s0", "States": {
                f"{name} b{b} s0": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": f"{name} b{b} s1"},
                f"{name} b{b} s1": {"Type": "Pass", "End": True}}} for b in range(3)], **tail}
        elif kind == 18 and after:
            states[name] = {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"}, "StartAt": f"{name} item", "States": {
                    f"{name} item": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "End": True}}}, **tail}
        elif kind == 20:
            states[name] = {"Type": "Wait", "Seconds": 60, **tail}
        else:
            state = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                     "Parameters": {"FunctionName": f"fn-{i}", "Payload.$": "$"},
                     "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 2}], **tail}
            if i % 7 == 0 and i + 5 < n_top:
                state["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": names[i + 5]}]
            states[name] = state
    return {"Comment": f"{n_top} top-level states", "StartAt": names[0], "States": states}


def workflow_of(total: int) -> dict:
    """The biggest generated workflow with at most ``total`` states, nested ones counted."""
    from designer.graph.light import count_states

    lo, hi = 1, total
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if count_states(big(mid)) <= total else (lo, mid - 1)
    return big(lo)


#: Where an open's time went, from the navigation's start (ms): the server's answer (first byte,
#: then the last: the page's HTML), the HTML parsed (the server-drawn SVG inserted), the page's
#: modules run, and the editor ready.
BREAKDOWN = """(() => {
  const nav = performance.getEntriesByType("navigation")[0];
  return {"first byte": nav.responseStart, "last byte": nav.responseEnd, "parsed": nav.domInteractive,
          "modules run": nav.domContentLoadedEventEnd, "ready": Number(document.body.dataset.readyAt)};
})()"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="statewise-bench-editor-")
    env = {**os.environ, "STATEWISE_VAR_DIR": tmp, "DJANGO_SETTINGS_MODULE": "designer.settings"}
    env.pop("DATABASE_URL", None)
    os.environ.update({"STATEWISE_VAR_DIR": tmp, "DJANGO_SETTINGS_MODULE": "designer.settings"})
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from designer import services
    from designer.graph import build
    from designer.graph.light import count_states

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench", password="bench-pw-123")
    sizes = {30: workflow_of(30), 1000: workflow_of(1000), 5000: workflow_of(5000)}
    ids = {n: services.workflow_create(owner=user, name=f"{n} states", definition=d).pk for n, d in sizes.items()}

    # The peer: Graphviz alone on the 1,000 states (what opening them cost before the lighter layout).
    source, _, _ = build.graph_source(sizes[1000])
    started = time.perf_counter()
    subprocess.run(["dot", "-Tsvg"], input=source.encode(), capture_output=True, timeout=600, check=True)
    dot_1000 = time.perf_counter() - started

    port = free_port()
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        from playwright.sync_api import sync_playwright

        from chromium import launch

        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
            base = f"http://127.0.0.1:{port}"
            page.goto(base + "/accounts/login/")
            page.fill("input[name=username]", "bench")
            page.fill("input[name=password]", "bench-pw-123")
            page.click("button[type=submit]")
            page.wait_for_url("**/workflows/")
            print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            for n, workflow_id in ids.items():
                times, parts = [], []
                for run in range(args.runs):
                    page.goto(f"{base}/workflows/{workflow_id}/", wait_until="commit")  # readyAt is the measure
                    page.wait_for_function("document.body.dataset.readyAt", timeout=120_000)
                    times.append(int(page.evaluate("document.body.dataset.readyAt")) / 1000)
                    parts.append(page.evaluate(BREAKDOWN))
                    shown = page.evaluate("document.querySelectorAll('#graph g.state').length")
                    assert shown > 0, "a blank graph"
                layout = page.get_attribute("#graph svg", "data-layout") or "graphviz"
                target = {1000: 2.0, 5000: 5.0}.get(n)
                verdict = "" if target is None else f"  target < {target:.0f} s: {'met' if times[0] < target else 'MISSED'}"
                print(f"{count_states(sizes[n]):>5} states ({layout}, {shown} nodes drawn): first open {times[0]:.2f} s, "
                      f"again median {statistics.median(times[1:] or times):.2f} s{verdict}")
                print("      where the first open went (s): " + "  ".join(f"{k} {v / 1000:.2f}" for k, v in parts[0].items()))
            browser.close()
        print(f"peer: Graphviz dot alone on the 1,000 states took {dot_1000:.2f} s")
    finally:
        stop(server)


def stop(server: subprocess.Popen) -> None:
    """End the server: asked first, then killed. runserver (daphne) can take longer than any
    sensible wait to close connections the browser left open, and a bench must not leave it running."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
