"""Text for Graphviz's HTML-like labels: escaped, and wrapped into lines instead of cut off."""
from __future__ import annotations

import html
import re
from typing import Any

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """XML 1.0 cannot hold most control characters, not even as references: show U+FFFD instead."""
    return _NOT_XML.sub("\ufffd", text)


def esc(text: Any) -> str:
    return html.escape(xml_text(str(text)), quote=True)


def wrap(text: Any, width: int, max_lines: int = 12) -> list[str]:
    """Lines of at most about ``width`` characters, broken at spaces where possible.

    A word longer than a line is broken inside (paths and identifiers have no spaces). Past
    ``max_lines`` the last line ends in an ellipsis: the full text is in the tooltip and the
    inspector; a label taller than a dozen lines would no longer be a label.
    """
    text = " ".join(xml_text(str(text)).split())
    if not text:
        return [""]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        while len(word) > width:
            room = width - len(line) - (1 if line else 0)
            if room < 4:  # not worth starting the long word on this line
                lines.append(line)
                line, room = "", width
            cut = _break_point(word, room)
            lines.append((line + " " if line else "") + word[:cut])
            line, word = "", word[cut:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(1, width - 1)] + "…"
    return lines


def _break_point(word: str, room: int) -> int:
    """Where to break a long word: after a path's '.', '/', '_' or '-' if one is near the end."""
    for i in range(room, max(room - 10, 0), -1):
        if word[i - 1] in "./_-:,)":
            return i
    return room


def lines_html(lines: list[str]) -> str:
    return '<BR ALIGN="CENTER"/>'.join(esc(line) for line in lines)
