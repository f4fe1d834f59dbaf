"""How codes, moments and figures read on pages, e-mails and the command line, in the reader's language.

The words for codes come from `monitor_config.vocabulary`, the words for trend links and durations from
`api.i18n`; moments are shown in the configured time zone.
Templates reach these through the filters of the one Jinja environment (`api.templating`): each filter reads
`lang` and `zone` from the template's context.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from jinja2 import pass_context
from jinja2.runtime import Context

from api.i18n import has_text, translate
from monitor_config.vocabulary import (
    CHANNELS,
    DELIVERY_MODES,
    DELIVERY_STATUSES,
    PLATFORMS,
    REVIEW_ACTIONS,
    REVIEW_STATES,
    ROLES,
    SEVERITIES,
    TREND_STATUSES,
    Vocabulary,
)

UTC = ZoneInfo("UTC")

VOCABULARIES: dict[str, Vocabulary] = {
    "status": TREND_STATUSES, "severity": SEVERITIES, "review_state": REVIEW_STATES, "review_action": REVIEW_ACTIONS,
    "channel": CHANNELS, "mode": DELIVERY_MODES, "delivery_status": DELIVERY_STATUSES, "platform": PLATFORMS,
    "role": ROLES,
}


def format_day(day: date, lang: str = "nl") -> str:
    """'18 november 2026' (Dutch) or '18 November 2026' (English)."""
    return format_date(day, "d MMMM y", locale="en" if lang == "en" else "nl")


def moment_label(moment: datetime | None, zone: ZoneInfo, lang: str = "nl") -> str:
    """'18 november 2026, 13:00' in `zone`."""
    if moment is None:
        return "–"
    local = moment.astimezone(zone)
    return f"{format_day(local.date(), lang)}, {local:%H:%M}"


def growth_label(growth: float | None, lang: str = "nl") -> str:
    """A ratio against the trend's own baseline, with the reader's decimal sign."""
    if growth is None:
        return "–"
    text = f"×{growth:.1f}"
    return text if lang == "en" else text.replace(".", ",")


def lineage_label(relation: str, side: str, lang: str = "nl") -> str:
    """What happened between two trends, seen from this one (`lineage.<relation>.<side>`), followed by the other
    trend's name; a relation without words of its own reads as its code."""
    key = f"lineage.{relation}.{side}"
    return translate(lang, key) if has_text(key) else f"{relation}:"


def lineage_sentence(relation: str, side: str, other_label: str, at: datetime, zone: ZoneInfo,
                     lang: str = "nl") -> str:
    """'Afgesplitst van “Drill beef” (14 november 2026, 01:00).': the link as the pages say it."""
    return f"{lineage_label(relation, side, lang)} “{other_label}” ({moment_label(at, zone, lang)})."


def _lang(context: Context) -> str:
    return str(context.get("lang") or "nl")


def _zone(context: Context) -> ZoneInfo:
    zone = context.get("zone")
    return zone if isinstance(zone, ZoneInfo) else UTC


def _vocabulary_filter(vocabulary: Vocabulary) -> Any:
    @pass_context
    def label(context: Context, code: str | None) -> str:
        return vocabulary.label(code, _lang(context))

    return label


@pass_context
def _moment(context: Context, moment: datetime | None) -> str:
    return moment_label(moment, _zone(context), _lang(context))


@pass_context
def _day(context: Context, day: date | None) -> str:
    return format_day(day, _lang(context)) if day is not None else "–"


def duration_label(span: timedelta, lang: str = "nl") -> str:
    """'6 uur', '1 dag', '30 minuten': the largest whole unit."""
    seconds = int(span.total_seconds())
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size and seconds % size == 0 or size == 60:
            count = max(1, round(seconds / size))
            word = translate(lang, f"duration.{unit}" if count == 1 else f"duration.{unit}s")
            return f"{count} {word}"
    return f"{seconds} s"


@pass_context
def _duration(context: Context, span: timedelta) -> str:
    return duration_label(span, _lang(context))


@pass_context
def _growth(context: Context, growth: float | None) -> str:
    return growth_label(growth, _lang(context))


@pass_context
def _lineage(context: Context, link: Any) -> str:
    return lineage_label(link.relation, link.side, _lang(context))


FILTERS: dict[str, Any] = {
    **{name: _vocabulary_filter(vocabulary) for name, vocabulary in VOCABULARIES.items()},
    "moment": _moment, "day": _day, "duration": _duration, "growth": _growth,
    "lineage": _lineage,
}
