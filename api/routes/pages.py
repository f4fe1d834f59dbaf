"""The web pages of trends: the overview with filters and a period, a trend's page, and the weekly digest."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from api.alerts.filters import matches_filters, read_trend_facts
from api.charts import day_chart_svg, sparkline_svg
from api.deps import ClockDep, CurrentUser, SessionDep, SettingsDep
from api.digest import InvalidWeekError, last_complete_week, load_digest, parse_week
from api.digest.render import digest_context
from api.freshness import Freshness, data_span, read_freshness
from api.i18n import choose_language, translate
from api.params import MAX_ID
from api.periods import CHOICES, Period, read_period
from api.queries.trends import TrendFilters, TrendRow, daily_volumes, get_trend, list_trends, total_daily_volume
from api.templating import TEMPLATES
from api.trend_views import describe_trend, make_trend_detail, make_trend_public
from api.visibility import filters_for, may_see
from monitor_config.schema import MonitorConfig
from monitor_config.vocabulary import PLATFORMS, TREND_STATUSES

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
PLACE_SCAN_LIMIT = 2000  # trends read to apply a place filter (it looks into the posts' text)


def read_page_filters(category: str, status: str, platform: str, keyword: str, config: MonitorConfig,
                      period: Period) -> TrendFilters:
    """Form input as typed; empty fields are no filter and unknown values are ignored."""
    zone = config.zone
    return TrendFilters(categories=(category,) if category in {c.name for c in config.categories} else (),
                        statuses=(status,) if status in TREND_STATUSES else (),
                        platform=platform if platform in PLATFORMS else None, keyword=keyword.strip()[:100] or None,
                        since=period.start(zone), until=period.end(zone))


def covered_days(freshness: Freshness, config: MonitorConfig) -> tuple[Any, Any] | None:
    if freshness.newest_post is None or freshness.first_day is None:
        return None
    return freshness.first_day, freshness.newest_post.astimezone(config.zone).date()


def filter_by_place(session: Session, rows: list[TrendRow], place: str, config: MonitorConfig) -> list[TrendRow]:
    """The trends whose label, keywords or posts name the place (by name or alias), as alert filters match it."""
    wanted = {"places": [place]}
    return [row for row in rows if matches_filters(wanted, read_trend_facts(session, row.trend, config), config)]


@router.get("/trends", response_class=HTMLResponse)
def trends_page(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep, user: CurrentUser,
                category: str = "", status: str = "", platform: str = "", keyword: str = "", place: str = "",
                period: str = "30", van: str = "", tot: str = "", page: str = "1") -> Any:
    config, lang = settings.watch, choose_language(request, user)
    zone, now = config.zone, clock()
    chosen, period_problem = read_period(period, van, tot, today=now.astimezone(zone).date())
    page_number = max(1, min(int(page) if page.isdigit() else 1, 10_000))  # a mistyped page is the first one
    filters = filters_for(user, config, read_page_filters(category, status, platform, keyword, config, chosen))
    place_name = place if place in {p.name for p in config.places} else ""
    offset = (page_number - 1) * PAGE_SIZE
    if place_name:
        rows, _ = list_trends(session, filters, limit=PLACE_SCAN_LIMIT, offset=0)
        rows = filter_by_place(session, rows, place_name, config)
        total, rows = len(rows), rows[offset:offset + PAGE_SIZE]
    else:
        rows, total = list_trends(session, filters, limit=PAGE_SIZE, offset=offset)
    start, end = chosen.start(zone), chosen.end(zone)
    volumes = daily_volumes(session, [row.trend.id for row in rows if row.trend.id], start, end, zone)
    titles = {c.name: c.title_in(lang) for c in config.categories}
    trends = [(make_trend_public(row.trend, row.growth, config),
               [volumes.get(row.trend.id or 0, {}).get(day, 0) for day in chosen.days]) for row in rows]
    totals = total_daily_volume(session, start, end, zone, filters.unconfirmed_hidden_in)
    freshness = read_freshness(session, config, now)
    chart = day_chart_svg(chosen.days, totals, lang=lang, covered=covered_days(freshness, config),
                          label=translate(lang, "trends.chart.label", days=len(chosen.days),
                                          total=sum(totals.values()), top=max(totals.values(), default=0)))
    form = {"category": category, "status": status, "platform": platform, "keyword": keyword, "place": place_name,
            "period": chosen.choice, "van": chosen.first.isoformat(), "tot": chosen.last.isoformat()}
    return TEMPLATES.TemplateResponse(request, "trends.html", {
        "user": user, "trends": trends, "total": total, "page": page_number, "pages": max(1, -(-total // PAGE_SIZE)),
        "categories": config.categories, "titles": titles, "statuses": TREND_STATUSES.codes,
        "platforms": PLATFORMS.codes, "places": config.places, "periods": CHOICES, "chart": chart,
        "sparkline": sparkline_svg, "form": form, "period": chosen, "period_problem": period_problem,
        "filtered": any((category, status, platform, keyword, place_name)),
    })


@router.get("/trends/{trend_id}", response_class=HTMLResponse)
def trend_page(request: Request, trend_id: int, session: SessionDep, settings: SettingsDep, clock: ClockDep,
               user: CurrentUser) -> Any:
    from fastapi import HTTPException

    config, lang = settings.watch, choose_language(request, user)
    trend = get_trend(session, trend_id) if 0 < trend_id <= MAX_ID else None
    if trend is None or not may_see(user, trend, config):  # awaiting review: as unknown as a wrong id
        raise HTTPException(404, detail=f"Trend {trend_id} bestaat niet (meer); misschien is het adres verkeerd "
                                        "overgenomen.")
    detail = make_trend_detail(session, trend, config, shown=lambda other: may_see(user, other, config))
    freshness = read_freshness(session, config, clock())
    chart = trend_chart(session, detail, config, lang, freshness)
    summary_text = describe_trend(session, trend, config, lang, freshness.newest_post)
    days = detail.timeline.windows[-90:]
    unit = ("day", "days") if all(s.window == "day" for s in days) else ("window", "windows")
    return TEMPLATES.TemplateResponse(request, "trend.html", {
        "user": user, "trend": detail, "chart": chart, "days": days, "unit": unit, "summary_text": summary_text,
        "category_title": next((c.title_in(lang) for c in config.categories if c.name == detail.category),
                               detail.category_title)})


def trend_chart(session: Session, detail: Any, config: MonitorConfig, lang: str, freshness: Freshness) -> Any:
    """Posts per day from a week before the trend was first seen to its last day (at most 90 days)."""
    zone = config.zone
    last = detail.last_seen.astimezone(zone).date()
    first = max(detail.first_seen.astimezone(zone).date() - timedelta(days=7), last - timedelta(days=89))
    period = Period("custom", first, last)
    volumes = daily_volumes(session, [detail.id], period.start(zone), period.end(zone), zone).get(detail.id, {})
    return day_chart_svg(period.days, volumes, lang=lang, covered=covered_days(freshness, config),
                         label=translate(lang, "trend.chart.label", days=len(period.days),
                                         total=sum(volumes.values())))


@router.get("/digests", response_class=HTMLResponse)
def latest_digest_page(request: Request, session: SessionDep, clock: ClockDep, settings: SettingsDep,
                       _user: CurrentUser) -> RedirectResponse:
    """The last complete week, or, when collection stopped before it, the last complete week that has data."""
    now, zone = clock(), settings.watch.zone
    _, newest = data_span(session, zone)
    until = min(now, newest + timedelta(days=7)) if newest else now
    lang = request.query_params.get("lang")
    query = f"?lang={lang}" if lang in ("nl", "en") else ""
    return RedirectResponse(f"/digests/{last_complete_week(until, zone)}{query}", status_code=303)


@router.get("/digests/{iso_week}", response_class=HTMLResponse)
def digest_page(request: Request, iso_week: str, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                user: CurrentUser) -> Any:
    from fastapi import HTTPException

    try:
        week = parse_week(iso_week)
    except InvalidWeekError as exc:
        raise HTTPException(404, detail=exc.dutch) from None
    lang, now, zone = choose_language(request, user), clock(), settings.watch.zone
    digest = load_digest(session, week=week, config=settings.watch, lang=lang, now=now)
    freshness = read_freshness(session, settings.watch, now)
    coverage = freshness.covers(week.start(zone), week.end(zone))
    if week.end(zone) > now and coverage != "none":
        coverage = "running"
    latest_with_data = (last_complete_week(freshness.newest_post + timedelta(days=7), zone)
                        if freshness.newest_post else None)
    return TEMPLATES.TemplateResponse(request, "digest_page.html", {
        **digest_context(digest), "user": user, "previous": week.shifted(-1), "next": week.shifted(1),
        "has_next": week.shifted(1) <= last_complete_week(now, zone), "coverage": coverage,
        "latest_with_data": latest_with_data if latest_with_data and latest_with_data != week else None,
    })
