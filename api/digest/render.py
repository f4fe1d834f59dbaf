"""Render a built digest as HTML, Markdown, JSON or a ready-to-send e-mail (HTML with a plain-text alternative).

The alerts helper calls `render_digest_email(digest, base_url=...)`, adds To/From and sends it.
"""
from __future__ import annotations

import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from api.charts import sparkline_svg, sparkline_text
from api.digest.exceptions import UnknownFormatError
from api.digest.i18n import translate, translator
from api.digest.model import Digest

FORMATS = ("html", "md", "json")
MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|~])")
MARKDOWN_LEADING = re.compile(r"^([-+#=])")
MARKDOWN_ORDERED = re.compile(r"^(\d+)([.)])")

ENVIRONMENT = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
    undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
)


def escape_markdown(text: object) -> str:
    """Post text must not become links, emphasis, lists or raw HTML in whatever renders the Markdown."""
    value = " ".join(str(text).split())
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = MARKDOWN_INLINE.sub(r"\\\1", value)
    value = MARKDOWN_LEADING.sub(r"\\\1", value)
    return MARKDOWN_ORDERED.sub(r"\1\\\2", value)


ENVIRONMENT.filters["md"] = escape_markdown


def digest_context(digest: Digest, base_url: str = "") -> dict[str, Any]:
    """What the digest templates need; pages reuse it for the included digest body."""
    root = base_url.rstrip("/")
    return {"digest": digest, "t": translator(digest.lang), "link": lambda path: f"{root}{path}",
            "sparkline": sparkline_svg, "spark": sparkline_text}


def render_digest_html(digest: Digest, *, base_url: str = "") -> str:
    return ENVIRONMENT.get_template("digest_document.html").render(digest_context(digest, base_url))


def render_digest_markdown(digest: Digest, *, base_url: str = "") -> str:
    text = ENVIRONMENT.get_template("digest.md.j2").render(digest_context(digest, base_url))
    return re.sub(r"\n{3,}", "\n\n", text)


def render_digest_json(digest: Digest) -> str:
    return digest.model_dump_json(indent=2)


def render_digest(digest: Digest, fmt: str, *, base_url: str = "") -> str:
    """One of FORMATS; UnknownFormatError names the choices."""
    if fmt == "html":
        return render_digest_html(digest, base_url=base_url)
    if fmt == "md":
        return render_digest_markdown(digest, base_url=base_url)
    if fmt == "json":
        return render_digest_json(digest)
    raise UnknownFormatError(fmt, FORMATS)


def render_digest_email(digest: Digest, *, base_url: str) -> EmailMessage:
    """A multipart/alternative message (plain text first, then HTML); links are absolute, no external assets.
    The caller sets To and From."""
    context = digest_context(digest, base_url)
    message = EmailMessage()
    message["Subject"] = translate(digest.lang, "subject", week=digest.week)
    message["Content-Language"] = digest.lang
    plain = re.sub(r"\n{3,}", "\n\n", ENVIRONMENT.get_template("digest_email.txt.j2").render(context))
    message.set_content(plain)
    message.add_alternative(ENVIRONMENT.get_template("digest_email.html").render(context), subtype="html")
    return message
