"""Alert e-mails: composed from the outbox payload (HTML with a plain-text alternative) and sent over SMTP.

Post texts were redacted when the alert was queued; Jinja escapes them again for the HTML part. Every mail
carries a one-click unsubscribe link in the body and in the List-Unsubscribe header (RFC 8058).
"""
from __future__ import annotations

import email.utils
import os
import smtplib
from email.message import EmailMessage
from email.parser import Parser
from email.policy import default as default_policy
from typing import Any

from api.alerts.base import Alert
from api.alerts.exceptions import DeliveryError
from api.email_address import InvalidEmailAddress, check_email_address
from api.i18n import translate
from api.plain_text import clean_data, clean_line
from api.templating import render
from monitor_config.schema import AlertsConfig


def unsubscribe_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/afmelden/{token}"


def add_unsubscribe_headers(message: EmailMessage, url: str) -> None:
    del message["List-Unsubscribe"], message["List-Unsubscribe-Post"]
    message["List-Unsubscribe"] = f"<{url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"


def compose_alert_email(alert: Alert, *, recipient: str, public_url: str, from_address: str) -> EmailMessage:
    lang = alert.language  # an unknown language reads Dutch (api.i18n)
    base = public_url.rstrip("/")
    # Post texts and reviewers' labels may hold control characters: none reaches the mail (nor CR/LF the subject).
    items = [{**clean_data(item), "link": base + item["url"]} for item in alert.items]
    if len(items) == 1:
        subject = translate(lang, "alert.subject_one", label=items[0]["label"] or translate(lang, "alert.untitled"),
                            category=items[0]["category_title"])
        heading = translate(lang, "alert.heading_one")
    else:
        subject, heading = translate(lang, "alert.subject_many", n=len(items)), translate(lang, "alert.heading_many")
    context: dict[str, Any] = {"lang": lang, "items": items, "subject": subject, "heading": heading,
                               "subscription_name": clean_line(alert.subscription_name),
                               "unsubscribe_url": unsubscribe_url(public_url, alert.token)}
    message = EmailMessage()
    message["Subject"] = clean_line(subject)
    message["From"] = from_address
    message["To"] = recipient
    message["Date"] = email.utils.format_datetime(alert.sent_at)
    message["Message-ID"] = email.utils.make_msgid(f"alert.{alert.delivery_id}", domain=from_address.split("@")[-1])
    add_unsubscribe_headers(message, context["unsubscribe_url"])
    message.set_content(render("alerts/alert_email.txt", **context))
    message.add_alternative(render("alerts/alert_email.html", **context), subtype="html")
    return message


class EmailNotifier:
    """Sends alert e-mails (and pre-rendered digest e-mails) through the configured SMTP server."""

    def __init__(self, config: AlertsConfig, *, environ: dict[str, str] | None = None) -> None:
        self.config = config
        self.environ = os.environ if environ is None else environ

    def build(self, alert: Alert, recipient: str) -> EmailMessage:
        if alert.message is not None:
            message = Parser(_class=EmailMessage, policy=default_policy).parsestr(alert.message)
            del message["To"]
            message["To"] = recipient
            return message
        return compose_alert_email(alert, recipient=recipient, public_url=str(self.config.public_url),
                                   from_address=self.config.smtp.from_address)

    def send(self, alert: Alert) -> None:
        if not alert.target:
            raise DeliveryError(f"subscription {alert.subscription_id} has no e-mail address", permanent=True)
        try:  # rows stored before addresses were checked: never guess a recipient
            recipient = check_email_address(alert.target)
        except InvalidEmailAddress as exc:
            raise DeliveryError(f"subscription {alert.subscription_id}: {exc} Edit the subscription's address.",
                                permanent=True) from None
        message = self.build(alert, recipient)
        smtp = self.config.smtp
        try:
            with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds) as client:
                if smtp.starttls:
                    client.starttls()
                if smtp.username_env and smtp.password_env:
                    client.login(self.environ.get(smtp.username_env, ""), self.environ.get(smtp.password_env, ""))
                client.send_message(message, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"SMTP refused {alert.target}: {exc}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {smtp.host}:{smtp.port} failed: {exc}") from exc
