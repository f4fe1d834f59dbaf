"""Post text in Markdown: never links, emphasis, lists or raw HTML in whatever renders the Markdown."""
from __future__ import annotations

import re

MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|~])")
MARKDOWN_LEADING = re.compile(r"^([-+#=])")
MARKDOWN_ORDERED = re.compile(r"^(\d+)([.)])")


def escape_markdown(text: object) -> str:
    """Post text must not become links, emphasis, lists or raw HTML in whatever renders the Markdown."""
    value = " ".join(str(text).split())
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = MARKDOWN_INLINE.sub(r"\\\1", value)
    value = MARKDOWN_LEADING.sub(r"\\\1", value)
    return MARKDOWN_ORDERED.sub(r"\1\\\2", value)
