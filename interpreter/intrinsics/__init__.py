"""AWS Step Functions' 18 intrinsic functions (``States.Format`` ... ``States.UUID``).

``compile_intrinsic(text)`` parses a call once, at definition-parse time, into an immutable
tree whose ``evaluate(data, scope)`` returns the JSON result; runtime failures raise
``StatesError("States.IntrinsicFailure", cause)``, a path argument matching nothing raises the
JSONPath module's ``PathNotFound``. ``looks_like_intrinsic`` tells a ``.$`` value meant as a
call from a path; ``intrinsic_error(text)`` says why a text is not a call (the validator's check).
"""
from .errors import INTRINSIC_FAILURE, IntrinsicSyntaxError
from .nodes import Call, Intrinsic, Literal, PathArgument
from .parser import clear_caches, compile_intrinsic, intrinsic_error, looks_like_intrinsic
from .registry import FUNCTIONS

__all__ = ["compile_intrinsic", "intrinsic_error", "clear_caches", "looks_like_intrinsic",
           "Intrinsic", "IntrinsicSyntaxError", "Call",
           "Literal", "PathArgument", "FUNCTIONS", "INTRINSIC_FAILURE"]
