"""Expected values taken from executions recorded on AWS (the conformance corpus).

Each case evaluates the intrinsic the recorded state machine used, on the recorded input, and
compares with the recorded result.
"""
import pytest

from intrinsic_helpers import Scope, run

FORMAT_1 = "States.Format('Formatting argument {}.', $.FunctionInput)"
FORMAT_2 = "States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)"


@pytest.mark.parametrize("value, expected", [
    ("", "Formatting argument ."),
    (" ", "Formatting argument  ."),
    ("HelloWorld", "Formatting argument HelloWorld."),
    (None, "Formatting argument null."),
    (1, "Formatting argument 1."),
    (1.1, "Formatting argument 1.1."),
    ('{"Arg1": 1, "Arg2": []}', 'Formatting argument {"Arg1": 1, "Arg2": []}.'),
])
def test_format_one_argument(value, expected):
    assert run(FORMAT_1, {"FunctionInput": value}) == expected


def test_format_renders_objects_as_java_maps():
    value = {"Arg1": 1, "Arg2": []}
    assert run(FORMAT_2, {"FunctionInput": {"fst": value, "snd": value}}) == \
        "Formatting arguments fst={Arg1=1, Arg2=[]} and snd={Arg1=1, Arg2=[]}."


def test_format_with_context_paths():
    scope = Scope(context={"Execution": {"Name": "exec-1"},
                           "StateMachine": {"Id": "arn:aws:states:us-east-1:111111111111:stateMachine:sm", "Name": "sm"}})
    text = "States.Format('Formatting arguments fst={} and snd={}.', $$.Execution.Name, $$.StateMachine)"
    assert run(text, {"FunctionInput": None}, scope) == \
        "Formatting arguments fst=exec-1 and snd={Id=arn:aws:states:us-east-1:111111111111:stateMachine:sm, Name=sm}."


def test_format_template_from_a_variable_and_map_item():
    scope = Scope(context={"Map": {"Item": {"Value": "Pikachu"}}}, variables={"AnswerTemplate": "It's {}!"})
    assert run("States.Format($AnswerTemplate, $$.Map.Item.Value)", {}, scope) == "It's Pikachu!"


def test_format_in_a_fail_cause():
    data = {"Error": "error string", "Cause": "cause string"}
    assert run("States.Format('This is a custom error message for {}, caused by {}.', $.Error, $.Cause)", data) == \
        "This is a custom error message for error string, caused by cause string."


@pytest.mark.parametrize("value", ["", " ", "HelloWorld", None, 1, 1.1, '{"Arg1": 1, "Arg2": []}', {"Arg1": 1, "Arg2": []}])
def test_array_of_two(value):
    result = run("States.Array($.FunctionInput.fst, $.FunctionInput.snd)", {"FunctionInput": {"fst": value, "snd": value}})
    assert result == [value, value]


def test_array_of_none():
    assert run("States.Array()", {"FunctionInput": "HelloWorld"}) == []


@pytest.mark.parametrize("array, value, expected", [
    ([], None, False), ([], [], False), ([], 1, False),
    ([[1, 2, 3], 2], None, False), ([[1, 2, 3], 2], [1, 2, 3], True),
    ([{"1": 2, "2": []}], [], False), ([{"1": 2, "2": []}], {"1": 2, "2": []}, True),
    ([True, False], True, True), ([True, False], False, True),
])
def test_array_contains(array, value, expected):
    data = {"FunctionInput": {"fst": array, "snd": value}}
    assert run("States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)", data) is expected


@pytest.mark.parametrize("first, last, step, expected", [
    (0, 9, 3, [0, 3, 6, 9]), (0, 10, 3, [0, 3, 6, 9]), (1, 9, 9, [1]), (1, 9, 2, [1, 3, 5, 7, 9]),
])
def test_array_range(first, last, step, expected):
    data = {"FunctionInput": {"fst": first, "snd": last, "trd": step}}
    assert run("States.ArrayRange($.FunctionInput.fst, $.FunctionInput.snd, $.FunctionInput.trd)", data) == expected


def test_array_get_item():
    data = {"FunctionInput": {"fst": [1, 2, 3, 4, 5, 6, 7, 8, 9], "snd": 5}}
    assert run("States.ArrayGetItem($.FunctionInput.fst, $.FunctionInput.snd)", data) == 6


def test_array_length():
    values = [None, None, True, True, False, False, 1, 1, 1.1, 0, 0, "HelloWorld", "HelloWorld", [], [], [None], [None],
              {"a": 1, "b": 2}, {"a": 1, "b": 2}, {"a": 1, "b": 1}]
    assert run("States.ArrayLength($.FunctionInput)", {"FunctionInput": values}) == 20


@pytest.mark.parametrize("array, size, expected", [
    ([], 1, []), ([0], 1, [[0]]), ([0], 5, [[0]]), ([0, 1, 2], 2, [[0, 1], [2]]),
    ([0, 1, 2, 3], 3, [[0, 1, 2], [3]]), ([0, 1, 2, 3], 1, [[0], [1], [2], [3]]),
    ([1, 2, 3, 4, 5, 6], 2, [[1, 2], [3, 4], [5, 6]]),
])
def test_array_partition(array, size, expected):
    assert run("States.ArrayPartition($.a, $.n)", {"a": array, "n": size}) == expected


