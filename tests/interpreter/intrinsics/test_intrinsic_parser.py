"""Parsing: literals, escapes, paths, nesting, and every kind of syntax error."""
import pytest

from interpreter.intrinsics import (FUNCTIONS, Call, Intrinsic, IntrinsicSyntaxError, Literal, PathArgument,
                                    compile_intrinsic, looks_like_intrinsic)
from interpreter.jsonpath import PathNotFound

from intrinsic_helpers import Scope, run


def args_of(text):
    return compile_intrinsic(text).call.args


def test_all_eighteen_functions_are_known():
    assert len(FUNCTIONS) == 18
    assert all(name.startswith("States.") for name in FUNCTIONS)


@pytest.mark.parametrize("source, value", [
    ("3", 3), ("-3", -3), ("0", 0), ("1.5", 1.5), ("-0.25", -0.25), ("1e3", 1000.0), ("2.5E-1", 0.25),
    ("true", True), ("false", False), ("null", None), ("'text'", "text"), ("''", ""),
])
def test_literal_arguments(source, value):
    (arg,) = args_of(f"States.Array({source})")
    assert isinstance(arg, Literal)
    assert arg.value == value and type(arg.value) is type(value)


def test_integers_stay_integers_and_decimals_become_floats():
    assert run("States.Array(1, 1.0)") == [1, 1.0]
    assert [type(v) for v in run("States.Array(1, 1.0)")] == [int, float]


@pytest.mark.parametrize("source, value", [
    (r"'it\'s'", "it's"),
    (r"'\{\}'", "{}"),
    (r"'back\\slash'", "back\\slash"),
    (r"'\\\''", "\\'"),
    ("'line\nbreak'", "line\nbreak"),              # a real newline (JSON's \n) is just a character
    ("'{\"a\": 1}'", '{"a": 1}'),                   # unescaped braces are kept as they are
    ("'a, b) c'", "a, b) c"),                        # separators inside a string are text
])
def test_string_escapes(source, value):
    assert run(f"States.Array({source})") == [value]


def test_escaped_braces_are_not_format_placeholders():
    assert run(r"States.Format('\{\} {} \{x\}', $.v)", {"v": 7}) == "{} 7 {x}"
    assert run(r"States.Format('Hello {}, \'q\' \{x\}', $.name)", {"name": "Ann"}) == "Hello Ann, 'q' {x}"


def test_the_briefs_example_call():
    text = r"States.Format('Hello {}, \'q\' \{x\} {} {} {} {} {}', $.name, States.ArrayLength($.a), 3, 1.5, true, null)"
    assert run(text, {"name": "Bo", "a": [1, 2]}) == "Hello Bo, 'q' {x} 2 3 1.5 true null"


@pytest.mark.parametrize("path, data, expected", [
    ("$", {"a": 1}, {"a": 1}),
    ("$.a", {"a": 1}, 1),
    ("$[0]", [5, 6], 5),
    ("$.a[*].b", {"a": [{"b": 1}, {"b": 2}]}, [1, 2]),
    ("$.a[?(@.b > 1)].b", {"a": [{"b": 1}, {"b": 2}]}, [2]),
    ("$['a, b']", {"a, b": 3}, 3),
    ("$.a[0:2]", {"a": [1, 2, 3]}, [1, 2]),
])
def test_path_arguments(path, data, expected):
    (arg,) = args_of(f"States.Array({path})")
    assert isinstance(arg, PathArgument) and arg.text == path
    assert run(f"States.Array({path})", data) == [expected]


def test_context_and_variable_paths():
    scope = Scope(context={"Execution": {"Id": "arn:x"}}, variables={"count": 2, "obj": {"f": "v"}})
    assert run("States.Array($$.Execution.Id, $count, $obj.f)", {}, scope) == ["arn:x", 2, "v"]


def test_spaces_around_arguments():
    assert run("States.MathAdd(  $.a ,\t2 )  ", {"a": 1}) == 3
    assert run("States.Array( )") == []


def test_path_matching_nothing_raises_path_not_found():
    with pytest.raises(PathNotFound):
        run("States.Array($.missing)", {})
    with pytest.raises(PathNotFound):
        run("States.Array($nope)", {})


def test_nested_calls():
    text = "States.ArrayGetItem(States.StringSplit($.s, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($.s, '-')), -1))"
    assert run(text, {"s": "a-b-c"}) == "c"
    call = compile_intrinsic(text).call
    assert isinstance(call.args[0], Call) and call.args[0].name == "States.StringSplit"
    assert call.args[0].text == "States.StringSplit($.s, '-')"


