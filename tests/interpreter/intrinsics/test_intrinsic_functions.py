"""Each function against the specification: results, AWS's argument rules, and every failure."""
import hashlib

import pytest

from interpreter.intrinsics.math_functions import JavaRandom
from interpreter.intrinsics.render import equality_key, format_value, java_double, to_json_text

from intrinsic_helpers import Scope, failure, run


# --- States.Format ------------------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    (True, "true"), (False, "false"), (None, "null"), (0, "0"), (-7, "-7"), (1.0, "1.0"), (-0.0, "-0.0"),
    (1.5, "1.5"), (0.001, "0.001"), (0.0001, "1.0E-4"), (1234567.0, "1234567.0"), (12345678.9, "1.23456789E7"),
    (1e20, "1.0E20"), (10**20, "100000000000000000000"), ("s", "s"), ([], "[]"), ({}, "{}"),
    ([1, "a", None, [True]], "[1, a, null, [true]]"), ({"k": {"n": 1.5}, "s": "x y"}, "{k={n=1.5}, s=x y}"),
])
def test_format_renders_values_as_aws_does(value, text):
    assert run("States.Format('<{}>', $.v)", {"v": value}) == f"<{text}>"


def test_format_literal_values_and_no_placeholders():
    assert run("States.Format('{}|{}|{}|{}', 1, 2.50, true, null)") == "1|2.5|true|null"
    assert run("States.Format('plain')") == "plain"
    assert run("States.Format('{}{}', 'a', 'b')") == "ab"


def test_format_template_from_data():
    assert run("States.Format($.t, $.a, $.b)", {"t": "{}-{}", "a": 1, "b": "x"}) == "1-x"


def test_format_template_from_data_with_wrong_count_fails():
    error = failure("States.Format($.t, $.a)", {"t": "{} {}", "a": 1})
    assert error.cause == ("The function 'States.Format($.t, $.a)' had the following error: "
                           "The template has 2 placeholders '{}' but 1 value to insert was given")


def test_format_template_must_be_a_string():
    error = failure("States.Format($.t)", {"t": 3})
    assert "The template (first argument) must be a string, but a number was given" in error.cause


def test_format_nested_call_names_the_failing_call():
    error = failure("States.Format('{}', States.ArrayGetItem($.a, 9))", {"a": [1]})
    assert error.cause.startswith("The function 'States.ArrayGetItem($.a, 9)' had the following error: ")


# --- StringToJson / JsonToString / JsonMerge ------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("", None), (" ", None), ("null", None), ("-0", 0), ("1", 1), ("1.1", 1.1), ("true", True),
    ('"HelloWorld"', "HelloWorld"), ('[1, 2, "HelloWorld"]', [1, 2, "HelloWorld"]),
    ('{"Arg1": 1, "Arg2": []}', {"Arg1": 1, "Arg2": []}), (' {"a": 1} ', {"a": 1}),
])
def test_string_to_json(text, value):
    result = run("States.StringToJson($.s)", {"s": text})
    assert result == value and type(result) is type(value)


@pytest.mark.parametrize("text", ["{", "{'a': 1}", "NaN", "Infinity", "[1,]", "tru", "1 2"])
def test_string_to_json_rejects_invalid_json(text):
    error = failure("States.StringToJson($.s)", {"s": text})
    assert "The string is not valid JSON" in error.cause


def test_string_to_json_needs_a_string():
    assert "must be a string, but an object was given" in failure("States.StringToJson($)", {}).cause


@pytest.mark.parametrize("value, text", [
    (None, "null"), (0, "0"), (1, "1"), (1.1, "1.1"), (True, "true"), ("HelloWorld", '"HelloWorld"'),
    ([1, 2, "HelloWorld"], '[1,2,"HelloWorld"]'), ({"Arg1": 1, "Arg2": []}, '{"Arg1":1,"Arg2":[]}'),
    ({"q": 'say "hi"\\\n\t\x01', "é": "✓"}, '{"q":"say \\"hi\\"\\\\\\n\\t\\u0001","é":"✓"}'),
    ([2.0, 1e20, 1e-5], "[2.0,1.0E20,1.0E-5]"),
])
def test_json_to_string_is_compact_jackson_json(value, text):
    assert run("States.JsonToString($.v)", {"v": value}) == text


def test_json_merge_is_shallow_and_second_wins():
    data = {"fst": {"a": {"a1": 1, "a2": 2}, "b": 2, "d": 3}, "snd": {"a": {"a3": 1, "a4": 2}, "c": 3, "d": 4}}
    result = run("States.JsonMerge($.fst, $.snd, false)", data)
    assert result == {"a": {"a3": 1, "a4": 2}, "b": 2, "d": 4, "c": 3}
    assert list(result) == ["a", "b", "d", "c"]
    assert data["fst"] == {"a": {"a1": 1, "a2": 2}, "b": 2, "d": 3}   # inputs untouched


