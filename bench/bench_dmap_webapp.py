"""A 100k-item Distributed Map run in the web app, through the real services and runner batches:
the process's peak memory and the largest single write to the database.

    python bench/bench_dmap_webapp.py [--items 100000] [--concurrency 0]

The run starts with ``simulation.execution_start`` and continues with ``runner.execution_advance``
batches in this process (as ``STATEWISE_RUNNER_PROCESSES=0`` runs them in the server), so the peak
resident memory printed is what a server process would hold. Every SQL statement's parameters are
measured (``connection.execute_wrapper``); the largest is the largest single write. Each child's
history is stored in its own rows as it ends (their count and size are printed). Items come from
the mock config's S3 objects, results go to S3 through a ResultWriter, as AWS requires at this
size. Targets: peak < 1 GB, no write > 5 MB. Uses a fresh SQLite file unless DATABASE_URL is set.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PEAK_TARGET_MB, WRITE_TARGET_MB = 1024, 5


def definition(concurrency: int) -> dict:
    return {"StartAt": "Fan", "States": {"Fan": {
        "Type": "Map", "MaxConcurrency": concurrency, "End": True,
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
                       "Parameters": {"Bucket": "in", "Key": "items.json"}},
        "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                         "Parameters": {"Bucket": "out", "Prefix": "results"}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "Work", "States": {
                              "Work": {"Type": "Pass", "Parameters": {"id.$": "$.id"}, "Next": "Done"},
                              "Done": {"Type": "Pass", "End": True}}}}}}


def _size(value) -> int:
    if isinstance(value, (list, tuple)):
        return sum(_size(v) for v in value)
    if isinstance(value, dict):
        return sum(_size(v) for v in value.values())
    if isinstance(value, (str, bytes)):
        return len(value)
    return 8


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--concurrency", type=int, default=0)
    args = ap.parse_args()
    scratch = None if os.environ.get("DATABASE_URL") else tempfile.mkdtemp()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{scratch}/bench.sqlite3"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from designer import services, simulation
    from designer.models import Execution
    from designer.simulation import runner

    user, _ = get_user_model().objects.get_or_create(username="bench")
    workflow = services.workflow_create(owner=user, name=f"Distributed Map bench {time.time():.0f}",
                                        definition=definition(args.concurrency))
    config = {"S3Objects": {"in/items.json": [{"id": i} for i in range(args.items)]},
              "StateMachines": {"Bench": {"TestCases": {"Default": {}}}}, "MockedResponses": {}}
    largest = {"bytes": 0, "sql": ""}
    statements = [0]

    def measure(execute, sql, params, many, context):
        size = _size(params) if params is not None else 0
        statements[0] += 1
        if size > largest["bytes"]:
            largest["bytes"], largest["sql"] = size, sql[:60]
            if os.environ.get("BENCH_DEBUG"):
                print(size, sql[:200], [(_size(p), str(p)[:80]) for p in params][:40])
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(measure):
        execution, _ = simulation.execution_start(user=user, workflow=workflow, input={}, mock_config=config,
                                                  mock_test_case="Default", seed=1)
        simulation.execution_continue(user=user, execution=execution)
        batches = 0
        while True:
            update = runner.execution_advance(execution_id=execution.pk, runner_id="bench")
            batches += 1
            if update is None or update.stop:
                break
    seconds = time.perf_counter() - started
    execution.refresh_from_db()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"items {args.items}, MaxConcurrency {args.concurrency}: {execution.status} at event {execution.last_seq} "
          f"after {batches} batches, {seconds:.1f} s ({statements[0]} statements)")
    print(f"peak resident memory {peak_mb:8.1f} MB   (target < {PEAK_TARGET_MB} MB)")
    print(f"largest write        {largest['bytes'] / 1e6:8.2f} MB   (target < {WRITE_TARGET_MB} MB): "
          f"{largest['sql']}...")
    print(f"snapshot at the end  {len(execution.snapshot_json) / 1e6:8.2f} MB")
    from django.db.models import Count, Max, Sum
    from django.db.models.functions import Length

    from designer.maprun.models import ChildHistory

    stored = ChildHistory.objects.filter(execution=execution).aggregate(
        rows=Count("id"), children=Count("child_index", distinct=True), bytes=Sum(Length("events_json")),
        largest=Max(Length("events_json")))
    print(f"child histories      {stored['children'] or 0} children in {stored['rows'] or 0} rows, "
          f"{(stored['bytes'] or 0) / 1e6:.1f} MB (largest row {(stored['largest'] or 0) / 1e3:.1f} KB)")
    ok = (execution.status == "SUCCEEDED" and peak_mb < PEAK_TARGET_MB
          and largest["bytes"] < WRITE_TARGET_MB * 1e6)
    if scratch is not None:  # a 100k run leaves some 120 MB of SQLite behind
        import shutil

        connection.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
