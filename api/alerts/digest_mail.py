"""Sending the weekly digest e-mail to `channel=digest` subscribers, through the outbox.

The digest itself is rendered by `api.digest.make_digest_email_renderer(...)(session, week, lang) -> EmailMessage`
(passed in as `render`). Here each subscriber's copy gets an unsubscribe footer and List-Unsubscribe
headers and is queued with dedupe key `digest:<week>`, so a rerun of the job never mails a week twice.
"""
from __future__ import annotations

import copy
from datetime import datetime
from email.message import EmailMessage

from sqlmodel import Session, select

from api.alerts.email import add_unsubscribe_headers, unsubscribe_url
from api.alerts.enqueue import add_delivery
from api.digest.mail import DigestRenderer
from api.i18n import translate
from api.plain_text import clean_text
from models.serving import AlertDelivery, Subscription
from monitor_config.schema import MonitorConfig


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def personalise(message: EmailMessage, subscription: Subscription, *, public_url: str) -> EmailMessage:
    """A copy with this subscriber's unsubscribe link in every text part and in the headers."""
    mine = copy.deepcopy(message)
    url = unsubscribe_url(public_url, subscription.token)
    lang = subscription.language
    for part in mine.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        body = clean_text(part.get_content())  # no control character of a post reaches the mail
        if part.get_content_subtype() == "plain":
            footer = translate(lang, "digest.mail.footer", name=subscription.name, url=url)
            part.set_content(f"{body.rstrip()}\n\n--\n{footer}\n")
        elif part.get_content_subtype() == "html":
            note = translate(lang, "digest.mail.footer.html", name=_escape(subscription.name), url=_escape(url))
            footer = f'<hr><p style="font-size:.9em">{note}</p>'
            body = body.replace("</body>", footer + "</body>", 1) if "</body>" in body else body + footer
            part.set_content(body, subtype="html")
    add_unsubscribe_headers(mine, url)
    return mine


def enqueue_digest(session: Session, *, week: str, render: DigestRenderer, config: MonitorConfig,
                   now: datetime) -> list[AlertDelivery]:
    subscriptions = list(session.exec(select(Subscription).where(Subscription.channel == "digest",
                                                                 Subscription.active == True,  # noqa: E712
                                                                 Subscription.paused == False)))  # noqa: E712
    rendered: dict[str, EmailMessage] = {}
    added = []
    for subscription in subscriptions:
        if subscription.language not in rendered:
            rendered[subscription.language] = render(session, week, subscription.language)
        message = personalise(rendered[subscription.language], subscription, public_url=str(config.alerts.public_url))
        if "From" not in message:
            message["From"] = config.alerts.smtp.from_address
        row = add_delivery(session, subscription=subscription, trend_id=None, dedupe_key=f"digest:{week}", now=now,
                           payload={"kind": "digest", "week": week, "message": message.as_string()})
        if row is not None:
            added.append(row)
    return added
