"""Property tests: no text and no JSON input makes the module fail with a Python exception."""
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter.errors import StatesError
from interpreter.intrinsics import FUNCTIONS, IntrinsicSyntaxError, compile_intrinsic
from interpreter.jsonpath import PathNotFound

from intrinsic_helpers import Scope

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=12,
)

_FRAGMENTS = ["States.", "Format", "MathAdd", "Array", "(", ")", ",", " ", "'", "\\", "{}", "$", "$$", "$.a", "[0]",
              "[*]", "1", "-2.5", "true", "null", "UUID()", "Hash", "'MD5'", "$.a[?(@.b > 1)]", "$x"]
fragments = st.lists(st.sampled_from(_FRAGMENTS), max_size=14).map("".join)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=40), fragments, st.text(alphabet=string.printable, max_size=60).map(lambda s: "States." + s)))
def test_compiling_any_text_raises_only_syntax_errors(text):
    try:
        compiled = compile_intrinsic(text)
    except IntrinsicSyntaxError as exc:
        assert str(exc)
    else:
        assert compiled.text == text


argument_texts = st.sampled_from(["$", "$.a", "$.b", "$.a[0]", "$.a[*]", "$$.c", "$v", "1", "-1.5", "0", "3",
                                  "'x'", "'{}'", "''", "'MD5'", "true", "false", "null", "'a,b'", "'e30='"])


@st.composite
def calls(draw, depth=0):
    name = draw(st.sampled_from(sorted(FUNCTIONS)))
    spec = FUNCTIONS[name]
    most = spec.most if spec.most is not None else spec.fewest + 3
    count = draw(st.integers(spec.fewest, most))
    args = []
    for _ in range(count):
        if depth < 2 and draw(st.integers(0, 4)) == 0:
            args.append(draw(calls(depth=depth + 1)))
        else:
            args.append(draw(argument_texts))
    return f"{name}({', '.join(args)})"


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(calls(), json_values, json_values, json_values)
def test_evaluating_with_any_input_raises_only_asl_errors(text, data, context, variable):
    try:
        intrinsic = compile_intrinsic(text)
    except IntrinsicSyntaxError:
        return
    scope = Scope(context={"c": context}, variables={"v": variable}, seed=3)
    try:
        result = intrinsic.evaluate({"a": data, "b": variable}, scope)
    except StatesError as exc:
        assert exc.name == "States.IntrinsicFailure" and exc.cause
    except PathNotFound:
        pass
    else:
        assert result is None or isinstance(result, (bool, int, float, str, list, dict))


def test_a_loop_counter_is_parsed_once_and_evaluated_without_parsing(monkeypatch):
    # A 10,000-iteration loop counts with MathAdd: its text is compiled once, and evaluating the
    # compiled call never goes back to the text (whatever the machine's speed).
    from interpreter.intrinsics import parser

    evaluate = compile_intrinsic("States.MathAdd($.count, 1)").evaluate
    assert compile_intrinsic("States.MathAdd($.count, 1)").evaluate == evaluate

    def no_parsing(*args, **kwargs):
        raise AssertionError("an evaluation parsed text again")

    monkeypatch.setattr(parser, "_Parser", no_parsing)
    monkeypatch.setattr(parser, "compile_path", no_parsing)
    data, scope = {"count": 41}, Scope()
    assert [evaluate(data, scope) for _ in range(1_000)] == [42] * 1_000