def test_json_merge_deep_is_not_supported():
    error = failure("States.JsonMerge($.a, $.b, true)", {"a": {}, "b": {}})
    assert "Deep merging is not supported: the third argument must be false" in error.cause


@pytest.mark.parametrize("args, fragment", [
    ("$.a, $.b, 'false'", "The argument at position 3 must be a boolean, but a string was given"),
    ("$.l, $.b, false", "The argument at position 1 must be an object, but an array was given"),
    ("$.a, $.n, false", "The argument at position 2 must be an object, but null was given"),
])
def test_json_merge_argument_types(args, fragment):
    assert fragment in failure(f"States.JsonMerge({args})", {"a": {}, "b": {}, "l": [], "n": None}).cause


# --- arrays ---------------------------------------------------------------------------------

def test_array_keeps_values_and_nesting():
    assert run("States.Array($.a, 'x', States.Array(1))", {"a": {"k": [1]}}) == [{"k": [1]}, "x", [1]]


@pytest.mark.parametrize("size, fragment", [
    (0, "The chunk size must be a positive integer, but 0 was given"),
    (-1, "The chunk size must be a positive integer, but -1 was given"),
    (1.5, "The argument at position 2 must be an integer, but a number was given"),
    ("2", "The argument at position 2 must be an integer, but a string was given"),
    (True, "The argument at position 2 must be an integer, but a boolean was given"),
])
def test_array_partition_chunk_size_rules(size, fragment):
    assert fragment in failure("States.ArrayPartition($.a, $.n)", {"a": [1, 2], "n": size}).cause


def test_array_partition_needs_an_array():
    assert "position 1 must be an array, but a string was given" in failure("States.ArrayPartition('ab', 1)").cause


def test_array_contains_is_type_strict_like_java():
    assert run("States.ArrayContains($.a, 1)", {"a": [1.0, True]}) is False
    assert run("States.ArrayContains($.a, true)", {"a": [1]}) is False
    assert run("States.ArrayContains($.a, 1)", {"a": [2, 1]}) is True
    assert run("States.ArrayContains($.a, 'x')", {"a": ["y", "x"]}) is True
    assert run("States.ArrayContains($.a, $.o)", {"a": [{"x": 1, "y": 2}], "o": {"y": 2, "x": 1}}) is True
    assert run("States.ArrayContains($.a, null)", {"a": [None]}) is True


def test_array_contains_needs_an_array():
    assert "must be an array, but an object was given" in failure("States.ArrayContains($, 1)", {}).cause


@pytest.mark.parametrize("first, last, step, expected", [
    (5, 1, -2, [5, 3, 1]), (1, 1, 1, [1]), (3, 1, 1, []), (1, 3, -1, []), (-2, 2, 2, [-2, 0, 2]),
    (1, 1000, 1, list(range(1, 1001))), (2.0, 4, 1, [2, 3, 4]),
])
def test_array_range_rules(first, last, step, expected):
    assert run("States.ArrayRange($.a, $.b, $.c)", {"a": first, "b": last, "c": step}) == expected


@pytest.mark.parametrize("args, fragment", [
    ("1, 5, 0", "The step (third argument) must not be 0"),
    ("0, 1000, 1", "The range would have 1001 elements, but at most 1000 are allowed"),
    ("1.5, 3, 1", "The argument at position 1 must be an integer, but a number was given"),
    # a constant text is refused when the call is compiled; text read through a path fails here
    ("1, $.text, 1", "The argument at position 2 must be an integer, but a string was given"),
])
def test_array_range_failures(args, fragment):
    assert fragment in failure(f"States.ArrayRange({args})", {"text": "x"}).cause


@pytest.mark.parametrize("index, fragment", [
    (3, "The index 3 is out of bounds for an array of length 3"),
    (-1, "The index -1 is out of bounds for an array of length 3"),
    ("0", "The argument at position 2 must be an integer, but a string was given"),
])
def test_array_get_item_failures(index, fragment):
    assert fragment in failure("States.ArrayGetItem($.a, $.i)", {"a": [1, 2, 3], "i": index}).cause


def test_array_length_needs_an_array():
    assert "must be an array, but a string was given" in failure("States.ArrayLength($.s)", {"s": "abc"}).cause
    assert run("States.ArrayLength($.a)", {"a": []}) == 0


