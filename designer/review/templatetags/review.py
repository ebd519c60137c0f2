"""Template helpers of the review pages."""
from django import template

from ..text import to_html

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def comment_html(text):
    """A comment's plain text as safe HTML: escaped, line breaks and http(s) links kept."""
    return to_html(text or "")
