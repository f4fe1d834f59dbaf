"""The Dutch web pages: trends overview with volume charts, a trend's page, and the weekly digest."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.charts import bar_chart_svg, sparkline_svg
from api.deps import ClockDep, CurrentUser, SessionDep, SettingsDep
from api.digest import InvalidWeekError, build_digest, last_complete_week, parse_week
from api.digest.render import digest_context
from api.labels import moment_label
from api.params import MAX_ID
from api.queries.trends import TrendFilters, daily_volumes, get_trend, list_trends, total_daily_volume
from api.templating import TEMPLATES
from api.trend_views import make_trend_detail, make_trend_public
from api.visibility import filters_for, may_see
from monitor_config.vocabulary import TREND_STATUSES

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
CHART_DAYS = 30


def read_page_filters(category: str, status: str, platform: str, keyword: str) -> TrendFilters:
    """Form input as typed; empty fields are no filter and an unknown status is ignored."""
    return TrendFilters(categories=(category,) if category else (),
                        statuses=(status,) if status in TREND_STATUSES else (),
                        platform=platform.strip()[:32] or None, keyword=keyword.strip()[:100] or None)


def render_not_found(request: Request, message: str) -> Any:
    return TEMPLATES.TemplateResponse(request, "not_found.html", {"message": message}, status_code=404)


@router.get("/trends", response_class=HTMLResponse)
def trends_page(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep, user: CurrentUser,
                category: str = "", status: str = "", platform: str = "", keyword: str = "", page: str = "1") -> Any:
    page_number = max(1, min(int(page) if page.isdigit() else 1, 10_000))  # a mistyped page is the first one
    filters = filters_for(user, settings.watch, read_page_filters(category, status, platform, keyword))
    rows, total = list_trends(session, filters, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)
    zone = settings.watch.zone
    today = clock().astimezone(zone).date()
    days = [today - timedelta(days=n) for n in range(CHART_DAYS - 1, -1, -1)]
    start, end = clock() - timedelta(days=CHART_DAYS), clock() + timedelta(days=1)
    volumes = daily_volumes(session, [row.trend.id for row in rows if row.trend.id], start, end, zone)
    trends = [(make_trend_public(row.trend, row.growth, settings.watch),
               [volumes.get(row.trend.id or 0, {}).get(day, 0) for day in days]) for row in rows]
    totals = total_daily_volume(session, start, end, zone, filters.unconfirmed_hidden_in)
    chart = bar_chart_svg([(f"{day:%d-%m}", totals.get(day, 0)) for day in days],
                          label=f"Berichten in trends per dag, laatste {CHART_DAYS} dagen: "
                                f"{sum(totals.values())} in totaal, hoogste dag {max(totals.values(), default=0)}")
    return TEMPLATES.TemplateResponse(request, "trends.html", {
        "user": user, "trends": trends, "total": total, "page": page_number, "pages": max(1, -(-total // PAGE_SIZE)),
        "categories": settings.watch.categories, "statuses": TREND_STATUSES.codes, "chart": chart,
        "sparkline": sparkline_svg,
        "form": {"category": category, "status": status, "platform": platform, "keyword": keyword},
    })


@router.get("/trends/{trend_id}", response_class=HTMLResponse)
def trend_page(request: Request, trend_id: int, session: SessionDep, settings: SettingsDep,
               user: CurrentUser) -> Any:
    trend = get_trend(session, trend_id) if 0 < trend_id <= MAX_ID else None
    if trend is None or not may_see(user, trend, settings.watch):  # awaiting review: as unknown as a wrong id
        return render_not_found(request, f"Trend {trend_id} bestaat niet (meer); misschien is het adres "
                                                 "verkeerd overgenomen.")
    detail = make_trend_detail(session, trend, settings.watch, shown=lambda other: may_see(user, other, settings.watch))
    days = detail.timeline.windows[-90:]
    unit = ("dag", "dagen") if all(s.window == "day" for s in days) else ("tijdvak", "tijdvakken")
    chart = bar_chart_svg([(moment_label(s.window_start, settings.watch.zone), s.volume) for s in days],
                          label=f"Berichten per {unit[0]} in deze trend, {len(days)} {unit[1]}: "
                                f"{sum(s.volume for s in days)} in totaal") if days else None
    return TEMPLATES.TemplateResponse(request, "trend.html", {"user": user, "trend": detail, "chart": chart,
                                                              "days": days, "unit": unit})


@router.get("/digests", response_class=HTMLResponse)
def latest_digest_page(clock: ClockDep, settings: SettingsDep, _user: CurrentUser) -> RedirectResponse:
    return RedirectResponse(f"/digests/{last_complete_week(clock(), settings.watch.zone)}", status_code=303)


@router.get("/digests/{iso_week}", response_class=HTMLResponse)
def digest_page(request: Request, iso_week: str, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                user: CurrentUser, lang: str = "nl") -> Any:
    try:
        week = parse_week(iso_week)
    except InvalidWeekError as exc:
        return render_not_found(request, exc.dutch)
    digest = build_digest(session, week=week, config=settings.watch, lang="en" if lang == "en" else "nl", now=clock())
    return TEMPLATES.TemplateResponse(request, "digest_page.html", {
        **digest_context(digest), "user": user, "previous": week.shifted(-1), "next": week.shifted(1),
        "has_next": week.shifted(1) <= last_complete_week(clock(), settings.watch.zone),
    })
