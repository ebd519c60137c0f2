"""Property tests: any text compiles or is refused with a reason, and a compiled path reads any
JSON value without a Python error (a definite path that finds nothing raises PathNotFound)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter.jsonpath import JsonPathSyntaxError, PathNotFound, compile_path, path_error, reference_path_error

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=4),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from("abxy"), children, max_size=4),
    max_leaves=15,
)

_PIECES = ["$", "$$", "$v", ".", "..", "a", "b", "[", "]", "*", "0", "-1", ":", ",", "'", '"', "\\", "?", "(", ")",
           "@", "@.a", " ", "==", "!=", "<", ">=", "=~", "/x/i", "&&", "||", "!", "in", "nin", "size", "[1,2]",
           "{}", "true", "null", "length()", "['a', 'b']", "[?(@.a > 1)]", "[(@.length-1)]"]
paths = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12).map("".join)


class Scope:
    context = {"Execution": {"Id": "x"}, "a": [1, {"b": 2}]}
    variables = {"v": {"a": [1, 2]}}


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(paths, st.text(max_size=30), st.text(max_size=20).map(lambda s: "$" + s)), json_values)
def test_any_text_compiles_or_is_refused_and_any_data_is_read(text, data):
    try:
        path = compile_path(text)
    except JsonPathSyntaxError as e:
        assert e.reason and path_error(text) == e.reason
        return
    assert path_error(text) is None
    assert reference_path_error(text) is None or path.reference is False or path.root != "$"
    try:
        found = path.evaluate(data, Scope())
    except PathNotFound:
        assert path.definite or path.root == "var"
        return
    if not path.definite:
        assert isinstance(found, list)


def test_deep_nesting_is_refused_not_crashed():
    deep = "$.a[?(" + "(" * 3000 + "@.a" + ")" * 3000 + ")]"
    assert path_error(deep) == "the filter is nested too deeply"
    # a long path is read in one pass, without recursion
    nested = 0
    for _ in range(5000):
        nested = [nested]
    assert compile_path("$" + "[0]" * 5000).evaluate(nested, None) == 0
    assert compile_path("$..*").evaluate(nested, None)[-1] == 0
    assert compile_path("$" + ".a['b']" * 3000 + "..c").evaluate({}, None) == []
