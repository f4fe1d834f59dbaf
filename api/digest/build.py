"""Build the digest of one ISO week from the trends and their day snapshots.

Each trend lands in at most one section, in this order of precedence: emerging (its emergence fell in the
week), new (first seen in the week), growing, fading (by the week's volume against the week before), and still
active (at least MIN_VOLUME posts in the week without such a change: a drill beef that goes on at a steady pace
is not news by its figures, but a youth worker must still see it that week).
Trends in categories marked for review wait for a reviewer's confirmation; dismissed ones never appear;
trends without a risk category (everyday talk) are only counted.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from difflib import SequenceMatcher
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session, col

from api.digest.model import SECTION_ORDER, Digest, DigestCategory, DigestItem, DigestPost, DigestSection, SectionKind
from api.digest.weeks import IsoWeek
from api.explain import summary_sentence, why_lines
from api.i18n import translate
from api.labels import format_day, moment_label
from api.public import describe_category
from api.queries.trends import (
    WEEK,
    daily_volumes,
    find_trends_active_between,
    find_week_posts,
    list_lineage,
    member_figures,
)
from api.visibility import awaits_review
from models.analysis import Trend, TrendSnapshot
from models.privacy import redact
from monitor_config.schema import MonitorConfig
from monitor_config.vocabulary import SEVERITIES

GROWTH_RATIO = 1.5
FADE_RATIO = 0.5
MIN_VOLUME = 3  # fewer posts than this are noise, neither growth nor fading
EXAMPLES_PER_TREND = 2
EXAMPLE_LENGTH = 240
SPARK_WEEKS = 4
PARTIAL_AFTER = timedelta(days=1)  # data that stops more than a day before the week ends leaves it incomplete


def classify_trend(trend: Trend, week: IsoWeek, volume: int, previous: int, zone: ZoneInfo) -> SectionKind | None:
    start, end = week.start(zone), week.end(zone)
    if trend.emerging_at is not None and start <= trend.emerging_at < end:
        return "emerging"
    if start <= trend.first_seen < end:
        return "new"
    if volume >= MIN_VOLUME and volume > previous and volume >= previous * GROWTH_RATIO:
        return "growing"
    if previous >= MIN_VOLUME and volume <= previous * FADE_RATIO:
        return "fading"
    if volume >= MIN_VOLUME:
        return "active"
    return None


def shorten(text: str, limit: int = EXAMPLE_LENGTH) -> str:
    """Redact first, then cut: a cut must never leave half a phone number unmasked."""
    clean = " ".join(redact(text).split())
    return clean if len(clean) <= limit else clean[: limit - 1].rstrip() + "…"


def _change(volume: int, previous: int) -> int | None:
    return round((volume - previous) * 100 / previous) if previous else None


NEAR_DUPLICATE = 0.8  # examples more alike than this (difflib ratio) show the same thing twice


def _distinct(texts: list[str], limit: int) -> list[int]:
    """Indexes of up to `limit` texts, skipping near-duplicates of one already chosen."""
    chosen: list[int] = []
    for i, text in enumerate(texts):
        key = text.casefold()
        if all(SequenceMatcher(None, key, texts[j].casefold()).ratio() < NEAR_DUPLICATE for j in chosen):
            chosen.append(i)
        if len(chosen) == limit:
            break
    return chosen


def _examples(session: Session, trend: Trend, week: IsoWeek, zone: ZoneInfo) -> list[DigestPost]:
    """Distinct posts of this week (representative ones first), redacted; none when the week has none stored."""
    ids = (trend.summary or {}).get("representative_post_ids") or []
    ids = [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []
    posts = find_week_posts(session, trend.id or 0, week.start(zone), week.end(zone), prefer=ids,
                            limit=EXAMPLES_PER_TREND * 6, category=trend.category)
    texts = [shorten(p.text) for p in posts]
    return [DigestPost(platform=posts[i].platform, created_at=posts[i].created_at,
                       day=posts[i].created_at.astimezone(zone).date(), text=texts[i])
            for i in _distinct(texts, EXAMPLES_PER_TREND)]


def _splits(session: Session, trend: Trend, end: datetime, config: MonitorConfig, lang: str) -> str:
    """The splits this trend took part in before `end`, as sentences ('Afgesplitst van “Drill beef” op 14 november
    2026.'): a second drill beef is read as a new event beside the first. Trends still awaiting review are not
    named."""
    zone = config.zone
    return " ".join(
        translate(lang, "digest.split." + ("child" if link.child_id == trend.id else "parent"),
                  other=other.label or f"Trend {other.id}", day=format_day(link.at.astimezone(zone).date(), lang))
        for link, other in list_lineage(session, trend.id or 0)
        if link.relation == "split" and link.at < end and other.merged_into is None
        and not awaits_review(other, config))


def _week_authors(session: Session, trend_id: int, start: datetime, end: datetime) -> int:
    """Distinct authors of the week from the week snapshots (they outlive purged posts)."""
    return int(session.execute(select(func.max(TrendSnapshot.authors)).where(
        col(TrendSnapshot.trend_id) == trend_id, col(TrendSnapshot.window) == WEEK,
        col(TrendSnapshot.window_start) >= start - timedelta(days=1), col(TrendSnapshot.window_start) < end)
    ).scalar_one() or 0)


def _item(session: Session, trend: Trend, week: IsoWeek, days: list[date], volumes: dict[date, int],
          config: MonitorConfig, lang: str) -> DigestItem:
    """The trend's figures for this week only: posts, authors and posts per platform of the week, which agree."""
    zone = config.zone
    daily = [volumes.get(day, 0) for day in days]
    counted_volume, previous = sum(daily[-7:]), sum(daily[-14:-7])
    start, end = week.start(zone), week.end(zone)
    stored = member_figures(session, trend.id or 0, start, end)
    if stored.posts >= counted_volume:  # every post of the week is still stored: count them
        volume, authors, platforms = stored.posts, stored.authors, stored.platforms
    else:  # the week's posts were purged; the day counts remain, the breakdown per platform does not
        volume, platforms = counted_volume, {}
        authors = min(volume, max(stored.authors, _week_authors(session, trend.id or 0, start, end)))
    label = trend.label or f"Trend {trend.id}"
    all_platforms = {str(k): int(v) for k, v in ((trend.summary or {}).get("platforms") or {}).items()
                     if isinstance(v, (int, float))}
    summary = summary_sentence(topic=label, first_seen=trend.first_seen.astimezone(zone), authors=trend.authors,
                               platforms=all_platforms, posts=volume, previous=previous, lang=lang)
    summary = " ".join(part for part in (summary, _splits(session, trend, end, config, lang)) if part)
    why = why_lines((trend.summary or {}).get("why_flagged"), lang) if trend.emerging_at is not None \
        and trend.emerging_at < end else []
    return DigestItem(trend_id=trend.id or 0, label=label, status=trend.status,
                      volume=volume, previous_volume=previous, change_percent=_change(volume, previous),
                      authors=authors, platforms=platforms, summary=summary, why=why,
                      daily=daily, examples=[], path=f"/trends/{trend.id}")


def _group(items: list[tuple[Trend, DigestItem]], config: MonitorConfig, lang: str) -> list[DigestCategory]:
    groups: dict[str | None, list[DigestItem]] = {}
    for trend, item in items:
        groups.setdefault(trend.category, []).append(item)
    categories = []
    for name, members in groups.items():
        title, severity = describe_category(config, name, lang)
        members.sort(key=lambda i: (-i.volume, i.trend_id))
        categories.append(DigestCategory(name=name, title=title or translate(lang, "digest.other_category"),
                                         severity=severity, items=members))
    def most_severe_first(category: DigestCategory) -> tuple[int, str]:
        severity = category.severity
        rank = SEVERITIES.rank(severity) if severity is not None and severity in SEVERITIES else -1
        return -rank, category.title

    return sorted(categories, key=most_severe_first)


def describe_coverage(session: Session, week: IsoWeek, zone: ZoneInfo, lang: str, now: datetime) -> tuple[str, str]:
    """How far the data of this week reaches ('none', 'running', 'partial' or 'full') and that as a sentence: a week
    before any data or after the data stopped says so, as do a week the data stops in and one only just started."""
    from api.freshness import data_span  # reads the tables of every stage; only the digest's build needs it

    first_day, newest = data_span(session, zone)
    start, end = week.start(zone), week.end(zone)
    if newest is None or newest < start or (first_day is not None and first_day >= week.monday + timedelta(days=7)):
        return "none", translate(lang, "digest.coverage.none")
    until = moment_label(min(newest, now), zone, lang)
    kind = "running" if end > now else "partial" if newest < end - PARTIAL_AFTER else "full"
    return kind, translate(lang, f"digest.coverage.{kind}", moment=until)


def build_digest(session: Session, *, week: IsoWeek, config: MonitorConfig, lang: str = "nl",
                 now: datetime) -> Digest:
    zone = config.zone
    coverage, coverage_text = describe_coverage(session, week, zone, lang, now)
    first = week.shifted(1 - SPARK_WEEKS)
    days = [first.monday + timedelta(days=n) for n in range(7 * SPARK_WEEKS)]
    trends = [t for t in find_trends_active_between(session, week.shifted(-1).start(zone), week.end(zone))
              if not awaits_review(t, config)] if coverage != "none" else []  # no data is not "fading"
    volumes = daily_volumes(session, [t.id for t in trends if t.id is not None], first.start(zone), week.end(zone),
                            zone)
    placed: dict[SectionKind, list[tuple[Trend, DigestItem]]] = {kind: [] for kind in SECTION_ORDER}
    uncategorised = 0
    for trend in trends:
        item = _item(session, trend, week, days, volumes.get(trend.id or 0, {}), config, lang)
        kind = classify_trend(trend, week, item.volume, item.previous_volume, zone)
        if kind is None:
            continue
        if trend.category is None:  # everyday talk with no risk category: counted when it moved, not listed
            uncategorised += kind != "active"
            continue
        item.examples = _examples(session, trend, week, zone)  # read for the listed trends only
        placed[kind].append((trend, item))
    sections = [
        DigestSection(kind=kind, title=translate(lang, f"digest.section.{kind}"),
                      intro=translate(lang, f"digest.section.{kind}.intro", ratio=round((GROWTH_RATIO - 1) * 100),
                                      minimum=MIN_VOLUME),
                      categories=_group(placed[kind], config, lang))
        for kind in SECTION_ORDER if placed[kind]
    ]
    items = [item for kind in SECTION_ORDER for _, item in placed[kind]]
    posts = sum(i.volume for i in items)
    totals = (translate(lang, "digest.empty") if not items else
              translate(lang, "digest.totals.one" if len(items) == 1 else "digest.totals", trends=len(items),
                        posts=posts))
    if coverage == "none":
        totals = coverage_text
    if uncategorised:
        totals += " " + translate(lang, "digest.uncategorised", count=uncategorised)
    return Digest(week=str(week), lang=lang, title=translate(lang, "digest.title", week=str(week)),
                  period=translate(lang, "digest.period", start=format_day(week.monday, lang),
                                   end=format_day(week.monday + timedelta(days=6), lang)),
                  start=week.start(zone), end=week.end(zone), generated_at=now, organisation=config.organisation,
                  trend_count=len(items), post_count=posts, totals=totals, sections=sections,
                  coverage=coverage_text if coverage != "none" or items else "")
