"""Does a trend match a subscription's filters? Categories, minimum severity, keywords, places, platforms.

Keywords and places are looked for in the trend's label, its keywords and its member posts' text, with case
and accents folded (`crawlers.matching.fold`), as whole words. A place matches by its name or any alias.
An empty filter lets everything through.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from crawlers.matching import fold
from models.analysis import Trend, TrendMembership
from models.content import Post
from monitor_config.schema import MonitorConfig
from monitor_config.vocabulary import SEVERITIES

FILTER_KEYS = ("categories", "keywords", "min_severity", "places", "platforms")
MAX_MEMBER_POSTS = 500


@dataclass(frozen=True)
class TrendFacts:
    """What the filters look at, read once per trend."""

    trend: Trend
    severity: str
    folded_text: str  # " word word ... " with a space on each side
    platforms: frozenset[str]
    posts: tuple[Post, ...]


def read_trend_facts(session: Session, trend: Trend, config: MonitorConfig) -> TrendFacts:
    posts = tuple(session.exec(
        select(Post).join(TrendMembership, col(TrendMembership.post_id) == Post.id)
        .where(col(TrendMembership.trend_id) == trend.id).order_by(col(Post.created_at).desc()).limit(MAX_MEMBER_POSTS)
    ))
    texts = [trend.label, *map(str, trend.keywords), *(p.text for p in posts)]
    return TrendFacts(trend=trend, severity=severity_of(trend, config),
                      folded_text=" " + " | ".join(fold(t) for t in texts) + " ",
                      platforms=frozenset(p.platform for p in posts), posts=posts)


def severity_of(trend: Trend, config: MonitorConfig) -> str:
    known = {c.name: c.severity for c in config.categories}
    return known.get(trend.category or "", "low")


def place_forms(config: MonitorConfig, names: list[str]) -> list[str]:
    forms = []
    for place in config.places:
        if place.name in names:
            forms += [fold(form) for form in (place.name, *place.aliases)]
    return [form for form in forms if form]


def check_filters(filters: dict[str, Any], config: MonitorConfig) -> dict[str, Any]:
    """The filters, cleaned; ValueError names the filter, the bad value and the fix."""
    unknown = set(filters) - set(FILTER_KEYS)
    if unknown:
        raise ValueError(f"Onbekend filter {sorted(unknown)}; kies uit {', '.join(FILTER_KEYS)}.")
    clean: dict[str, Any] = {}
    for key in ("categories", "keywords", "places", "platforms"):
        values = [str(v).strip() for v in filters.get(key) or [] if str(v).strip()]
        if values:
            clean[key] = values
    categories = {c.name for c in config.categories}
    for name in clean.get("categories", []):
        if name not in categories:
            raise ValueError(f"Onbekende categorie {name!r}; kies uit {', '.join(sorted(categories))}.")
    places = {p.name for p in config.places}
    for name in clean.get("places", []):
        if name not in places:
            raise ValueError(f"Onbekende plaats {name!r}; kies een naam uit de configuratie (places).")
    severity = filters.get("min_severity")
    if severity:
        if severity not in SEVERITIES:
            raise ValueError(f"Onbekende ernst {severity!r}; kies uit {', '.join(SEVERITIES)}.")
        clean["min_severity"] = severity
    return clean


def _has_phrase(facts: TrendFacts, phrase: str) -> bool:
    folded = fold(phrase)
    return bool(folded) and f" {folded} " in facts.folded_text


def matches_filters(filters: dict[str, Any], facts: TrendFacts, config: MonitorConfig) -> bool:
    if filters.get("categories") and facts.trend.category not in filters["categories"]:
        return False
    minimum = filters.get("min_severity")
    if minimum and SEVERITIES.rank(facts.severity) < SEVERITIES.rank(minimum):
        return False
    if filters.get("keywords") and not any(_has_phrase(facts, k) for k in filters["keywords"]):
        return False
    if filters.get("places"):
        forms = place_forms(config, filters["places"])
        if not any(f" {form} " in facts.folded_text for form in forms):
            return False
    return not (filters.get("platforms") and not facts.platforms & set(filters["platforms"]))
