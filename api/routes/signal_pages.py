"""The signal sheet of a trend: a printable page and a PDF download. Each export goes to the audit log."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from api.auth import record_audit
from api.charts import day_chart_svg
from api.deps import ClockDep, CurrentUser, SessionDep, SettingsDep
from api.freshness import read_freshness
from api.i18n import choose_language, translate
from api.params import MAX_ID
from api.queries.trends import get_trend
from api.signal_pdf import render_signal_pdf
from api.signal_sheet import SignalSheet, build_signal_sheet
from api.templating import TEMPLATES
from api.visibility import may_see
from models.serving import User
from monitor_config.schema import MonitorConfig

router = APIRouter(include_in_schema=False)


def make_sheet(session: Session, trend_id: int, config: MonitorConfig, user: User, lang: str,
               now: Any) -> SignalSheet:
    trend = get_trend(session, trend_id) if 0 < trend_id <= MAX_ID else None
    if trend is None or trend.review_status == "dismissed" or not may_see(user, trend, config):
        raise HTTPException(404, detail=f"Trend {trend_id} bestaat niet (meer).")
    freshness = read_freshness(session, config, now)
    return build_signal_sheet(session, trend, config, lang=lang, now=now, data_until=freshness.newest_post)


def record_export(session: Session, user: User, trend_id: int, fmt: str, now: Any) -> None:
    record_audit(session, actor=user.username, action="signal_sheet_exported", target=f"trend:{trend_id}", at=now,
                 details={"format": fmt})


@router.get("/trends/{trend_id}/signaal", response_class=HTMLResponse)
def signal_sheet_page(request: Request, trend_id: int, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                      user: CurrentUser) -> Any:
    lang, now = choose_language(request, user), clock()
    sheet = make_sheet(session, trend_id, settings.watch, user, lang, now)
    record_export(session, user, trend_id, "html", now)
    chart = day_chart_svg(sheet.days, sheet.daily, lang=lang,
                          label=translate(lang, "trend.chart.label", days=len(sheet.days),
                                          total=sum(sheet.daily.values())))
    return TEMPLATES.TemplateResponse(request, "signal_sheet.html", {"sheet": sheet, "chart": chart})


@router.get("/trends/{trend_id}/signaal.pdf")
def signal_sheet_pdf(request: Request, trend_id: int, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                     user: CurrentUser) -> Response:
    lang, now = choose_language(request, user), clock()
    sheet = make_sheet(session, trend_id, settings.watch, user, lang, now)
    record_export(session, user, trend_id, "pdf", now)
    body = render_signal_pdf(sheet, lang=lang, zone=settings.watch.zone)
    name = f"signaal-trend-{trend_id}.pdf" if lang != "en" else f"signal-trend-{trend_id}.pdf"
    return Response(body, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
