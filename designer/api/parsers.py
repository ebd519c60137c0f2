"""Parsers for import endpoints, which take ASL text as it is (JSON or YAML) and parse it themselves."""
from rest_framework.parsers import BaseParser


class RawDefinitionParser(BaseParser):
    """Hands the body over as bytes: the import view decides between JSON and YAML."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read() if stream is not None else b""
