"""The sentences that explain a trend to a reader: why it was flagged, and what it is in one or two sentences.

Every surface (trend page, signal sheet and its PDF, review page, alert e-mails, weekly digest) renders these
from here, in Dutch or English, with the reader's number formatting (Babel); the words are the `why.*` and
`summary.*` keys of the one catalogue, `api.i18n`. The classifier stores the figures and thresholds of the moment
a trend was flagged (`Trend.summary["why_flagged"]`); this module turns them into criteria, each with its value
and its threshold, and judges "met" from those numbers alone, never from a list the data carries along.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from jinja2 import pass_context
from jinja2.runtime import Context

from api.i18n import translate as _t  # the one catalogue: keys why.* and summary.*
from monitor_config.vocabulary import PLATFORMS


@dataclass(frozen=True)
class Criterion:
    text: str
    met: bool
    verdict: str = ""  # 'voldaan' / 'niet voldaan' in the reader's language


@dataclass(frozen=True)
class Explanation:
    intro: str
    criteria: list[Criterion]

    @property
    def lines(self) -> list[str]:
        """The explanation as plain lines (e-mail text, PDF)."""
        return [self.intro, *(criterion_line(c, self._lang) for c in self.criteria)]

    _lang: str = "nl"


def _locale(lang: str) -> str:
    return "en" if lang == "en" else "nl"


def number(value: float | int, lang: str = "nl", digits: int = 1) -> str:
    """12, 1.437 -> '1,4' (Dutch) or '1.4' (English); thousands grouped."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale(lang))


def _moment(text: object, lang: str) -> str:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return str(text)
    return format_date(moment.date(), "d MMMM y", locale=_locale(lang))  # windows are days: the hour says nothing


def _span(text: object, lang: str) -> str:
    """'7d' -> '7 dagen' / '7 days'; '12h' -> '12 uur'."""
    from api.labels import duration_label

    raw = str(text or "")
    units = {"d": 86400, "h": 3600, "m": 60}
    if raw[:-1].isdigit() and raw[-1:] in units:
        return duration_label(timedelta(seconds=int(raw[:-1]) * units[raw[-1]]), lang)
    return raw


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def explain_flag(why: dict[str, Any] | None, lang: str = "nl") -> Explanation | None:
    """Why a trend was flagged, as an intro and one criterion per threshold; None when it never was."""
    if not why:
        return None
    window: dict[str, Any] = why["window"] if isinstance(why.get("window"), dict) else {}
    limits: dict[str, Any] = why["thresholds"] if isinstance(why.get("thresholds"), dict) else {}
    theme: dict[str, Any] | None = why["new_theme"] if isinstance(why.get("new_theme"), dict) else None
    n = lambda v, d=1: number(v, lang, d)  # noqa: E731
    criteria: list[Criterion] = []
    if theme is not None:
        intro = _t(lang, "why.intro.theme", start=_moment(window.get("start"), lang))
        voices, needed = _num(theme.get("voices_since_first_post")), _num(theme.get("voices_needed"))
        if voices is not None and needed is not None:
            criteria.append(Criterion(_t(lang, "why.theme_voices", value=n(voices, 0), threshold=n(needed, 0)),
                                      voices >= needed))
        early, late, growth = _num(theme.get("first_third")), _num(theme.get("last_third")), _num(theme.get("growth"))
        minimum = _num(limits.get("min_growth"))
        if early is not None and late is not None and minimum is not None:
            criteria.append(Criterion(_t(lang, "why.theme_rise", late=n(late, 0), early=n(early, 0),
                                         threshold=n(minimum)), late >= minimum * max(early, 1)))
        expected = _num(theme.get("expected_from_stream"))
        if growth is not None and minimum is not None:
            shown = n(expected or 0, 1 if (expected or 0) >= 1 else 2)
            if (expected or 0) > 0 and shown == n(0):  # "29 times what ... led to expect (0)" reads as an error
                shown = _t(lang, "why.almost_zero")
            criteria.append(Criterion(_t(lang, "why.theme_growth", value=n(growth), expected=shown,
                                         threshold=n(minimum)), growth >= minimum))
    else:
        intro = _t(lang, "why.intro.window", start=_moment(window.get("start"), lang))
        signal, minimum = _num(window.get("signal")), _num(limits.get("min_authors"))
        if signal is not None and minimum is not None:
            criteria.append(Criterion(_t(lang, "why.voices", value=n(signal, 0), threshold=n(minimum, 0)),
                                      signal >= minimum))
        burst, limit = _num(window.get("burst")), _num(limits.get("burst_z"))
        if burst is not None and limit is not None:
            criteria.append(Criterion(_t(lang, "why.burst", value=n(burst), threshold=n(limit),
                                         baseline=n(_num(window.get("baseline")) or 0),
                                         span=_span(limits.get("baseline_span"), lang)), burst >= limit))
        growth, limit = _num(window.get("growth")), _num(limits.get("min_growth"))
        if growth is not None and limit is not None:
            criteria.append(Criterion(_t(lang, "why.growth", value=n(growth), threshold=n(limit)), growth >= limit))
    if not criteria:
        return Explanation(_t(lang, "why.unknown"), [], lang)
    return Explanation(intro, [Criterion(c.text, c.met, _t(lang, "why.met" if c.met else "why.not_met"))
                               for c in criteria], lang)


