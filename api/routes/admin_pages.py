"""Administration in the browser: the overview with collection health and retention, sources (on/off, last run,
last error, posts per day), watchlists (view and edit on top of the YAML file), crawl runs and the audit log."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.auth import record_audit
from api.config_state import refresh_watch
from api.deps import AdminUser, ClockDep, CsrfProtected, SessionDep, SettingsDep
from api.flash import flash
from api.freshness import read_freshness
from api.i18n import choose_language
from api.queries.admin import AuditFilters, audit_choices, list_audit, posts_per_source
from api.queries.operations import list_crawl_runs
from api.templating import TEMPLATES
from models.overrides import find_override, list_overrides, save_override
from models.purge import retention_cutoff
from monitor_config.edits import check_watchlist_edit, watchlist_yaml
from monitor_config.exceptions import ConfigError

router = APIRouter(prefix="/beheer", include_in_schema=False)
PAGE_SIZE = 50
RUN_STATUSES = ("running", "ok", "partial", "failed")


def page_number(value: str) -> int:
    return max(1, min(int(value) if value.isdigit() else 1, 10_000))


@router.get("", response_class=HTMLResponse)
def admin_home(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep, _admin: AdminUser) -> Any:
    now = clock()
    freshness = read_freshness(session, settings.watch, now)
    return TEMPLATES.TemplateResponse(request, "admin/index.html", {
        "health": freshness, "retention_days": settings.watch.retention_days,
        "cutoff": retention_cutoff(now, settings.watch.retention_days), "purge": freshness.jobs.get("purge"),
        "jobs": sorted(freshness.jobs.values(), key=lambda j: j.job_id)})


@router.get("/verzamelen", response_class=HTMLResponse)
def collection_page(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep, _admin: AdminUser,
                    source: str = "", status: str = "", page: str = "1") -> Any:
    number = page_number(page)
    chosen_source = source if source in {s.name for s in settings.watch.sources} else None
    chosen_status = status if status in RUN_STATUSES else None
    runs, total = list_crawl_runs(session, source=chosen_source, status=chosen_status, limit=PAGE_SIZE,
                                  offset=(number - 1) * PAGE_SIZE)
    return TEMPLATES.TemplateResponse(request, "admin/collection.html", {
        "health": read_freshness(session, settings.watch, clock()), "runs": runs, "total": total, "page": number,
        "pages": max(1, -(-total // PAGE_SIZE)), "sources": [s.name for s in settings.watch.sources],
        "statuses": RUN_STATUSES, "form": {"source": source, "status": status}})


@router.get("/bronnen", response_class=HTMLResponse)
def sources_page(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                 _admin: AdminUser) -> Any:
    now = clock()
    overridden = {row.name for row in list_overrides(session) if row.section == "source"}
    return TEMPLATES.TemplateResponse(request, "admin/sources.html", {
        "health": read_freshness(session, settings.watch, now).sources, "rates": posts_per_source(session, now=now),
        "overridden": overridden})


@router.post("/bronnen", dependencies=[CsrfProtected])
def switch_source(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep, admin: AdminUser,
                  name: Annotated[str, Form(max_length=64)], enabled: Annotated[bool, Form()]) -> Any:
    if name not in {s.name for s in settings.watch.sources}:
        raise HTTPException(404, detail=f"Bron {name!r} bestaat niet.")
    save_override(session, section="source", name=name, definition={"enabled": enabled}, actor=admin.username,
                  now=clock())
    record_audit(session, actor=admin.username, action="source_enabled" if enabled else "source_disabled",
                 target=name, at=clock())
    refresh_watch(request.app, session)
    flash(request, "ok", "flash.source.on" if enabled else "flash.source.off", name=name)
    return RedirectResponse("/beheer/bronnen", status_code=303)


@router.get("/volglijsten", response_class=HTMLResponse)
def watchlists_page(request: Request, session: SessionDep, settings: SettingsDep, _admin: AdminUser) -> Any:
    overrides = {row.name: row for row in list_overrides(session) if row.section == "watchlist"}
    return TEMPLATES.TemplateResponse(request, "admin/watchlists.html", {
        "watchlists": settings.watch.watchlists, "overrides": overrides,
        "titles": {c.name: c.title_in(choose_language(request, request.state.user))
                   for c in settings.watch.categories}})


def render_watchlist_form(request: Request, *, name: str | None, text: str, problems: list | None = None,
                          yaml_version: str | None = None, status_code: int = 200) -> Any:
    return TEMPLATES.TemplateResponse(request, "admin/watchlist_form.html", {
        "name": name, "text": text, "problems": problems or [], "yaml_version": yaml_version},
        status_code=status_code)


@router.get("/volglijsten/nieuw", response_class=HTMLResponse)
def new_watchlist_page(request: Request, settings: SettingsDep, _admin: AdminUser) -> Any:
    category = settings.watch.categories[0].name
    text = f"name: nieuwe-volglijst\ncategory: {category}\nkeywords: [voorbeeld]\nschedule: {{interval: 6h}}\n"
    return render_watchlist_form(request, name=None, text=text)


@router.get("/volglijsten/{name}", response_class=HTMLResponse)
def edit_watchlist_page(request: Request, name: str, session: SessionDep, settings: SettingsDep,
                        _admin: AdminUser) -> Any:
    current = next((w for w in settings.watch.watchlists if w.name == name), None)
    if current is None:
        raise HTTPException(404, detail=f"Volglijst {name!r} bestaat niet.")
    yaml_watchlist = next((w for w in request.app.state.yaml_watch.watchlists if w.name == name), None)
    overridden = find_override(session, "watchlist", name) is not None
    return render_watchlist_form(request, name=name, text=watchlist_yaml(current),
                                 yaml_version=watchlist_yaml(yaml_watchlist) if overridden and yaml_watchlist else None)


async def _save_watchlist(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                          admin: AdminUser, name: str | None) -> Any:
    form = await request.form()
    text = str(form.get("definition") or "")
    if form.get("action") == "reset" and name is not None:
        row = find_override(session, "watchlist", name)
        if row is not None:
            session.delete(row)
            record_audit(session, actor=admin.username, action="watchlist_reset", target=name, at=clock())
            session.flush()
            refresh_watch(request.app, session)
        flash(request, "ok", "flash.watchlist.reset", name=name)
        return RedirectResponse("/beheer/volglijsten", status_code=303)
    try:
        watchlist = check_watchlist_edit(text, settings.watch, name=name)
    except ConfigError as exc:
        return render_watchlist_form(request, name=name, text=text, problems=exc.problems, status_code=422)
    definition = watchlist.model_dump(mode="json")
    save_override(session, section="watchlist", name=watchlist.name, definition=definition, actor=admin.username,
                  now=clock())
    record_audit(session, actor=admin.username, action="watchlist_added" if name is None else "watchlist_edited",
                 target=watchlist.name, at=clock(), details={"definition": definition})
    refresh_watch(request.app, session)
    flash(request, "ok", "flash.watchlist.saved", name=watchlist.name)
    return RedirectResponse("/beheer/volglijsten", status_code=303)


@router.post("/volglijsten/nieuw", dependencies=[CsrfProtected])
async def add_watchlist(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                        admin: AdminUser) -> Any:
    return await _save_watchlist(request, session, settings, clock, admin, None)


@router.post("/volglijsten/{name}", dependencies=[CsrfProtected])
async def save_watchlist(request: Request, name: str, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                         admin: AdminUser) -> Any:
    if name not in {w.name for w in settings.watch.watchlists}:
        raise HTTPException(404, detail=f"Volglijst {name!r} bestaat niet.")
    return await _save_watchlist(request, session, settings, clock, admin, name)


def read_day(value: str, *, end: bool = False) -> datetime | None:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return datetime.combine(day + timedelta(days=1) if end else day, time(0), UTC)


@router.get("/logboek", response_class=HTMLResponse)
def audit_page(request: Request, session: SessionDep, _admin: AdminUser, actor: str = "", action: str = "",
               text: str = "", since: str = "", until: str = "", page: str = "1") -> Any:
    number = page_number(page)
    filters = AuditFilters(actor=actor[:100] or None, action=action[:64] or None, text=text.strip()[:100] or None,
                           since=read_day(since), until=read_day(until, end=True))
    rows, total = list_audit(session, filters, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    actions, actors = audit_choices(session)
    return TEMPLATES.TemplateResponse(request, "admin/audit.html", {
        "rows": rows, "total": total, "page": number, "pages": max(1, -(-total // PAGE_SIZE)), "actions": actions,
        "actors": actors, "form": {"actor": actor, "action": action, "text": text, "since": since, "until": until}})
