"""The weekly digest: build it for an ISO week, render it as HTML, Markdown, JSON or an e-mail."""
from api.digest.build import build_digest, classify_trend
from api.digest.exceptions import DigestError, InvalidWeekError, UnknownFormatError
from api.digest.mail import DigestRenderer, make_digest_email_renderer
from api.digest.model import Digest
from api.digest.render import (
    FORMATS,
    render_digest,
    render_digest_email,
    render_digest_html,
    render_digest_json,
    render_digest_markdown,
)
from api.digest.sent import keep_sent, load_digest
from api.digest.weeks import IsoWeek, last_complete_week, parse_week, week_of

__all__ = [
    "FORMATS", "Digest", "DigestError", "DigestRenderer", "InvalidWeekError", "IsoWeek", "UnknownFormatError",
    "build_digest", "classify_trend", "keep_sent", "last_complete_week", "load_digest", "make_digest_email_renderer",
    "parse_week",
    "render_digest", "render_digest_email", "render_digest_html", "render_digest_json", "render_digest_markdown",
    "week_of",
]
