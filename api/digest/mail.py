"""The digest e-mail in the shape the alerts outbox asks for: `render(session, week, lang) -> EmailMessage`.
The outbox adds To, From, the unsubscribe footer and headers, and sends it. The first rendering of a week is kept
as sent (`api.digest.sent`); a later call renders that same digest again."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage

from sqlmodel import Session

from api.digest.build import build_digest
from api.digest.render import render_digest_email
from api.digest.sent import keep_sent
from api.digest.weeks import parse_week
from monitor_config.schema import MonitorConfig

DigestRenderer = Callable[[Session, str, str], EmailMessage]


def make_digest_email_renderer(config: MonitorConfig, *, base_url: str,
                               clock: Callable[[], datetime]) -> DigestRenderer:
    """Bind the configuration, the site's public address (for absolute links) and the clock."""
    def render(session: Session, week: str, lang: str) -> EmailMessage:
        now = clock()
        digest = build_digest(session, week=parse_week(week), config=config, lang="en" if lang == "en" else "nl",
                              now=now)
        return render_digest_email(keep_sent(session, digest, now), base_url=base_url)

    return render