def test_tree_is_immutable_and_compiled_once():
    intrinsic = compile_intrinsic("States.MathAdd($.a, 1)")
    assert isinstance(intrinsic, Intrinsic) and intrinsic.name == "States.MathAdd"
    for node in (intrinsic, intrinsic.call, intrinsic.call.args[0], intrinsic.call.args[1]):
        with pytest.raises(AttributeError):
            node.text = "changed"
    assert isinstance(intrinsic.call.args, tuple)
    assert intrinsic == compile_intrinsic("States.MathAdd($.a, 1)")


@pytest.mark.parametrize("text", [
    "States.Format('x')", "States.UUID()", "States.MathAdd($.a,1)", "States.Array()",
])
def test_looks_like_intrinsic(text):
    assert looks_like_intrinsic(text)


@pytest.mark.parametrize("text", ["$.a", "$$.Execution", "States.Format", "states.Format('x')", " States.UUID()",
                                  "States.(1)", "", None, 3])
def test_does_not_look_like_intrinsic(text):
    assert not looks_like_intrinsic(text)


@pytest.mark.parametrize("text, fragment", [
    ("", "States.Format(...) expected"),
    ("$.a", "States.Format(...) expected"),
    ("States.Nope(1)", "States.Nope is not an intrinsic function"),
    ("States.format('x')", "States.format is not an intrinsic function"),
    ("States.UUID", "'(' expected after 'States.UUID'"),
    ("States.UUID(", "not closed"),
    ("States.Array(1", "not closed"),
    ("States.Array(1 2)", "',' or ')' expected, found '2'"),
    ("States.Array(1,)", "an argument is missing"),
    ("States.Array(,1)", "an argument is missing"),
    ("States.Array('abc)", "not closed with '"),
    (r"States.Array('a\nb')", r"'\n' is not an escape"),
    ("States.Array('a\\')", "not closed with '"),  # \' is an escaped quote
    ("States.Array(01)", "does not start an argument"),
    ("States.Array(1.)", "does not start an argument"),
    ("States.Array(True)", "does not start an argument"),
    ("States.Array(nulls)", "does not start an argument"),
    ("States.Array(\"x\")", "does not start an argument"),
    ("States.UUID() extra", "unexpected text after the call"),
    ("States.UUID())", "unexpected text after the call"),
    ("States.Array($.a[)", "the path argument '$.a[)' is not valid"),
    ("States.Array($.a b)", "the path argument '$.a b' is not valid"),
    ("States.UUID(1)", "States.UUID takes 0 arguments, but 1 was given"),
    ("States.MathAdd(1)", "States.MathAdd takes 2 arguments, but 1 was given"),
    ("States.MathRandom(1)", "States.MathRandom takes 2 or 3 arguments"),
    ("States.MathRandom(1, 2, 3, 4)", "States.MathRandom takes 2 or 3 arguments"),
    ("States.Format()", "States.Format takes at least 1 argument, but 0 were given"),
    ("States.JsonMerge($.a, $.b)", "States.JsonMerge takes 3 arguments"),
    ("States.Format('{} {}', 1)", "2 placeholders '{}' but 1 value to insert was given"),
    ("States.Format('none', 1)", "0 placeholders '{}' but 1 value to insert was given"),
    ("States.Format(1, 2)", "first argument of States.Format must be a string"),
    ("States.Hash('data', 'SHA1')", "'SHA1' is not a hash algorithm"),
    ("States.Hash('data', 'sha-256')", "'sha-256' is not a hash algorithm"),
    ("States.Array(1e999)", "too large"),
    ("States.MathAdd('1', 2)", "argument 1 of States.MathAdd must be a number or a path, not '1'"),
    ("States.ArrayGetItem($.a, null)", "argument 2 of States.ArrayGetItem must be a number or a path, not null"),
])
def test_syntax_errors(text, fragment):
    with pytest.raises(IntrinsicSyntaxError) as info:
        compile_intrinsic(text)
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)
    # a problem of the whole call (its name, its number of arguments) has no one position
    assert (info.value.position is not None) == ("at position" in str(info.value))


def test_syntax_error_names_the_text_and_position():
    with pytest.raises(IntrinsicSyntaxError) as info:
        compile_intrinsic("States.Array(1, @)")
    assert info.value.position == 16
    assert "'States.Array(1, @)'" in str(info.value)


def test_nesting_limit():
    deep = "States.ArrayLength(" * 40 + "$" + ")" * 40
    with pytest.raises(IntrinsicSyntaxError, match="nested more than"):
        compile_intrinsic(deep)
    nine = "States.Array(" * 9 + "1" + ")" * 9
    assert run(nine) == [[[[[[[[[1]]]]]]]]]


def test_non_string_text():
    with pytest.raises(IntrinsicSyntaxError):
        compile_intrinsic(None)
