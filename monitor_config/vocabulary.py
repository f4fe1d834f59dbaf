"""Every code word the product stores and shows, defined once, with its Dutch and English label.

Code (the database, the API, the YAML file) uses the codes; people see the labels. Pages, e-mails, digests,
feeds and the command line all take their words from here, so a severity reads the same everywhere.

    SEVERITIES.label("critical")            -> "zeer hoog"
    SEVERITIES.label("critical", "en")      -> "critical"
    SEVERITIES.rank("high") > SEVERITIES.rank("medium")
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, get_args

Language = Literal["nl", "en"]
LANGUAGE_CODES: tuple[str, ...] = get_args(Language)


@dataclass(frozen=True)
class Term:
    code: str
    nl: str
    en: str


class Vocabulary:
    """An ordered set of codes with their labels; the order is the rank (low to high, first to last)."""

    def __init__(self, name: str, *terms: Term) -> None:
        self.name = name
        self._terms = {term.code: term for term in terms}
        self.codes: tuple[str, ...] = tuple(self._terms)

    def __contains__(self, code: object) -> bool:
        return code in self._terms

    def __iter__(self) -> Iterator[str]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def label(self, code: str | None, lang: str = "nl") -> str:
        """The label in `lang` (Dutch for any language not known); an unknown code is shown as it is."""
        term = self._terms.get(code or "")
        if term is None:
            return code or "–"
        return term.en if lang == "en" else term.nl

    def labels(self, lang: str = "nl") -> dict[str, str]:
        return {code: self.label(code, lang) for code in self.codes}

    def rank(self, code: str) -> int:
        """The position of `code` (0 for the first); raises ValueError naming the known codes."""
        try:
            return self.codes.index(code)
        except ValueError:
            raise ValueError(f"{self.name} {code!r} is not known; use one of {', '.join(self.codes)}") from None


LANGUAGES = Vocabulary("language", Term("nl", "Nederlands", "Dutch"), Term("en", "Engels", "English"))

# Trend lifecycle, in the order a trend usually moves through it.
TrendStatus = Literal["new", "emerging", "active", "fading", "dormant"]
TREND_STATUSES = Vocabulary(
    "trend status",
    Term("new", "Nieuw", "New"),
    Term("emerging", "Opkomend", "Emerging"),
    Term("active", "Actief", "Active"),
    Term("fading", "Afnemend", "Fading"),
    Term("dormant", "Slapend", "Dormant"),
)
FLAGGED_STATUSES: tuple[str, ...] = ("emerging", "active")

Severity = Literal["low", "medium", "high", "critical"]
SEVERITIES = Vocabulary(
    "severity",
    Term("low", "laag", "low"),
    Term("medium", "gemiddeld", "medium"),
    Term("high", "hoog", "high"),
    Term("critical", "zeer hoog", "critical"),
)

ReviewState = Literal["pending", "confirmed", "watch", "dismissed"]
REVIEW_STATES = Vocabulary(
    "review state",
    Term("pending", "wacht op beoordeling", "awaiting review"),
    Term("confirmed", "bevestigd", "confirmed"),
    Term("watch", "blijven volgen", "keep watching"),
    Term("dismissed", "afgewezen", "dismissed"),
)
# What a reviewer records on a trend: a verdict (which sets the review state) or a note.
REVIEW_ACTIONS = Vocabulary(
    "review action",
    Term("confirm", "bevestigd", "confirmed"),
    Term("watch", "blijven volgen", "keep watching"),
    Term("dismiss", "afgewezen", "dismissed"),
    Term("note", "notitie", "note"),
)
VERDICT_STATES: dict[str, str] = {"confirm": "confirmed", "watch": "watch", "dismiss": "dismissed"}

Channel = Literal["email", "webhook", "feed", "digest"]
CHANNELS = Vocabulary(
    "channel",
    Term("email", "E-mail", "E-mail"),
    Term("webhook", "Webhook", "Webhook"),
    Term("feed", "Persoonlijke Atom-feed", "Personal Atom feed"),
    Term("digest", "Weekoverzicht per e-mail", "Weekly digest by e-mail"),
)
ALERT_CHANNELS: tuple[str, ...] = ("email", "webhook", "feed")  # the channels that carry alerts on trends

DeliveryMode = Literal["immediate", "daily"]
DELIVERY_MODES = Vocabulary(
    "delivery mode",
    Term("immediate", "direct", "immediately"),
    Term("daily", "één keer per dag", "once a day"),
)

DELIVERY_STATUSES = Vocabulary(
    "delivery status",
    Term("queued", "wacht op dagoverzicht", "waiting for the daily summary"),
    Term("bundled", "opgenomen in dagoverzicht", "included in a daily summary"),
    Term("pending", "wordt verstuurd", "to be sent"),
    Term("sending", "wordt verstuurd", "being sent"),
    Term("sent", "verstuurd", "sent"),
    Term("failed", "mislukt", "failed"),
)

Role = Literal["youth_worker", "safety_coordinator", "reviewer", "admin"]
# The role ladder: each role may do everything the roles before it may.
ROLES = Vocabulary(
    "role",
    Term("youth_worker", "jongerenwerker", "youth worker"),
    Term("safety_coordinator", "veiligheidscoördinator", "school safety coordinator"),
    Term("reviewer", "beoordelaar", "reviewer"),
    Term("admin", "beheerder", "administrator"),
)

PLATFORMS = Vocabulary(
    "platform",
    Term("tiktok", "TikTok", "TikTok"),
    Term("instagram", "Instagram", "Instagram"),
    Term("youtube", "YouTube", "YouTube"),
    Term("mastodon", "Mastodon", "Mastodon"),
    Term("bluesky", "Bluesky", "Bluesky"),
    Term("telegram", "Telegram", "Telegram"),
    Term("reddit", "Reddit", "Reddit"),
    Term("x", "X (Twitter)", "X (Twitter)"),
    Term("rss", "Nieuws (RSS)", "News (RSS)"),
    Term("html", "Websites", "Web pages"),
    Term("4cat", "4CAT-import", "4CAT import"),
)

for _literal, _vocabulary in ((TrendStatus, TREND_STATUSES), (Severity, SEVERITIES), (ReviewState, REVIEW_STATES),
                              (Channel, CHANNELS), (DeliveryMode, DELIVERY_MODES), (Role, ROLES),
                              (Language, LANGUAGES)):
    assert get_args(_literal) == _vocabulary.codes, f"{_vocabulary.name}: the Literal and the terms disagree"
