"""Render a built digest as HTML, Markdown, JSON or a ready-to-send e-mail (HTML with a plain-text alternative).

The alerts helper calls `render_digest_email(digest, base_url=...)`, adds To/From and sends it.
"""
from __future__ import annotations

import re
from email.message import EmailMessage
from typing import Any

from api.charts import sparkline_svg, sparkline_text
from api.digest.exceptions import UnknownFormatError
from api.digest.model import Digest
from api.i18n import translate
from api.templating import ENVIRONMENT

FORMATS = ("html", "md", "json")


def digest_context(digest: Digest, base_url: str = "") -> dict[str, Any]:
    """What the digest templates need; pages reuse it for the included digest body."""
    root = base_url.rstrip("/")
    return {"digest": digest, "lang": digest.lang, "link": lambda path: f"{root}{path}",
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
    message["Subject"] = translate(digest.lang, "digest.subject", week=digest.week)
    message["Content-Language"] = digest.lang
    plain = re.sub(r"\n{3,}", "\n\n", ENVIRONMENT.get_template("digest_email.txt.j2").render(context))
    message.set_content(plain)
    message.add_alternative(ENVIRONMENT.get_template("digest_email.html").render(context), subtype="html")
    return message
