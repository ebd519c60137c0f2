"""Request body parsers, each behind the size and depth bounds of ``interpreter/limits.py``.

JSON bodies are measured and scanned for depth before the (recursive) decoder runs; import
bodies are read only up to the definition text bound.
"""
from __future__ import annotations

import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser, JSONParser

from interpreter.limits import DATA_DEPTH, DEFINITION_TEXT_BYTES, depth_error, json_depth_within

from ..errors import TooDeep, TooLarge
from ..http_limits import too_large_body


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


class BoundedJSONParser(JSONParser):
    """JSON, at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes and DATA_DEPTH levels deep (NaN and
    Infinity refused, as JSON does)."""

    def parse(self, stream, media_type=None, parser_context=None):
        bound = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        data = stream.read(bound + 1) if stream is not None else b""
        if len(data) > bound:
            raise TooLarge(too_large_body(None)["detail"])
        if not json_depth_within(data, DATA_DEPTH):
            raise TooDeep(depth_error("request body", DATA_DEPTH))
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json.loads(data.decode(encoding), parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None


class RawDefinitionParser(BaseParser):
    """Hands the body over as bytes: the import view decides between JSON and YAML. Reads one byte
    past the definition text bound, so that a larger body is refused without being read whole."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read(DEFINITION_TEXT_BYTES + 1) if stream is not None else b""
