"""Reading a test case's expectations: every problem named at its JSON Pointer."""
from interpreter.testing.checks import describe
from interpreter.testing.spec import FAILED, WAITING, read_spec, state_problems


def problems(data):
    return [(d.pointer, d.code) for d in read_spec(data)[1]]


def test_a_full_spec_reads_back_as_written():
    data = {"callbacks": [{"state": "Wait For Review", "success": {"approved": True}},
                          {"state": "Wait For Review", "failure": {"error": "Rejected", "cause": "No."}},
                          {"state": "Wait For Review", "timeout": True},
                          {"state": "Wait For Review", "stop": True}],
            "expect": {"status": "SUCCEEDED", "outputContains": {"approved": True}, "path": ["A", "B"],
                       "passesThrough": ["B"], "neverEnters": ["C"], "maxTransitions": 12}}
    spec, found = read_spec(data)
    assert found == []
    assert spec.as_json() == data


def test_status_follows_from_what_is_expected():
    assert read_spec({"expect": {}})[0].expect.status == "SUCCEEDED"
    assert read_spec({"expect": {"error": "ChecksFailed"}})[0].expect.status == FAILED
    assert read_spec({"expect": {"waitingAt": "Review"}})[0].expect.status == WAITING
    # output null is an expectation too, not its absence
    assert read_spec({"expect": {"output": None}})[0].as_json() == {"expect": {"output": None}}


def test_bad_fields_are_named_by_pointer():
    assert problems([]) == [("", "INVALID_EXPECTATION")]
    assert problems({"expect": {"status": "DONE"}}) == [("/expect/status", "INVALID_EXPECTATION")]
    assert problems({"expect": {"maxTransitions": 0}}) == [("/expect/maxTransitions", "INVALID_EXPECTATION")]
    assert problems({"expect": {"maxTransitions": True}}) == [("/expect/maxTransitions", "INVALID_EXPECTATION")]
    assert problems({"expect": {"passesThrough": ["A", 3]}}) == [("/expect/passesThrough/1", "INVALID_EXPECTATION")]
    assert problems({"expect": {"colour": "red"}}) == [("/expect/colour", "UNKNOWN_FIELD")]
    assert problems({"expects": {}}) == [("/expects", "UNKNOWN_FIELD")]
    assert problems({"expect": {"status": "FAILED", "outputContains": {}}}) == \
        [("/expect/outputContains", "INVALID_EXPECTATION")]
    assert problems({"expect": {"status": "SUCCEEDED", "error": "X"}}) == [("/expect/error", "INVALID_EXPECTATION")]
    assert problems({"callbacks": [{"state": "R"}]}) == [("/callbacks/0", "INVALID_EXPECTATION")]
    assert problems({"callbacks": [{"state": "R", "success": 1, "stop": True}]}) == \
        [("/callbacks/0", "INVALID_EXPECTATION")]
    assert problems({"callbacks": [{"state": "R", "failure": "no"}]}) == [("/callbacks/0/failure", "INVALID_EXPECTATION")]
    assert problems({"callbacks": [{"state": "R", "timeout": False}]}) == [("/callbacks/0/timeout", "INVALID_EXPECTATION")]
    assert problems({"callbacks": [{"state": 5, "stop": True}]}) == [("/callbacks/0/state", "INVALID_EXPECTATION")]
    assert problems({"callbacks": [{"state": "R", "answer": 1}]}) == [("/callbacks/0/answer", "UNKNOWN_FIELD")]


def test_states_that_do_not_exist_are_named():
    spec, _ = read_spec({"callbacks": [{"state": "Revieww", "stop": True}],
                         "expect": {"path": ["A", "Nope"], "neverEnters": ["B"]}})
    found = state_problems(spec, {"A", "B"}, "/testCases/x~1y")
    assert [(d.pointer, d.state) for d in found] == [("/testCases/x~1y/callbacks/0/state", "Revieww"),
                                                     ("/testCases/x~1y/expect/path/1", "Nope")]
    assert found[0].message == "There is no step called 'Revieww' in this version."


def test_expectations_read_as_a_sentence():
    spec, _ = read_spec({"expect": {"status": "SUCCEEDED", "outputContains": {"approved": True}}})
    assert describe(spec) == "The run should succeed and the output should contain `approved: true`."
    spec, _ = read_spec({"callbacks": [{"state": "Wait For Review", "failure": {"error": "Rejected"}}],
                         "expect": {"error": "ChecksFailed", "passesThrough": ["A"], "neverEnters": ["B", "C"],
                                    "maxTransitions": 9}})
    assert describe(spec) == ("When it waits at 'Wait For Review', the answer is the error Rejected. The run should "
                              "fail with the error ChecksFailed, it should pass through 'A', it should never "
                              "enter 'B' and 'C' and it should take at most 9 transitions.")


def test_renamed_states_follow_into_expectations():
    from interpreter.testing.spec import rename_states

    data = {"callbacks": [{"state": "Review", "success": {}}],
            "expect": {"waitingAt": "Review", "path": ["A", "Review"], "neverEnters": ["B"], "status": "WAITING_FOR_CALLBACK"}}
    assert rename_states(data, {"Review": "Human Review", "B": "C"}) == {
        "callbacks": [{"state": "Human Review", "success": {}}],
        "expect": {"waitingAt": "Human Review", "path": ["A", "Human Review"], "neverEnters": ["C"],
                   "status": "WAITING_FOR_CALLBACK"}}
    assert data["expect"]["waitingAt"] == "Review"  # the argument is left as it was
