"""States.Base64Encode, States.Base64Decode and States.Hash."""
from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any

from .args import bind, require_string
from .errors import failure
from .nodes import Call

MAX_INPUT_CHARS = 10_000
HASH_ALGORITHMS = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


def _java_length(s: str) -> int:
    # AWS's limits count Java chars (UTF-16 code units): characters outside the BMP count twice.
    n = len(s)
    if s.isascii():
        return n
    return n + sum(1 for ch in s if ord(ch) > 0xFFFF)


def _check_length(call: Call, s: str) -> None:
    length = _java_length(s)
    if length > MAX_INPUT_CHARS:
        raise failure(call.text, f"The input is {length} characters long, but at most "
                                 f"{MAX_INPUT_CHARS} are allowed")


# Lone surrogates (possible in JSON text) cannot be UTF-8; Java's getBytes writes '?' for them,
# which is what Python's "replace" handler does too.
def _encode(call: Call, scope: Any, text: Any) -> str:
    text = require_string(call, 0, text)
    _check_length(call, text)
    return base64.b64encode(text.encode("utf-8", "replace")).decode("ascii")


def _decode(call: Call, scope: Any, text: Any) -> str:
    text = require_string(call, 0, text)
    _check_length(call, text)
    # Java's basic decoder: the standard alphabet only, padding accepted but not required.
    if not _BASE64.fullmatch(text) or len(text.rstrip("=")) % 4 == 1:
        raise failure(call.text, "The input is not valid base64")
    body = text.rstrip("=")
    try:
        raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise failure(call.text, "The input is not valid base64") from None
    # Bytes that are not UTF-8 become U+FFFD, as Java's String constructor does.
    return raw.decode("utf-8", "replace")


def _hash(call: Call, scope: Any, data: Any, algorithm: Any) -> str:
    data = require_string(call, 0, data)
    algorithm = require_string(call, 1, algorithm)
    name = HASH_ALGORITHMS.get(algorithm)
    if name is None:
        raise failure(call.text, f"The hash algorithm '{algorithm}' is not supported; use one of "
                                 f"{', '.join(HASH_ALGORITHMS)}")
    _check_length(call, data)
    return hashlib.new(name, data.encode("utf-8", "replace")).hexdigest()


build_encode = bind(_encode)
build_decode = bind(_decode)
build_hash = bind(_hash)
