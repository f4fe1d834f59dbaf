"""Dutch pages for subscriptions, plus the two token links that work without log-in: unsubscribe and the feed."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.alerts import (
    SubscriptionError,
    SubscriptionRequest,
    UnknownSubscriptionError,
    create_subscription,
    delete_subscription,
    list_subscriptions,
    render_atom_feed,
    unsubscribe,
)
from api.alerts.subscriptions import channels_for, find_by_token
from api.deps import ClockDep, CsrfProtected, CurrentUser, SessionDep, SettingsDep
from api.routes.subscriptions import DbId
from api.templating import TEMPLATES
from monitor_config.schema import MonitorConfig
from monitor_config.vocabulary import PLATFORMS, SEVERITIES

router = APIRouter(include_in_schema=False)


SHOWN_ONCE = "shown_once"  # the session key of a new webhook's signing secret, until the list page shows it


def form_context(config: MonitorConfig, values: dict[str, Any], role: str) -> dict[str, Any]:
    return {"categories": config.categories, "places": config.places, "platforms": PLATFORMS.codes,
            "channels": channels_for(role), "severities": SEVERITIES.codes, "values": values}


def read_form_values(form: Any) -> dict[str, Any]:
    def words(name: str) -> list[str]:
        return [w.strip() for w in str(form.get(name) or "").split(",") if w.strip()]

    return {"name": str(form.get("name") or ""), "channel": str(form.get("channel") or "email"),
            "target": str(form.get("target") or ""), "mode": str(form.get("mode") or "immediate"),
            "language": str(form.get("language") or "nl"), "keywords": words("keywords"),
            "categories": form.getlist("categories"), "places": form.getlist("places"),
            "platforms": form.getlist("platforms"), "min_severity": str(form.get("min_severity") or "")}


@router.get("/abonnementen", response_class=HTMLResponse)
def subscriptions_page(request: Request, session: SessionDep, user: CurrentUser, settings: SettingsDep) -> Any:
    subscriptions = list_subscriptions(session, user, everyone=request.query_params.get("alle") == "1")
    return TEMPLATES.TemplateResponse(request, "subscriptions.html", {
        "subscriptions": subscriptions, "user": user, "new_secret": request.session.pop(SHOWN_ONCE, None),
        "is_admin": user.role == "admin"})


@router.get("/abonnementen/nieuw", response_class=HTMLResponse)
def new_subscription_page(request: Request, user: CurrentUser, settings: SettingsDep) -> Any:
    values = {"channel": channels_for(user.role)[0], "mode": "immediate", "language": user.language,
              "target": user.email or ""}
    return TEMPLATES.TemplateResponse(request, "subscription_form.html",
                                      form_context(settings.watch, values, user.role))


@router.post("/abonnementen/nieuw", dependencies=[CsrfProtected])
async def create_subscription_page(request: Request, session: SessionDep, user: CurrentUser,
                                   settings: SettingsDep, clock: ClockDep) -> Any:
    values = read_form_values(await request.form())
    filters = {k: values[k] for k in ("categories", "keywords", "places", "platforms", "min_severity") if values[k]}
    request_ = SubscriptionRequest(name=values["name"], channel=values["channel"], target=values["target"] or None,
                                   filters=filters, mode=values["mode"], language=values["language"])
    try:
        subscription = create_subscription(session, owner=user, request=request_, config=settings.watch,
                                           actor=user.username, now=clock())
    except SubscriptionError as exc:
        context = form_context(settings.watch, values, user.role) | {"error": str(exc)}
        return TEMPLATES.TemplateResponse(request, "subscription_form.html", context, status_code=422)
    if subscription.signing_secret:
        request.session[SHOWN_ONCE] = {"name": subscription.name, "secret": subscription.signing_secret}
    return RedirectResponse("/abonnementen", status_code=303)


@router.post("/abonnementen/{subscription_id}/verwijderen", dependencies=[CsrfProtected])
def delete_subscription_page(subscription_id: DbId, session: SessionDep, user: CurrentUser, clock: ClockDep) -> Any:
    try:
        delete_subscription(session, subscription_id=subscription_id, user=user, now=clock())
    except UnknownSubscriptionError as exc:
        raise HTTPException(404, detail=str(exc)) from None
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
    body = render_atom_feed(session, subscription, public_url=str(settings.watch.alerts.public_url), now=clock())
    return Response(body, media_type="application/atom+xml; charset=utf-8",
                    headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"})
