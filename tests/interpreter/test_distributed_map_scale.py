"""A Distributed Map at scale: children kept as AWS keeps them, histories handed out, the
scheduler's order, AWS's 10,000 concurrent children, and snapshots that hold no finished state."""
import json

from interpreter.definition import parse
from interpreter.execution import Execution
from interpreter.map_run import DEFAULT_MAX_CONCURRENCY, Finished
from interpreter.mocks import Mocks
from tests.interpreter.asl_helpers import START
from tests.interpreter.distributed_helpers import dmap, only_run

# Children that wait for different times: the one due first moves first, whatever its index.
WAITS = {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "SecondsPath": "$.s", "Next": "Done"},
                                      "Done": {"Type": "Pass", "End": True}}}


def start(definition: dict, items, **kwargs) -> Execution:
    return Execution(parse(definition), items, mocks=Mocks(), seed=1, start_time=START, **kwargs)


def test_succeeded_children_are_kept_as_their_outcome():
    ex = start(dmap(), [1, 2, 3]).run()
    assert ex.status == "SUCCEEDED" and ex.output == [1, 2, 3]
    children = only_run(ex).children
    assert all(type(c) is Finished for c in children)
    first = children[0]
    assert first.status == "SUCCEEDED" and first.input == 1 and first.output == 1
    assert ":execution:StateMachine/Map:" in first.execution_arn
    assert [e.type for e in first.events][0] == "ExecutionStarted"  # no sink: the history stays


