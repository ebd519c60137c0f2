"""A Map Run moves a bounded number of children per step when the caller asks, and reports its
counts (DescribeMapRun's) from a tally kept as children end, without going over every child."""
from interpreter.definition import parse
from interpreter.execution import Execution
from interpreter.mocks import Mocks
from tests.interpreter.asl_helpers import START
from tests.interpreter.distributed_helpers import FAIL_ABOVE_2, dmap, only_run, types

SLOW_BELOW_3 = {"StartAt": "Check", "States": {
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericLessThan": 3, "Next": "Slow"}],
              "Default": "Bad"},
    "Slow": {"Type": "Wait", "Seconds": 5, "End": True},
    "Bad": {"Type": "Fail", "Error": "TooBig", "Cause": "item above 2"}}}


def _counts(run) -> tuple[dict, dict]:
    described = run.describe()
    return described["executionCounts"], described["itemCounts"]


def _progress(run) -> tuple[dict, dict]:
    p = run.progress()
    return p["executionCounts"], p["itemCounts"]


def test_a_bounded_step_moves_that_many_children_and_says_so():
    ex = Execution(parse(dmap(MaxConcurrency=2)), list(range(5)), seed=1, start_time=START)
    while not ex.map_runs:
        ex.step(child_moves=1)
    run = only_run(ex)
    seen = []
    while run.status == "RUNNING":
        moves = ex.map_runs.moves
        events = ex.step(child_moves=1)
        assert events or ex.map_runs.moves == moves + 1  # a child moved, or the parent wrote
        assert ex.map_runs.moves - moves <= 1
        assert _progress(run) == _counts(run)
        seen.append(run.progress()["executionCounts"]["succeeded"])
    assert seen[:5] == [1, 2, 3, 4, 5]  # one child at a time
    ex.run()
    assert ex.status == "SUCCEEDED" and types(ex)[-3:] == ["MapStateSucceeded", "MapStateExited",
                                                           "ExecutionSucceeded"]


def test_an_unbounded_step_still_runs_the_children_until_the_parent_moves():
    ex = Execution(parse(dmap()), list(range(4)), seed=1, start_time=START)
    while "MapRunStarted" not in types(ex):
        ex.step()
    assert [e.type for e in ex.step()][0] == "MapRunSucceeded"
    assert ex.map_runs.moves == 4


def test_the_tally_follows_failures_waits_and_a_redrive():
    definition = dmap(processor=SLOW_BELOW_3, ToleratedFailureCount=5, ItemBatcher={"MaxItemsPerBatch": 2},
                      ItemSelector={"v.$": "$$.Map.Item.Value"})
    definition["States"]["Map"]["ItemProcessor"]["States"]["Check"]["Choices"][0]["Variable"] = "$.Items[0].v"
    ex = Execution(parse(definition), list(range(7)), seed=1, start_time=START)
    while not ex.map_runs:
        ex.step(child_moves=1)
    run = only_run(ex)
    while ex.status == "RUNNING":
        ex.step(child_moves=1)
        assert _progress(run) == _counts(run)
    executions, items = _progress(run)
    assert executions["succeeded"] == 2 and executions["failed"] == 2 and items["failed"] == 3
    assert items["total"] == 7 and executions["total"] == 4
    assert ex.status == "SUCCEEDED"


def test_counts_survive_a_snapshot_and_a_redrive():
    ex = Execution(parse(dmap(processor=FAIL_ABOVE_2)), list(range(5)), mocks=Mocks(), seed=1,
                   start_time=START).run()
    assert ex.status == "FAILED"
    again = Execution.restore(parse(dmap(processor=FAIL_ABOVE_2)), ex.to_json())
    run = only_run(again)
    assert _progress(run) == _counts(run)
    again.redrive()
    while again.status == "RUNNING":
        again.step(child_moves=1)
        assert _progress(run) == _counts(run)
    assert run.redrive_count == 1 and run.status == "FAILED"
    assert {k: v for k, v in _progress(run)[0].items() if v} == {"succeeded": 3, "failed": 1, "aborted": 1,
                                                                 "total": 5}


def test_a_nested_map_run_moves_a_bounded_number_of_grandchildren_per_move(monkeypatch):
    from interpreter import map_run

    monkeypatch.setattr(map_run, "NESTED_MOVES", 3)
    inner = dmap(ItemsPath="$.xs")["States"]["Map"]
    outer = dmap(processor={"StartAt": "Inner", "States": {"Inner": inner}}, ItemsPath="$")
    ex = Execution(parse(outer), [{"xs": list(range(10))}, {"xs": list(range(7))}], seed=1, start_time=START)
    while not ex.map_runs:
        ex.step(child_moves=1)
    run = only_run(ex)

    def grandchildren_done() -> int:
        return sum(inner_run.progress()["executionCounts"]["succeeded"]
                   for child in run.children if child is not None for inner_run in child.map_runs.values())

    before = 0
    while ex.status == "RUNNING":
        ex.step(child_moves=1)
        now = grandchildren_done()
        assert now - before <= 3  # one child's move: at most three of its own children
        before = now
    assert ex.status == "SUCCEEDED" and before == 17
    assert ex.output == [list(range(10)), list(range(7))]
