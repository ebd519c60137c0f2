"""Comment text: plain text with line breaks, links made safe, and @mentions of members.

Nothing people write is ever read as markup. Pages that draw comments in the browser build DOM
nodes from the raw text (``static/js/commenttext.js`` follows the same rules); pages drawn on the
server use ``to_html``, which escapes everything and then adds only ``<br>`` and ``<a>`` for
``http(s)://`` links, with ``rel="noopener noreferrer nofollow"``.
"""
from __future__ import annotations

import html
import re

from django.utils.safestring import SafeString, mark_safe

from ..errors import InvalidInput
from .models import MAX_COMMENT

# A link runs to the next white space; closing punctuation at its very end belongs to the sentence.
LINK = re.compile(r"https?://[^\s<>\"'\x00-\x1f]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""
# Django's usernames: letters, digits and @ . + - _ ; a mention ends before a trailing dot or comma.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]{1,150})")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean(text, *, field: str = "text", required: bool = True, limit: int = MAX_COMMENT) -> str:
    """The text as stored: a string, line breaks as \\n, no control characters or lone surrogates,
    at most ``limit`` characters, not blank when ``required``."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise InvalidInput(f"{field} must be text.", field=field)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text).encode("utf-8", "replace").decode("utf-8")
    if len(text) > limit:
        raise InvalidInput(f"{field} is {len(text):,} characters long; the most is {limit:,}.", field=field)
    if required and not text.strip():
        raise InvalidInput(f"Write something: {field} is empty.", field=field)
    return text.strip("\n")


def mentioned_names(text: str) -> list[str]:
    """The names after each @, in order, each once (a trailing dot ends a sentence, not a name)."""
    seen: list[str] = []
    for match in MENTION.finditer(text):
        name = match.group(1).rstrip(".")
        if name and name not in seen:
            seen.append(name)
    return seen


def split_link(url: str) -> tuple[str, str]:
    """A matched link without the sentence punctuation that follows it, and that punctuation."""
    end = len(url)
    while end and url[end - 1] in _TRAILING:
        # Keep a closing bracket that closes one opened inside the link (Wikipedia-style URLs).
        if url[end - 1] == ")" and url[:end].count("(") >= url[:end].count(")"):
            break
        end -= 1
    return url[:end], url[end:]


def to_html(text: str) -> SafeString:
    out: list[str] = []
    pos = 0
    for match in LINK.finditer(text):
        url, rest = split_link(match.group(0))
        out.append(html.escape(text[pos:match.start()]))
        if url.lower() in ("http://", "https://"):
            out.append(html.escape(url))
        else:
            safe = html.escape(url, quote=True)
            out.append(f'<a href="{safe}" rel="noopener noreferrer nofollow" target="_blank">{safe}</a>')
        out.append(html.escape(rest))
        pos = match.end()
    out.append(html.escape(text[pos:]))
    return mark_safe("".join(out).replace("\n", "<br>"))


def excerpt(text: str, limit: int = 140) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"