@pytest.mark.parametrize("algorithm, digest", [
    ("MD5", "812f45842bc6d66ee14572ce20db8e86"),
    ("SHA-1", "aaff4a450a104cd177d28d18d74485e8cae074b7"),
    ("SHA-256", "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"),
    ("SHA-384", "d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562"),
    ("SHA-512", "6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4"),
])
def test_hash(algorithm, digest):
    data = {"FunctionInput": {"fst": "input data", "snd": algorithm}}
    assert run("States.Hash($.FunctionInput.fst, $.FunctionInput.snd)", data) == digest


def test_reference_intrinsics_on_variables():
    variables = {"rawString": "Hello World", "encodedString": "SGVsbG8gV29ybGQ=", "inputString": "Hash this string",
                 "json1": {"a": 1, "b": 2}, "json2": {"c": 3, "d": 4}, "jsonString": '{"key":"value"}',
                 "jsonObject": {"test": "object"}, "value1": 5, "value2": 3, "csvString": "a,b,c,d,e",
                 "name": "John", "place": "LocalStack"}
    scope = Scope(variables=variables)
    assert run("States.Base64Encode($rawString)", {}, scope) == "SGVsbG8gV29ybGQ="
    assert run("States.Base64Decode($encodedString)", {}, scope) == "Hello World"
    assert run("States.Hash($inputString, 'SHA-256')", {}, scope) == \
        "1cac63f39fd68d8c531f27b807610fb3d50f0fc3f186995767fb6316e7200a3e"
    assert run("States.JsonMerge($json1, $json2, false)", {}, scope) == {"a": 1, "b": 2, "c": 3, "d": 4}
    assert run("States.StringToJson($jsonString)", {}, scope) == {"key": "value"}
    assert run("States.JsonToString($jsonObject)", {}, scope) == '{"test":"object"}'
    assert run("States.MathAdd($value1, $value2)", {}, scope) == 8
    assert run("States.StringSplit($csvString, ',')", {}, scope) == ["a", "b", "c", "d", "e"]
    assert run("States.Format('Hello {}, welcome to {}!', $name, $place)", {}, scope) == "Hello John, welcome to LocalStack!"


def test_nested_math_add_on_variables():
    scope = Scope(variables={"yCurrent": 1, "xCurrent": 2, "zCurrent": 3, "bias": 3})
    assert run("States.MathAdd(States.MathAdd(States.MathAdd($yCurrent, $xCurrent), $zCurrent), $bias)", {}, scope) == 9


@pytest.mark.parametrize("a, b, expected", [
    (-9, 3, -6), (1.49, 1.5, 3), (1.5, 1.51, 4), (-1.49, -1.5, -2), (-1.5, -1.51, -3), (1.49, 0, 1),
    (1.49, -1.49, 0), (1.5, 0, 2), (1.51, 0, 2), (-1.49, 0, -1), (-1.5, 0, -1), (-1.51, 0, -2),
    (0.5, 0, 1), (2.5, 0, 3), (3.5, 0, 4), (-0.5, 0.5, 1), (-0.5, 0, 0), (-1.5, 0, -1), (-2.5, 0, -2), (-3.5, 0, -3),
])
def test_math_add_rounds_each_operand_half_up(a, b, expected):
    result = run("States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)", {"FunctionInput": {"fst": a, "snd": b}})
    assert result == expected and type(result) is int


def test_math_add_decrement_literal():
    assert run("States.MathAdd($.Iterations, -1)", {"Iterations": 1}) == 0


def test_nested_calls_on_the_state_machine_name():
    scope = Scope(context={"StateMachine": {"Name": "prefix-part-ArnPart"}})
    text = ("States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), "
            "States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))")
    assert run(text, {"FunctionInput": None}, scope) == "ArnPart"
    assert run("States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), 0)", {}, scope) == "prefix"


def test_string_split_drops_empty_pieces():
    text = "Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n"
    scope = Scope(context={"Execution": {"Input": {"FunctionInput": text}}})
    assert run("States.StringSplit($$.Execution.Input.FunctionInput, ',')", {}, scope) == [
        "Value1", "Value2", "Value3\nValue4", "Value5", "Value6\n", "\ntrue", "1", "'HelloWorld'\nNull", "None", "\n   \n"]


def test_string_split_escape_sequence():
    # The definition's JSON "\n" is a real newline in the intrinsic's text.
    assert run("States.StringSplit('Hello\nWorld', '\n')") == ["Hello", "World"]


def test_json_merge_of_parsed_literal_and_context_input():
    scope = Scope(context={"Execution": {"Input": {"input_field": {"constant_input_field": "constant_value"}}}})
    text = "States.JsonMerge(States.StringToJson('{\"constant_in_literal\": \"false\"}'), $$.Execution.Input.input_field, false)"
    assert run(text, {}, scope) == {"constant_input_field": "constant_value", "constant_in_literal": "false"}


def test_uuid_is_a_version_4_uuid():
    import uuid
    value = run("States.UUID()", {})
    parsed = uuid.UUID(value)
    assert parsed.version == 4 and str(parsed) == value