def criterion_line(criterion: Criterion, lang: str = "nl") -> str:
    """'- 12 verschillende afzenders ... (voldaan)' for plain text."""
    return f"- {criterion.text} ({_t(lang, 'why.met' if criterion.met else 'why.not_met')})"


def why_lines(why: dict[str, Any] | None, lang: str = "nl") -> list[str]:
    explanation = explain_flag(why, lang)
    return explanation.lines if explanation is not None else []


def _times(ratio: float, lang: str) -> str:
    whole = round(ratio)
    if abs(ratio - whole) < 0.15 and whole in (2, 3, 4):
        return _t(lang, f"summary.ratio.{whole}")
    return _t(lang, "summary.ratio.n", n=number(ratio, lang))


def compare_weeks(posts: int, previous: int, lang: str = "nl") -> str:
    """', twee keer zoveel als de week ervoor' and the like; empty when neither week had posts."""
    if previous == 0:
        return _t(lang, "summary.first") if posts else ""
    ratio = posts / previous
    if ratio >= 1.75:
        return _t(lang, "summary.times", times=_times(ratio, lang))
    if 0.9 <= ratio <= 1.1:
        return _t(lang, "summary.same")
    return _t(lang, "summary.more" if ratio > 1 else "summary.less", previous=number(previous, lang, 0))


def platform_phrase(platforms: dict[str, int], lang: str = "nl") -> str:
    """', vooral op TikTok' when one platform carries most posts, ', op TikTok en Instagram' when those are the
    only two, else ', vooral op TikTok en Instagram' (the two largest)."""
    counts = sorted(((v, k) for k, v in platforms.items() if v > 0), reverse=True)
    if not counts:
        return ""
    total = sum(v for v, _ in counts)
    names = [PLATFORMS.label(k, lang) for _, k in counts]
    if counts[0][0] * 2 > total or len(names) == 1:
        return _t(lang, "summary.mostly", platform=names[0])
    two = _t(lang, "summary.and").join(names[:2])
    return _t(lang, "summary.on", platforms=two) if len(names) == 2 else _t(lang, "summary.mostly", platform=two)


def summary_sentence(*, topic: str, first_seen: datetime | date, authors: int, platforms: dict[str, int],
                     posts: int, previous: int, lang: str = "nl", period_end: date | None = None) -> str:
    """'Sinds 21 oktober schrijven 98 accounts over ..., vooral op TikTok; deze week 32 berichten, twee keer
    zoveel als de week ervoor.' With `period_end`, the week is the seven days up to that day."""
    day = first_seen.date() if isinstance(first_seen, datetime) else first_seen
    accounts = (_t(lang, "summary.accounts.one") if authors == 1
                else _t(lang, "summary.accounts.many", n=number(authors, lang, 0)))
    text = _t(lang, "summary.since", day=format_date(day, "d MMMM y", locale=_locale(lang)),
              verb=_t(lang, "summary.verb.one" if authors == 1 else "summary.verb.many"),
              authors=accounts, topic=f"“{topic}”")
    text += platform_phrase(platforms, lang)
    period = (_t(lang, "summary.period.last7", day=format_date(period_end, "d MMMM", locale=_locale(lang)))
              if period_end is not None else _t(lang, "summary.period.week"))
    count = (_t(lang, "summary.posts.none") if posts == 0 else _t(lang, "summary.posts.one") if posts == 1
             else _t(lang, "summary.posts.many", n=number(posts, lang, 0)))
    text += _t(lang, "summary.week", period=period, posts=count) + compare_weeks(posts, previous, lang)
    return text + "."


@pass_context
def _explain_filter(context: Context, why: dict[str, Any] | None) -> Explanation | None:
    return explain_flag(why, str(context.get("lang") or "nl"))


@pass_context
def _why_lines_filter(context: Context, why: dict[str, Any] | None) -> list[str]:
    return why_lines(why, str(context.get("lang") or "nl"))


FILTERS: dict[str, Any] = {"explain": _explain_filter, "why_lines": _why_lines_filter}
