"""JSONata expressions in a form a stakeholder can follow.

An expression cannot be put into words in general; what can be done deterministically is to drop
the ``{% %}`` delimiters and the ``$states.input.`` plumbing, name variables without their ``$``,
and say "is" for ``=``. The result is still the expression, only lighter to read.
"""
from __future__ import annotations

import re
from typing import Any

_REPLACEMENTS = [
    (re.compile(r"\$states\.input\.([A-Za-z_])"), r"\1"),
    (re.compile(r"\$states\.input\b"), "the input"),
    (re.compile(r"\$states\.result\.([A-Za-z_])"), r"the result's \1"),
    (re.compile(r"\$states\.result\b"), "the result"),
    (re.compile(r"\$states\.errorOutput\b"), "the error"),
    (re.compile(r"\$states\.context\.([A-Za-z_])"), r"context \1"),
    (re.compile(r"\$exists\(([^()]+)\)"), r"\1 is present"),
    (re.compile(r"\s*!=\s*"), " is not "),
    (re.compile(r"(?<![<>!=])\s*=\s*(?!=)"), " is "),
    (re.compile(r"\$(?=[A-Za-z_])"), ""),  # $name: a variable, or $string(): a function
    (re.compile(r"(?<=\S) \* (?=\S)"), " × "),
]


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.strip().startswith("{%") and value.strip().endswith("%}")


def expression_words(value: Any) -> str:
    """``{% $states.input.approved = true %}`` -> ``approved is true``."""
    text = str(value).strip()
    if is_expression(text):
        text = text[2:-2].strip()
    for pattern, replacement in _REPLACEMENTS:
        text = pattern.sub(replacement, text)
    return re.sub(r"\s+", " ", text).strip()
