"""The personal Atom feed of a feed subscription: its sent alerts, newest first (RFC 4287)."""
from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET

from sqlmodel import Session, col, select

from api.plain_text import clean_line, clean_text
from models.analysis import Trend
from models.serving import AlertDelivery, Subscription

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 50


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    """A child element; its text and attributes are cleaned of control characters (one would make the whole
    feed invalid XML), a title to one line."""
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: clean_line(v) for k, v in attrs.items()})
    if text is not None:
        element.text = clean_line(text) if tag == "title" else clean_text(text)
    return element


def render_atom_feed(session: Session, subscription: Subscription, *, public_url: str, now: datetime,
                     recent: list[Trend] | None = None) -> bytes:
    """The sent alerts, newest first. A feed that has sent nothing yet shows the `recent` trends that match its
    filters (flagged in the past four weeks), or one entry saying why it is still empty."""
    base = public_url.rstrip("/")
    rows = list(session.exec(select(AlertDelivery).where(AlertDelivery.subscription_id == subscription.id,
                                                         AlertDelivery.status == "sent")
                             .order_by(col(AlertDelivery.sent_at).desc(), col(AlertDelivery.id).desc())
                             .limit(MAX_ENTRIES)))
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", f"urn:leefwereld:subscription:{subscription.token}")
    _add(feed, "title", f"Monitor Online Leefwereld – {subscription.name}")
    _add(feed, "updated", (rows[0].sent_at if rows and rows[0].sent_at else now).isoformat())
    _add(_add(feed, "author"), "name", "Monitor Online Leefwereld")
    _add(feed, "link", rel="self", href=f"{base}/feeds/{subscription.token}.atom")
    for row in rows:
        for item in row.payload.get("items", []):
            entry = _add(feed, "entry")
            _add(entry, "id", f"urn:leefwereld:delivery:{row.id}:trend:{item['trend_id']}")
            _add(entry, "title", f"{item['label'] or 'Trend'} ({item['category_title']})")
            _add(entry, "updated", (row.sent_at or now).isoformat())
            _add(entry, "link", rel="alternate", href=base + item["url"])
            _add(entry, "category", term=item["category"] or "onbekend")
            lines = [f"Ernst: {item['severity']}; status: {item['status']}; {item['size']} berichten.",
                     *item.get("examples", [])]
            _add(entry, "summary", "\n".join(lines), type="text")
    if not rows:
        _add_waiting_entries(feed, subscription, recent or [], base, now)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _add_waiting_entries(feed: ET.Element, subscription: Subscription, recent: list[Trend], base: str,
                         now: datetime) -> None:
    english = subscription.language == "en"
    for trend in recent:
        entry = _add(feed, "entry")
        _add(entry, "id", f"urn:leefwereld:subscription:{subscription.token}:recent:{trend.id}")
        _add(entry, "title", f"{trend.label or 'Trend'}" + (" (flagged before you subscribed)" if english
                                                               else " (gesignaleerd voordat u zich abonneerde)"))
        _add(entry, "updated", (trend.emerging_at or now).isoformat())
        _add(entry, "link", rel="alternate", href=f"{base}/trends/{trend.id}")
        _add(entry, "summary", f"{trend.size} " + ("posts" if english else "berichten"), type="text")
    if not recent:
        entry = _add(feed, "entry")
        _add(entry, "id", f"urn:leefwereld:subscription:{subscription.token}:empty")
        _add(entry, "title", "No alerts yet" if english else "Nog geen signalen")
        _add(entry, "updated", now.isoformat())
        _add(entry, "link", rel="alternate", href=f"{base}/abonnementen/{subscription.id}")
        _add(entry, "summary", "No trend in the past four weeks matched the filters of this subscription; new "
                               "alerts appear here as soon as one does." if english else
                               "In de afgelopen vier weken paste geen trend bij de filters van dit abonnement; "
                               "nieuwe signalen verschijnen hier zodra er een is.", type="text")
