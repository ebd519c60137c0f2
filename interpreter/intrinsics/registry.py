"""The 18 intrinsic functions: how many arguments each takes and how each is built."""
from __future__ import annotations

from typing import Callable, NamedTuple

from . import arrays, encoding, json_functions, math_functions, strings, unique_id
from .nodes import Call, Evaluator


class FunctionSpec(NamedTuple):
    fewest: int
    most: int | None  # None: no upper bound
    build: Callable[[Call], Evaluator]
    numeric: tuple[int, ...] = ()  # argument positions that cannot be a text, boolean or null constant


FUNCTIONS: dict[str, FunctionSpec] = {
    "States.Format": FunctionSpec(1, None, strings.build_format),
    "States.StringToJson": FunctionSpec(1, 1, json_functions.build_string_to_json),
    "States.JsonToString": FunctionSpec(1, 1, json_functions.build_json_to_string),
    "States.Array": FunctionSpec(0, None, arrays.build_array),
    "States.ArrayPartition": FunctionSpec(2, 2, arrays.build_partition, (1,)),
    "States.ArrayContains": FunctionSpec(2, 2, arrays.build_contains),
    "States.ArrayRange": FunctionSpec(3, 3, arrays.build_range, (0, 1, 2)),
    "States.ArrayGetItem": FunctionSpec(2, 2, arrays.build_get_item, (1,)),
    "States.ArrayLength": FunctionSpec(1, 1, arrays.build_length),
    "States.ArrayUnique": FunctionSpec(1, 1, arrays.build_unique),
    "States.Base64Encode": FunctionSpec(1, 1, encoding.build_encode),
    "States.Base64Decode": FunctionSpec(1, 1, encoding.build_decode),
    "States.Hash": FunctionSpec(2, 2, encoding.build_hash),
    "States.JsonMerge": FunctionSpec(3, 3, json_functions.build_json_merge),
    "States.MathRandom": FunctionSpec(2, 3, math_functions.build_random, (0, 1, 2)),
    "States.MathAdd": FunctionSpec(2, 2, math_functions.build_add, (0, 1)),
    "States.StringSplit": FunctionSpec(2, 2, strings.build_split),
    "States.UUID": FunctionSpec(0, 0, unique_id.build_uuid),
}