def test_array_unique_keeps_first_occurrences_in_order():
    values = [None, None, True, True, False, 1, 1, 1.1, 0, 0, 1.0, "HelloWorld", "HelloWorld", [], [], [None], [None],
              {"a": 1, "b": 2}, {"b": 2, "a": 1}, {"a": 1, "b": 1}]
    assert run("States.ArrayUnique($.a)", {"a": values}) == [
        None, True, False, 1, 1.1, 0, 1.0, "HelloWorld", [], [None], {"a": 1, "b": 2}, {"a": 1, "b": 1}]


def test_array_unique_needs_an_array():
    assert "must be an array" in failure("States.ArrayUnique($.a)", {"a": 3}).cause


# --- encoding and hashing ---------------------------------------------------------------------

@pytest.mark.parametrize("text, encoded", [
    ("", ""), ("Data to encode", "RGF0YSB0byBlbmNvZGU="), ("Hello World", "SGVsbG8gV29ybGQ="), ("é✓", "w6ninJM="),
])
def test_base64_round_trip(text, encoded):
    assert run("States.Base64Encode($.s)", {"s": text}) == encoded
    assert run("States.Base64Decode($.s)", {"s": encoded}) == text


def test_base64_decode_accepts_missing_padding():
    assert run("States.Base64Decode('SGVsbG8gV29ybGQ')") == "Hello World"


@pytest.mark.parametrize("text", ["SGVsbG8*", "A", "SGVs bG8=", "SGVsbG8===", "-_-_"])
def test_base64_decode_rejects_invalid_input(text):
    assert "The input is not valid base64" in failure("States.Base64Decode($.s)", {"s": text}).cause


@pytest.mark.parametrize("function", ["Base64Encode", "Base64Decode"])
def test_base64_input_limit(function):
    ok = "QUFB" * 2500                       # exactly 10,000 characters
    run(f"States.{function}($.s)", {"s": ok})
    error = failure(f"States.{function}($.s)", {"s": ok + "QUFB"})
    assert "The input is 10004 characters long, but at most 10000 are allowed" in error.cause


def test_base64_needs_a_string():
    assert "must be a string, but a number was given" in failure("States.Base64Encode(1)").cause


def test_hash_algorithm_from_data_is_checked_at_run_time():
    error = failure("States.Hash('a', $.alg)", {"alg": "SHA-3"})
    assert "The hash algorithm 'SHA-3' is not supported; use one of MD5, SHA-1, SHA-256, SHA-384, SHA-512" in error.cause


def test_hash_of_unicode_uses_utf8_and_has_a_limit():
    assert run("States.Hash('é', 'MD5')") == hashlib.md5("é".encode("utf-8")).hexdigest()
    assert "at most 10000 are allowed" in failure("States.Hash($.s, 'MD5')", {"s": "x" * 10001}).cause
    assert "must be a string, but a number was given" in failure("States.Hash(1, 'MD5')").cause


# --- math -----------------------------------------------------------------------------------

def test_math_add_integers_and_literals():
    assert run("States.MathAdd(2147483647, 0)") == 2147483647
    assert run("States.MathAdd($.n, 1)", {"n": 2147483647}) == 2147483648   # operands are checked, not the sum
    assert run("States.MathAdd($.n, 1)", {"n": 4.0}) == 5
    assert run("States.MathAdd(-1, -2)") == -3


@pytest.mark.parametrize("value, fragment", [
    ("1", "The argument at position 1 must be a number, but a string was given"),
    (True, "The argument at position 1 must be a number, but a boolean was given"),
    (None, "The argument at position 1 must be a number, but null was given"),
    (2147483648, "The argument at position 1 must be an integer between -2147483648 and 2147483647, but 2147483648 was given"),
    (-2147483649, "but -2147483649 was given"),
    (3e9, "but 3.0E9 was given"),
])
def test_math_add_argument_rules(value, fragment):
    assert fragment in failure("States.MathAdd($.v, 1)", {"v": value}).cause
    assert fragment.replace("position 1", "position 2") in failure("States.MathAdd(1, $.v)", {"v": value}).cause
    assert fragment.replace("position 1", "position 2") in failure("States.MathAdd($.one, $.v)", {"v": value, "one": 1}).cause


def test_math_random_stays_in_range_and_replays_with_the_same_seed():
    draws = [run("States.MathRandom($.a, $.b)", {"a": 1, "b": 4}, Scope(seed=s)) for s in range(200)]
    assert set(draws) == {1, 2, 3}                           # end is exclusive
    again = [run("States.MathRandom($.a, $.b)", {"a": 1, "b": 4}, Scope(seed=s)) for s in range(200)]
    assert draws == again


def test_math_random_rounds_bounds():
    draws = {run("States.MathRandom(0.6, 2.4)", {}, Scope(seed=s)) for s in range(100)}
    assert draws == {1}


