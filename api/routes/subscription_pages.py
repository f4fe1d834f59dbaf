"""Pages for subscriptions (list, new, edit, pause and resume, delete after confirmation, preview and history),
plus the two token links that work without log-in: unsubscribe and the feed.

Youth workers may subscribe to the weekly digest by e-mail; alerts on trends (e-mail, webhook, feed) are for
safety coordinators and the roles above them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from api.alerts import (
    SubscriptionError,
    SubscriptionRequest,
    UnknownSubscriptionError,
    create_subscription,
    delete_subscription,
    get_subscription,
    list_subscriptions,
    render_atom_feed,
    unsubscribe,
)
from api.alerts.manage import delivery_history, preview_matches, set_paused, update_subscription
from api.alerts.subscriptions import DIGEST_ONLY, channels_for, find_by_token
from api.deps import ClockDep, CsrfProtected, CurrentUser, SessionDep, SettingsDep
from api.flash import flash
from api.i18n import choose_language, translate
from api.routes.subscriptions import DbId
from api.templating import TEMPLATES
from api.visibility import may_see
from models.serving import Subscription, User
from monitor_config.schema import MonitorConfig
from monitor_config.vocabulary import PLATFORMS, SEVERITIES

router = APIRouter(include_in_schema=False)


SHOWN_ONCE = "shown_once"  # the session key of a new webhook's signing secret, until a page has shown it


def form_context(config: MonitorConfig, user: User, values: dict[str, Any]) -> dict[str, Any]:
    channels = channels_for(user.role)
    return {"categories": config.categories, "places": config.places, "platforms": PLATFORMS.codes,
            "channels": channels, "severities": SEVERITIES.codes, "values": values,
            "digest_only": channels == DIGEST_ONLY}


def read_form_values(form: FormData) -> dict[str, Any]:
    def words(name: str) -> list[str]:
        return [w.strip() for w in str(form.get(name) or "").split(",") if w.strip()]

    return {"name": str(form.get("name") or ""), "channel": str(form.get("channel") or "email"),
            "target": str(form.get("target") or ""), "mode": str(form.get("mode") or "immediate"),
            "language": str(form.get("language") or "nl"), "keywords": words("keywords"),
            "categories": form.getlist("categories"), "places": form.getlist("places"),
            "platforms": form.getlist("platforms"), "min_severity": str(form.get("min_severity") or "")}


def values_of(subscription: Subscription) -> dict[str, Any]:
    return {"name": subscription.name, "channel": subscription.channel, "target": subscription.target or "",
            "mode": subscription.mode, "language": subscription.language, **subscription.filters}


def request_from(values: dict[str, Any], user: User, lang: str) -> SubscriptionRequest:
    if values["channel"] not in channels_for(user.role):
        raise SubscriptionError(translate(lang, "subs.error.digest_only"))
    filters = {k: values[k] for k in ("categories", "keywords", "places", "platforms", "min_severity") if values.get(k)}
    return SubscriptionRequest(name=values["name"], channel=values["channel"], target=values["target"] or None,
                               filters=filters, mode="immediate" if values["channel"] == "digest" else values["mode"],
                               language=values["language"])


def visible_preview(session: Session, filters: dict[str, Any], config: MonitorConfig, user: User, *,
                    now: datetime) -> dict[str, Any]:
    """The preview as `user` may see it: trends awaiting review that their role may not see yet
    (`api.visibility`) are counted, not named."""
    items = preview_matches(session, filters, config, now=now)
    shown = [item for item in items if may_see(user, item.trend, config)]
    return {"preview": shown, "preview_waiting": len(items) - len(shown)}


def find_own(session: SessionDep, subscription_id: int, user: User) -> Subscription:
    try:
        return get_subscription(session, subscription_id, user)
    except UnknownSubscriptionError as exc:
        raise HTTPException(404, detail=str(exc)) from None


@router.get("/abonnementen", response_class=HTMLResponse)
def subscriptions_page(request: Request, session: SessionDep, user: CurrentUser, settings: SettingsDep) -> Any:
    everyone = request.query_params.get("alle") == "1" and user.role == "admin"
    subscriptions = list_subscriptions(session, user, everyone=everyone)
    return TEMPLATES.TemplateResponse(request, "subscriptions.html", {
        "subscriptions": subscriptions, "user": user, "everyone": everyone, "is_admin": user.role == "admin",
        "titles": category_titles(settings.watch, choose_language(request, user)),
        "digest_only": channels_for(user.role) == DIGEST_ONLY, "new_secret": request.session.pop(SHOWN_ONCE, None)})


def category_titles(config: MonitorConfig, lang: str) -> dict[str, str]:
    return {c.name: c.title_in(lang) for c in config.categories}


def render_form(request: Request, user: User, config: MonitorConfig, values: dict[str, Any], *,
                subscription: Subscription | None = None, error: str | None = None,
                preview: dict[str, Any] | None = None,
                status_code: int = 200) -> Any:
    context = form_context(config, user, values) | {"subscription": subscription, "error": error, "preview": None,
                                                     **(preview or {}),
                                                     "titles": category_titles(config, choose_language(request, user))}
    context["only_digest_allowed"] = context["digest_only"]
    context["digest_only"] |= subscription is None and values.get("channel") == "digest"  # "receive the digest" link
    return TEMPLATES.TemplateResponse(request, "subscription_form.html", context, status_code=status_code)


@router.get("/abonnementen/nieuw", response_class=HTMLResponse)
def new_subscription_page(request: Request, user: CurrentUser, settings: SettingsDep) -> Any:
    channel = "email" if channels_for(user.role) != DIGEST_ONLY else "digest"
    asked = request.query_params.get("kanaal")
    chosen = asked if asked in channels_for(user.role) else channel
    name = translate(choose_language(request, user), "subs.default_digest_name") if chosen == "digest" else ""
    values = {"channel": chosen, "mode": "immediate", "language": user.language, "target": user.email or "",
              "name": name}
    return render_form(request, user, settings.watch, values)


async def _save(request: Request, session: SessionDep, user: User, settings: SettingsDep, clock: ClockDep,
                subscription: Subscription | None) -> Any:
    form = await request.form()
    values = read_form_values(form)
    try:
        subscription_request = request_from(values, user, choose_language(request, user))
        if form.get("action") == "preview":
            preview = visible_preview(session, subscription_request.filters, settings.watch, user, now=clock())
            return render_form(request, user, settings.watch, values, subscription=subscription, preview=preview)
        if subscription is None:
            saved = create_subscription(session, owner=user, request=subscription_request, config=settings.watch,
                                        actor=user.username, now=clock())
        else:
            saved = update_subscription(session, subscription_id=subscription.id or 0, user=user,
                                        request=subscription_request, config=settings.watch, now=clock())
    except SubscriptionError as exc:
        session.rollback()
        return render_form(request, user, settings.watch, values, subscription=subscription, error=str(exc),
                           status_code=422)
    if subscription is None and saved.signing_secret:
        request.session[SHOWN_ONCE] = {"name": saved.name, "secret": saved.signing_secret}
    flash(request, "ok", "flash.sub.created" if subscription is None else "flash.sub.updated", name=saved.name)
    return RedirectResponse(f"/abonnementen/{saved.id}", status_code=303)


@router.post("/abonnementen/nieuw", dependencies=[CsrfProtected])
async def create_subscription_page(request: Request, session: SessionDep, user: CurrentUser,
                                   settings: SettingsDep, clock: ClockDep) -> Any:
    return await _save(request, session, user, settings, clock, None)


@router.get("/abonnementen/{subscription_id}", response_class=HTMLResponse)
def subscription_page(request: Request, subscription_id: DbId, session: SessionDep, user: CurrentUser,
                      settings: SettingsDep, clock: ClockDep) -> Any:
    subscription = find_own(session, subscription_id, user)
    preview = (visible_preview(session, subscription.filters, settings.watch, user, now=clock())
               if subscription.channel != "digest" else {"preview": None})
    return TEMPLATES.TemplateResponse(request, "subscription.html", {
        "s": subscription, **preview, "history": delivery_history(session, subscription),
        "new_secret": request.session.pop(SHOWN_ONCE, None),
        "titles": category_titles(settings.watch, choose_language(request, user))})


@router.get("/abonnementen/{subscription_id}/bewerken", response_class=HTMLResponse)
def edit_subscription_page(request: Request, subscription_id: DbId, session: SessionDep, user: CurrentUser,
                           settings: SettingsDep) -> Any:
    subscription = find_own(session, subscription_id, user)
    return render_form(request, user, settings.watch, values_of(subscription), subscription=subscription)


@router.post("/abonnementen/{subscription_id}/bewerken", dependencies=[CsrfProtected])
async def save_subscription_page(request: Request, subscription_id: DbId, session: SessionDep, user: CurrentUser,
                                 settings: SettingsDep, clock: ClockDep) -> Any:
    subscription = find_own(session, subscription_id, user)
    return await _save(request, session, user, settings, clock, subscription)


@router.post("/abonnementen/{subscription_id}/pauzeren", dependencies=[CsrfProtected])
def pause_subscription_page(request: Request, subscription_id: DbId, session: SessionDep, user: CurrentUser,
                            clock: ClockDep) -> Any:
    find_own(session, subscription_id, user)
    saved = set_paused(session, subscription_id=subscription_id, user=user, paused=True, now=clock())
    flash(request, "ok", "flash.sub.paused", name=saved.name)
    return RedirectResponse(f"/abonnementen/{subscription_id}", status_code=303)


@router.post("/abonnementen/{subscription_id}/hervatten", dependencies=[CsrfProtected])
def resume_subscription_page(request: Request, subscription_id: DbId, session: SessionDep, user: CurrentUser,
                             clock: ClockDep) -> Any:
    find_own(session, subscription_id, user)
    saved = set_paused(session, subscription_id=subscription_id, user=user, paused=False, now=clock())
    flash(request, "ok", "flash.sub.resumed", name=saved.name)
    return RedirectResponse(f"/abonnementen/{subscription_id}", status_code=303)


@router.get("/abonnementen/{subscription_id}/verwijderen", response_class=HTMLResponse)
def confirm_delete_page(request: Request, subscription_id: DbId, session: SessionDep, user: CurrentUser,
                        settings: SettingsDep) -> Any:
    return TEMPLATES.TemplateResponse(request, "subscription_delete.html", {
        "s": find_own(session, subscription_id, user),
        "titles": category_titles(settings.watch, choose_language(request, user))})


@router.post("/abonnementen/{subscription_id}/verwijderen", dependencies=[CsrfProtected])
def delete_subscription_page(request: Request, subscription_id: DbId, session: SessionDep, user: CurrentUser,
                             clock: ClockDep) -> Any:
    subscription = find_own(session, subscription_id, user)
    delete_subscription(session, subscription_id=subscription_id, user=user, now=clock())
    flash(request, "ok", "flash.sub.deleted", name=subscription.name)
    return RedirectResponse("/abonnementen", status_code=303)


@router.get("/afmelden/{token}", response_class=HTMLResponse)
def unsubscribe_page(request: Request, token: str, session: SessionDep) -> Any:
    subscription = find_by_token(session, token)
    return TEMPLATES.TemplateResponse(request, "unsubscribe.html", {
        "subscription": subscription, "token": token, "done": False}, status_code=200 if subscription else 404)


@router.post("/afmelden/{token}", response_class=HTMLResponse)
def unsubscribe_now(request: Request, token: str, session: SessionDep, clock: ClockDep) -> Any:
    """One click, no log-in and no CSRF token: the unguessable token in the URL is the credential (RFC 8058)."""
    try:
        subscription = unsubscribe(session, token=token, now=clock())
    except UnknownSubscriptionError:
        return TEMPLATES.TemplateResponse(request, "unsubscribe.html", {"subscription": None, "token": token,
                                                                        "done": False}, status_code=404)
    return TEMPLATES.TemplateResponse(request, "unsubscribe.html", {"subscription": subscription, "done": True})


@router.get("/feeds/{token}.atom")
def atom_feed(token: str, session: SessionDep, settings: SettingsDep, clock: ClockDep) -> Response:
    subscription = find_by_token(session, token)
    if subscription is None or not subscription.active or subscription.channel != "feed":
        raise HTTPException(404, detail="Onbekende feed.")
    recent = preview_matches(session, subscription.filters, settings.watch, now=clock())
    body = render_atom_feed(session, subscription, public_url=str(settings.watch.alerts.public_url), now=clock(),
                            recent=[item.trend for item in recent if not item.waits_for_review])
    return Response(body, media_type="application/atom+xml; charset=utf-8",
                    headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"})