def test_a_sink_takes_each_finished_childs_history():
    ex = start(dmap(), [1, 2, 3])
    taken = []
    ex.map_runs.sink = lambda run, index, child: taken.append((index, [e.type for e in child.take_events()]))
    ex.run()
    assert ex.status == "SUCCEEDED" and ex.output == [1, 2, 3]
    assert sorted(i for i, _ in taken) == [0, 1, 2]
    assert all(types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded" for _, types in taken)
    assert all(len(c.events) == 0 for c in only_run(ex).children)


def test_children_move_in_the_order_of_their_next_event():
    seconds = [30, 10, 20, 10]
    ex = start(dmap(processor=WAITS), [{"s": s} for s in seconds])
    order = []
    ex.map_runs.sink = lambda run, index, child: order.append(index)
    ex.run()
    assert ex.status == "SUCCEEDED"
    assert order == [1, 3, 2, 0]  # by wake-up time; a tie goes to the child started first
    stops = [c.clock - START for c in only_run(ex).children]
    assert stops == [30_000, 10_000, 20_000, 10_000]


def test_without_max_concurrency_at_most_10000_children_run_at_once():
    ex = start(dmap(processor=WAITS), [{"s": 5}] * (DEFAULT_MAX_CONCURRENCY + 2))
    while not ex.map_runs.active:
        ex.step()
    run = only_run(ex)
    assert len(run.running) == DEFAULT_MAX_CONCURRENCY and len(run.queue) == 2
    ex.run()
    assert ex.status == "SUCCEEDED"
    late = run.children[-1]
    assert late.start_time - START == 5_000  # started when the first slot freed


def test_snapshots_hold_outcomes_not_finished_state_and_resume():
    definition = dmap(processor=WAITS, MaxConcurrency=2)
    ex = start(definition, [{"s": s} for s in (1, 2, 3, 4)])
    ex.map_runs.sink = lambda run, index, child: child.take_events()
    ex.run_until(START + 2_500)
    snapshot = json.loads(json.dumps(ex.to_json()))
    (data,) = snapshot["mapRuns"]
    done = [c for c in data["children"] if c is not None and "finished" in c]
    running = [c for c in data["children"] if c is not None and "finished" not in c]
    assert len(done) == 2 and len(running) == 2
    assert all("events" not in c for c in done)
    assert all(c["rng"] is None for c in running)  # drew nothing: the seed says it all
    restored = Execution.restore(parse(definition), snapshot, mocks=Mocks()).run()
    ex.run()
    assert restored.status == ex.status == "SUCCEEDED"
    assert restored.output == ex.output == [{"s": s} for s in (1, 2, 3, 4)]
    assert [c.clock for c in only_run(restored).children] == [c.clock for c in only_run(ex).children]


def test_children_not_moved_yet_are_snapshotted_by_name_and_seed():
    definition = dmap(processor=WAITS)
    ex = start(definition, [{"s": s} for s in range(1, 301)])
    while not ex.map_runs.active:
        ex.step()
    snapshot = json.loads(json.dumps(ex.to_json()))
    children = snapshot["mapRuns"][0]["children"]
    assert all(set(c) == {"fresh"} for c in children)
    assert len(json.dumps(children)) < 300 * 100
    restored = Execution.restore(parse(definition), snapshot, mocks=Mocks()).run()
    ex.run()
    assert restored.status == ex.status == "SUCCEEDED" and restored.output == ex.output
    mine, theirs = only_run(restored).children, only_run(ex).children
    assert [(c.name, c.clock) for c in mine] == [(c.name, c.clock) for c in theirs]
    assert [e.to_json() for e in mine[7].events] == [e.to_json() for e in theirs[7].events]


def test_a_large_results_file_is_written_to_a_temporary_file_and_reads_back_the_same(monkeypatch):
    import hashlib

    from interpreter import s3

    definition = dmap(ItemsPath="$", ResultWriter={"Resource": "arn:aws:states:::s3:putObject",
                                                   "Parameters": {"Bucket": "out", "Prefix": "r"}})
    small = start(definition, list(range(40))).run()
    monkeypatch.setattr(s3, "SPOOL_BYTES", 500)  # a few entries: the rest goes to the file
    large = start(definition, list(range(40))).run()
    assert small.status == large.status == "SUCCEEDED"
    key = large.output["ResultWriterDetails"]["Key"]
    manifest = json.loads(large.mocks.s3.get("out", key))
    (file,) = manifest["ResultFiles"]["SUCCEEDED"]
    assert type(large.mocks.s3.objects["out/" + file["Key"]]) is s3._Spooled
    text = large.mocks.s3.get("out", file["Key"])
    assert len(text.encode()) == file["Size"] > 500
    entries = json.loads(text)
    assert [json.loads(e["Output"]) for e in entries] == list(range(40))
    assert [e["Status"] for e in entries] == ["SUCCEEDED"] * 40
    (listed,) = [o for o in large.mocks.s3.list("out", "r/") if o["Key"] == file["Key"]]
    assert listed["Etag"] == f'"{hashlib.md5(text.encode()).hexdigest()}"' and listed["Size"] == file["Size"]
    # the same text as when it is held in memory, but for the run's own names
    small_key = json.loads(small.mocks.s3.get("out", small.output["ResultWriterDetails"]["Key"]))
    small_text = small.mocks.s3.get("out", small_key["ResultFiles"]["SUCCEEDED"][0]["Key"])
    assert [e["Output"] for e in json.loads(small_text)] == [e["Output"] for e in entries]


def test_a_finished_child_keeps_its_output_as_text_and_its_arn_from_its_name():
    ex = start(dmap(execution_type="EXPRESS"), [{"a": [1, 2]}]).run()
    (child,) = only_run(ex).children
    assert child.output_text == '{"a":[1,2]}' and child.output == {"a": [1, 2]}
    assert child.express and ":express:StateMachine/Map:" in child.execution_arn
    ex = start(dmap(), [{"a": 1}]).run()
    (child,) = only_run(ex).children
    assert not child.express and child.execution_arn.endswith(":execution:StateMachine/Map:" + child.name)
    assert child.state_machine_arn is only_run(ex).children_machine_arn  # one string for every child


def test_inputs_taken_by_the_caller_leave_the_snapshot_and_must_come_back_before_a_restore():
    import pytest

    from interpreter import map_run

    definition = dmap(processor={"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody.$": "$"}, "End": True}}})
    ex = start(definition, [{"n": 1}, {"n": 2}]).run_to_callback()
    ((arn, inputs),) = map_run.take_inputs(ex)
    assert inputs == [{"n": 1}, {"n": 2}] and map_run.take_inputs(ex) == []  # once
    snapshot = json.loads(json.dumps(ex.to_json()))
    assert snapshot["mapRuns"][0]["inputs"] is None
    with pytest.raises(ValueError, match="stored apart"):
        Execution.restore(parse(definition), json.loads(json.dumps(snapshot)))
    snapshot["mapRuns"][0]["inputs"] = inputs
    again = Execution.restore(parse(definition), snapshot, mocks=Mocks())
    assert map_run.take_inputs(again) == []  # still stored: not handed out twice
    for token in list(again.waiting_tokens()):
        again.send_task_success(token, {"ok": True})
    again.run()
    assert again.status == "SUCCEEDED" and only_run(again).children[1].input == {"n": 2}


def test_a_snapshot_grows_with_the_live_children_not_with_the_run():
    from interpreter import map_run

    definition = dmap(processor=WAITS, MaxConcurrency=4)
    ex = start(definition, [{"s": 1 + i % 3} for i in range(2000)])
    ex.map_runs.sink = map_run.drop_history
    ex.run_until(START + 1_000)
    map_run.take_finished(ex)  # the caller stores the succeeded ones: the snapshot leaves them out
    ex.run_until(START + 60_000)
    map_run.take_finished(ex)
    snapshot = json.loads(json.dumps(ex.to_json()))
    children = snapshot["mapRuns"][0]["children"]
    assert children[0]["of"] == 0 and children[-1]["of"] is None
    assert len(children) <= 12  # stored, live (four), never started: a few entries for 2,000 children
    stored = sum(c["times"] if type(c) is dict and "times" in c and c["of"] == 0 else c == 0 for c in children)
    restored = Execution.restore(parse(definition), snapshot, mocks=Mocks())
    run = only_run(restored)
    assert len(run.children) == 2000 and run.stored.count(1) == stored > 100
    assert sum(c is not None for c in run.children) == 4  # the live ones; the rest come from the caller