def test_math_random_with_a_seed_is_a_function_of_the_seed():
    first = run("States.MathRandom(0, 999, 3)", {}, Scope(seed=1))
    assert first == run("States.MathRandom(0, 999, 3)", {}, Scope(seed=2))
    assert 0 <= first < 999
    assert first == JavaRandom(3).next_int(999) == 239          # new Random(3).nextInt(999) on a JVM


def test_java_random_matches_the_jvm():
    # Well-known JVM values: new Random(0).nextInt() == -1155484576 and new Random(42).nextInt()
    # == -1170105035; next(31) is the same draw without its lowest bit.
    assert JavaRandom(0)._next31() == (-1155484576 & 0xFFFFFFFF) >> 1
    assert JavaRandom(42)._next31() == (-1170105035 & 0xFFFFFFFF) >> 1
    assert JavaRandom(0).next_int(10) == ((-1155484576 & 0xFFFFFFFF) >> 1) % 10
    # A power-of-two bound takes the high bits instead of a remainder.
    assert JavaRandom(0).next_int(16) == (16 * ((-1155484576 & 0xFFFFFFFF) >> 1)) >> 31
    # Checked on a JVM: new Random(s).nextInt(b) for these seeds and bounds.
    assert [JavaRandom(42).next_int(100), JavaRandom(-5).next_int(16), JavaRandom(123456789).next_int(1000000007)] == \
        [30, 4, 426010958]


@pytest.mark.parametrize("args, fragment", [
    ("5, 5", "The start (5) must be less than the end (5)"),
    ("6, 5", "The start (6) must be less than the end (5)"),
    ("$.one, 5", "The argument at position 1 must be a number, but a string was given"),
    ("1, 5, $.text", "The argument at position 3 must be an integer, but a string was given"),
    ("1, 2147483648", "must be an integer between -2147483648 and 2147483647"),
])
def test_math_random_failures(args, fragment):
    assert fragment in failure(f"States.MathRandom({args})", {"one": "1", "text": "x"}).cause


# --- StringSplit ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, delimiters, expected", [
    ("1,2,3,4,5", ",", ["1", "2", "3", "4", "5"]),
    ("This.is+a,test=string", ".+,=", ["This", "is", "a", "test", "string"]),
    (",,a,,b,,", ",", ["a", "b"]),
    ("", ",", []),
    (",,,", ",", []),
    ("abc", "", ["abc"]),
    ("a]b^c-d\\e", "]^-\\", ["a", "b", "c", "d", "e"]),
    ("no delimiter", ";", ["no delimiter"]),
])
def test_string_split(text, delimiters, expected):
    assert run("States.StringSplit($.s, $.d)", {"s": text, "d": delimiters}) == expected


def test_string_split_needs_strings():
    assert "position 1 must be a string, but a number was given" in failure("States.StringSplit(1, ',')").cause
    assert "position 2 must be a string, but an array was given" in failure("States.StringSplit('a', $)", []).cause


# --- UUID -----------------------------------------------------------------------------------

def test_uuid_replays_per_seed_and_differs_between_calls():
    intrinsic = "States.Array(States.UUID(), States.UUID())"
    first, second = run(intrinsic, {}, Scope(seed=7))
    assert first != second
    assert run(intrinsic, {}, Scope(seed=7)) == [first, second]
    assert run(intrinsic, {}, Scope(seed=8)) != [first, second]
    assert first[14] == "4" and first[19] in "89ab"


# --- rendering helpers -----------------------------------------------------------------------

def test_java_double_matches_double_to_string():
    # Every expectation here was printed by Double.toString on a JVM.
    cases = {1.0: "1.0", 100.0: "100.0", 1e7: "1.0E7", 9999999.0: "9999999.0", 0.001: "0.001",
             0.00099: "9.9E-4", 1.5e300: "1.5E300", -2.5e-10: "-2.5E-10", 123456789.125: "1.23456789125E8",
             12345678.9: "1.23456789E7", 3e9: "3.0E9", 2.5e-5: "2.5E-5", 1e22: "1.0E22", 5e-324: "4.9E-324",
             1.7976931348623157e308: "1.7976931348623157E308", 0.1 + 0.2: "0.30000000000000004"}
    for value, text in cases.items():
        assert java_double(value) == text


def test_equality_key_follows_java_equals():
    assert equality_key(1) != equality_key(1.0)
    assert equality_key(0.0) != equality_key(-0.0)
    assert equality_key(True) != equality_key(1)
    assert equality_key({"a": [1, None]}) == equality_key({"a": [1, None]})
    assert equality_key("x") != equality_key(["x"])


def test_format_value_and_json_text_helpers():
    assert format_value({"a": None}) == "{a=null}"
    assert to_json_text({"a": None}) == '{"a":null}'
