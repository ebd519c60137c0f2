"""What the editor page of a large version needs, made from the version's stored text.

A version of thousands of steps is stored as a megabyte of JSON. Opening its editor page used to
decode that text in the server process, send the decoded dict to a child twice (once for the data
glossary, once for the drawing: pickling a dict of a hundred thousand small objects costs the
server some 90 ms each time), hash and count it, and encode it again into the page: 190-350 ms of
the server thread per open, which every other request of the process waited behind (issue 11).

Here the child gets the stored text (a string pickles at memcpy speed) and does everything that
reads the definition in one call: it decodes it, names its data fields, draws it (hash included)
and encodes the glossary for the page. The server splices the stored text into the page's data
as it is, escaped the way ``json_script`` escapes, so the page's data are the same JSON value the
in-thread path writes, without a decode or an encode here. What a version's text gives never
changes (versions are immutable), so the drawing is kept per version and glossary, and the page
opened again costs the server no child call at all.

Small versions keep the in-thread path (``designer/views.py``): a child's round trip costs more
than their whole page.
"""
from __future__ import annotations

import json
import secrets

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from . import graph, workpool
from .kept import Kept, version_key
from .glossary.selectors import glossary_applied

#: Drawings kept (each the SVG of one large version, up to a few MB): enough for the versions a
#: team has open at once, small enough not to matter next to the process's own size.
DRAWINGS_KEPT = 8
_drawings = Kept(DRAWINGS_KEPT)

# As django.utils.html.json_script escapes: "<", ">" and "&" cannot end the <script> element nor
# start markup in it. Only inside JSON strings can they occur, where \u escapes mean the same.
_ESCAPES = (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E"))


def is_large(text: str) -> bool:
    """Whether a version's page is worth making this way (judged from its stored text's length)."""
    return workpool.large_text(text)


def escaped(json_text: str) -> str:
    """JSON text escaped as ``json_script`` escapes (three ``str.replace``: milliseconds for a MB,
    where ``str.translate`` with a table takes tens)."""
    for char, escape in _ESCAPES:
        json_text = json_text.replace(char, escape)
    return json_text


class RawJSON:
    """A value given as its JSON text (as stored), for ``json_script_spliced`` to put in as it is."""
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


def json_script_spliced(value, element_id: str) -> SafeString:
    """``value|json_script:element_id``, where each ``RawJSON`` in ``value`` is written as its text
    (escaped) instead of being encoded: the same JSON value, without a decode and an encode."""
    texts: dict[str, str] = {}
    body = escaped(json.dumps(value, cls=_Splicer, texts=texts))
    for mark, text in texts.items():
        body = body.replace(f'"{mark}"', escaped(text), 1)
    return format_html('<script id="{}" type="application/json">{}</script>', element_id, mark_safe(body))


class _Splicer(DjangoJSONEncoder):
    """Writes a random mark for each RawJSON (no field can hold one by chance), remembering its text."""

    def __init__(self, *args, texts: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.texts = texts

    def default(self, o):
        if isinstance(o, RawJSON):
            mark = f"splice-{secrets.token_hex(16)}"
            self.texts[mark] = o.text
            return mark
        return super().default(o)


def drawing(*, version, stored_glossary: dict[str, str]) -> tuple[str, str]:
    """The version's SVG (annotated for pages) and its applied glossary as JSON text,
    worked out in one child call from the stored text, then kept."""
    key = (*version_key(version), json.dumps(version.problems, sort_keys=True), tuple(sorted(stored_glossary.items())))
    return _drawings.get(key, lambda: workpool.run(drawn_from_text, version.definition_json, version.problems,
                                                    stored_glossary, what="Drawing this workflow"))


def drawn_from_text(text: str, problems: list[dict], stored_glossary: dict[str, str]) -> tuple[str, str]:
    """In the child: what ``drawing`` returns, with the same functions the in-thread path calls."""
    definition = json.loads(text)
    glossary = glossary_applied(definition, stored_glossary)
    svg = graph.render_svg(definition, problems, glossary=glossary)
    return svg, json.dumps(glossary, cls=DjangoJSONEncoder)
