"""The pages as a browser and a program see them (#13): errors as HTML or JSON, the language switch, freshness,
managed subscriptions, the administration pages, the signal sheet, the page catalogues and offline API docs.
Pages run on SQLite; the domain functions under them run on both backends."""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.alerts.enqueue import enqueue_alerts
from api.alerts.manage import preview_matches, set_paused
from api.i18n import CATALOGUES
from api.templating import TEMPLATE_DIR
from models.db import make_engine, upgrade_database
from models.overrides import ConfigOverride, apply_overrides, list_overrides, save_override
from models.serving import AlertDelivery, AuditLog, Subscription, User
from monitor_config import ConfigError, load_config, parse_config
from monitor_config.edits import check_watchlist_edit
from monitor_config.loader import DEFAULT_CONFIG
from tests.pages_support import csrf_of
from tests.ui_support import NOW, PASSWORD, make_ui_site

HTML = {"accept": "text/html,application/xhtml+xml"}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[object, Engine]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'ui.db'}")
    upgrade_database(engine)
    yield make_ui_site(engine, tmp_path), engine
    engine.dispose()


def client_for(site: object, username: str) -> TestClient:
    client = TestClient(site.app, follow_redirects=False)  # type: ignore[attr-defined]
    token = csrf_of(client.get("/login/").text)
    answer = client.post("/login/", data={"username": username, "password": PASSWORD, "csrf_token": token,
                                          "next": "/"})
    assert answer.status_code == 303
    return client


def test_browsers_get_html_error_pages_and_programs_keep_json(site) -> None:
    app, _ = site
    jan = client_for(app, "jan")
    page = jan.get("/beheer", headers=HTML)
    assert page.status_code == 403 and page.headers["content-type"].startswith("text/html")
    assert "<h1>Geen toegang</h1>" in page.text and "Deze pagina is voor de rol beheerder" in page.text
    assert 'href="/">Naar het overzicht' in page.text
    missing = jan.get("/bestaat-niet", headers=HTML | {"referer": "http://testserver/trends"})
    assert missing.status_code == 404 and "Pagina niet gevonden" in missing.text
    assert 'href="/trends">Terug naar de vorige pagina' in missing.text
    assert jan.get("/bestaat-niet", headers=HTML | {"referer": "https://elders.example/x"}).text.count("Terug") == 0
    api = jan.get("/api/v1/users", headers=HTML)
    assert api.status_code == 403 and api.json() == {"detail": "Geen toegang: hiervoor is de rol admin nodig."}
    assert jan.get("/nergens").json() == {"detail": "Not Found"}  # a program that does not ask for HTML


def test_menu_shows_only_what_the_role_may_open(site) -> None:
    app, _ = site
    menus = {}
    for name in ("jan", "sara", "rik", "ada"):
        nav = re.search(r'<nav aria-label="Hoofdmenu">(.*?)</nav>', client_for(app, name).get("/").text, re.S)
        menus[name] = re.findall(r">([^<]+)</a></li>", nav.group(1))  # type: ignore[union-attr]
    assert menus["jan"] == menus["sara"] == ["Overzicht", "Trends", "Weekoverzicht", "Abonnementen"]
    assert menus["rik"] == [*menus["jan"], "Beoordelen"] and menus["ada"] == [*menus["rik"], "Beheer"]


def test_the_whole_interface_switches_to_english_and_stays_so(site) -> None:
    app, engine = site
    jan = client_for(app, "jan")
    token = csrf_of(jan.get("/trends").text)
    assert jan.post("/taal", data={"lang": "en", "next": "/trends?lang=nl&period=7", "csrf_token": token}
                    ).headers["location"] == "/trends?period=7"
    page = jan.get("/trends?period=7")
    assert '<html lang="en">' in page.text and "The language has been changed." in page.text
    assert "Gel blasters and fake weapons" in page.text and "Gelblasters en nepwapens" not in page.text
    assert ">Weekly digest</a>" in page.text and "Data up to 22 November 2026" in page.text
    with Session(engine) as session:
        assert session.exec(select(User.language).where(User.username == "jan")).one() == "en"
    digest = jan.get("/digests/2026-W47")
    assert '<html lang="en">' in digest.text and "Gel blasters and fake weapons" in digest.text
    assert "Gelblasters en nepwapens" not in digest.text


def test_freshness_says_when_data_stopped_and_weeks_without_data_say_so(site) -> None:
    app, _ = site
    jan = client_for(app, "jan")
    page = jan.get("/trends").text
    assert "Gegevens tot en met 22 november 2026, 21:00: er komen geen nieuwe gegevens binnen." in page
    assert "Het nieuwste bericht is 7 dagen oud." in page
    assert "Verzamelen loopt achter." not in page  # collection stopped says it all to a youth worker
    admin_page = client_for(app, "ada").get("/trends").text
    assert "Verzamelen loopt achter." in admin_page and "nieuws-nl, mastodon-nl" in admin_page
    after = jan.get("/digests/2026-W48").text
    assert after.count("Geen gegevens: uit deze week zijn (nog) geen berichten verzameld.") == 1
    assert "Afnemend" not in after
    assert jan.get("/digests").headers["location"] == "/digests/2026-W47"  # the last complete week with data
    assert 'href="/digests/2026-W47">Naar de laatste week met gegevens (2026-W47)' in after
    before = jan.get("/digests/2026-W30").text
    assert "Geen gegevens: uit deze week zijn (nog) geen berichten verzameld." in before
    assert "Gegevens tot en met 22 november 2026, 21:00." in jan.get("/digests/2026-W47").text


def test_youth_worker_subscribes_to_the_digest_only(site) -> None:
    app, engine = site
    jan = client_for(app, "jan")
    form = jan.get("/abonnementen/nieuw").text
    assert 'name="channel" value="digest"' in form and "<select id=\"channel\"" not in form
    token = csrf_of(form)
    refused = jan.post("/abonnementen/nieuw", data={"name": "Alles", "channel": "email", "csrf_token": token})
    assert refused.status_code == 422 and "alleen abonneren op het weekoverzicht" in refused.text
    saved = jan.post("/abonnementen/nieuw", data={"name": "Team", "channel": "digest", "csrf_token": token})
    assert saved.status_code == 303
    page = jan.get(saved.headers["location"]).text
    assert "Abonnement “Team” is opgeslagen." in page and "Wekelijks, maandag om 08:00" in page
    with Session(engine) as session:
        row = session.exec(select(Subscription).where(Subscription.name == "Team")).one()
        assert (row.channel, row.target) == ("digest", "jan@school.example.nl")


def test_a_subscription_shows_titles_and_its_history_and_deletes_after_confirmation(site) -> None:
    app, engine = site
    sara = client_for(app, "sara")
    sid = app.subscription_id
    page = sara.get(f"/abonnementen/{sid}").text
    assert "Categorieën: Gelblasters en nepwapens" in page and "gelblasters<" not in page
    assert "In de afgelopen vier weken had dit abonnement u 1 signaal gestuurd" in page
    assert "verstuurd" in page and "3 pogingen" in page
    confirm = sara.get(f"/abonnementen/{sid}/verwijderen").text
    assert "“Gelblasters in Zuidoost” verwijderen?" in confirm
    assert sara.post(f"/abonnementen/{sid}/verwijderen", data={"csrf_token": csrf_of(confirm)}).status_code == 303
    assert "Abonnement “Gelblasters in Zuidoost” is verwijderd." in sara.get("/abonnementen").text
    with Session(engine) as session:
        assert session.get(Subscription, sid).active is False  # type: ignore[union-attr]


def test_paused_subscriptions_get_nothing_and_previews_match_places(engine: Engine, tmp_path: Path) -> None:
    site = make_ui_site(engine, tmp_path)
    config = load_config(DEFAULT_CONFIG)
    with Session(engine) as session:
        sara = session.exec(select(User).where(User.username == "sara")).one()
        session.exec(select(AlertDelivery)).all()
        for row in session.exec(select(AlertDelivery)).all():
            session.delete(row)
        set_paused(session, subscription_id=site.subscription_id, user=sara, paused=True, now=NOW)
        assert enqueue_alerts(session, NOW, config=config) == []
        set_paused(session, subscription_id=site.subscription_id, user=sara, paused=False, now=NOW)
        assert [row.trend_id for row in enqueue_alerts(session, NOW, config=config)] == [site.trends["gelblaster"]]
        zuidoost = preview_matches(session, {"places": ["Zuidoost"]}, config, now=NOW)
        noord = preview_matches(session, {"places": ["Noord"]}, config, now=NOW)
        assert [i.trend.id for i in zuidoost] == [site.trends["gelblaster"]]
        assert [(i.trend.id, i.waits_for_review) for i in noord] == [(site.trends["shaming"], True)]
        actions = [a for a in session.exec(select(AuditLog.action)).all() if a.startswith("subscription_")]
        assert actions == ["subscription_paused", "subscription_resumed"]


def test_trends_filter_by_place_and_period(site) -> None:
    app, _ = site
    jan = client_for(app, "jan")
    zuidoost = jan.get("/trends?period=90&place=Zuidoost").text
    assert "Gelblaster-challenge bij metrostations" in zuidoost and "Expose-account" not in zuidoost
    week = jan.get("/trends?period=custom&van=2026-11-20&tot=2026-11-26").text
    assert "Disstrack" not in week and "Gelblaster-challenge" in week  # the disstrack was last seen on 5 November
    assert 'aria-label="Berichten in trends per dag, 7 dagen' in week
    assert "Vul bij een eigen periode een begin- en einddatum in" in jan.get("/trends?period=custom&van=gisteren").text
    assert '<option value="tiktok"' in zuidoost  # the platform is a select


def test_a_watchlist_edited_in_the_browser_is_checked_like_the_file_and_survives_a_restart(site, tmp_path) -> None:
    app, engine = site
    ada = client_for(app, "ada")
    form = ada.get("/beheer/volglijsten/gelblasters").text
    found = re.search(r'<textarea[^>]*>(.*?)</textarea>', form, re.S)
    assert found is not None
    text = html.unescape(found.group(1))
    bad = text.replace("interval: 3h", "interval: 2 uur")
    refused = ada.post("/beheer/volglijsten/gelblasters", data={"definition": bad, "csrf_token": csrf_of(form)})
    assert refused.status_code == 422
    yaml_text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace("schedule: {interval: 3h}",
                                                                   "schedule: {interval: 2 uur}", 1)
    with pytest.raises(ConfigError) as from_file:
        parse_config(yaml_text)
    assert str(escape(from_file.value.problems[0].message)) in refused.text  # the words of `leefwereld config check`
    saved = ada.post("/beheer/volglijsten/gelblasters",
                     data={"definition": text.replace("interval: 3h", "interval: 2h"), "csrf_token": csrf_of(form)})
    assert saved.status_code == 303
    again = make_ui_site.__globals__["create_app"](app.app.state.settings.model_copy(), engine=engine)  # a restart
    assert next(w for w in again.state.settings.watch.watchlists if w.name == "gelblasters").schedule.interval == "2h"
    with Session(engine) as session:
        audit = session.exec(select(AuditLog).where(AuditLog.action == "watchlist_edited")).one()
        assert audit.actor == "ada" and audit.details["definition"]["schedule"]["interval"] == "2h"


def test_overrides_lay_over_the_yaml_on_both_backends(engine: Engine) -> None:
    config = load_config(DEFAULT_CONFIG)
    edited = check_watchlist_edit("name: gelblasters\ncategory: gelblasters\nkeywords: [orbeez]\n", config,
                                  name="gelblasters")
    with Session(engine) as session:
        save_override(session, section="watchlist", name="gelblasters", definition=edited.model_dump(mode="json"),
                      actor="ada", now=NOW)
        save_override(session, section="source", name="mastodon-nl", definition={"enabled": False}, actor="ada",
                      now=NOW)
        stale = {"name": "weg", "category": "bestaat-niet", "keywords": ["x"]}
        session.add(ConfigOverride(section="watchlist", name="weg", definition=stale))
        session.commit()
        effective = apply_overrides(config, list_overrides(session))
    assert next(w for w in effective.watchlists if w.name == "gelblasters").terms[0].term == "orbeez"
    assert not next(s for s in effective.sources if s.name == "mastodon-nl").enabled
    assert "weg" not in {w.name for w in effective.watchlists}  # an override that no longer fits is skipped
    with pytest.raises(ConfigError) as refused:
        check_watchlist_edit("name: nieuw\ncategory: gelblaster\nkeywords: [x]\n", config, name=None)
    assert "did you mean 'gelblasters'?" in str(refused.value)


def test_the_signal_sheet_names_nobody_and_its_export_is_recorded(site) -> None:
    app, engine = site
    jan = client_for(app, "jan")
    trend = app.trends["gelblaster"]
    page = jan.get(f"/trends/{trend}/signaal").text
    assert "Signaleringsblad" in page and "12345678" not in page and "[telefoonnummer]" in page
    assert "@media print" in (TEMPLATE_DIR.parent / "static" / "site.css").read_text()
    pdf = jan.get(f"/trends/{trend}/signaal.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert b"12345678" not in pdf.content and b"author-" not in pdf.content
    with Session(engine) as session:
        formats = [a.details["format"] for a in session.exec(select(AuditLog).where(
            AuditLog.action == "signal_sheet_exported", AuditLog.target == f"trend:{trend}")).all()]
    assert formats == ["html", "pdf"]


def test_api_docs_come_from_the_installed_package(site) -> None:
    app, _ = site
    ada = client_for(app, "ada")
    for path in ("/docs", "/redoc"):
        page = ada.get(path).text
        assert "cdn" not in page.lower() and "googleapis" not in page
        for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
            assert ada.get(asset).status_code == 200


def test_catalogues_hold_every_key_the_templates_ask_for_in_both_languages() -> None:
    assert set(CATALOGUES["nl"]) == set(CATALOGUES["en"])
    asked = set()
    for template in TEMPLATE_DIR.rglob("*.html"):
        asked |= set(re.findall(r"_\('([a-z0-9_.]+)'", template.read_text(encoding="utf-8")))
    prefixes = {key for key in asked if key.endswith(".")}  # keys made in the template: `_('run.' ~ status)`
    assert asked - prefixes - set(CATALOGUES["nl"]) == set()
    assert all(any(k.startswith(prefix) for k in CATALOGUES["nl"]) for prefix in prefixes)
    for key, text in CATALOGUES["nl"].items():
        assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", CATALOGUES["en"][key])), key


def test_a_server_error_is_a_page_for_browsers_and_json_for_programs(site) -> None:
    app, _ = site

    def broken() -> None:
        raise RuntimeError("a bug")

    app.app.add_api_route("/kapot", broken, methods=["GET"])
    client = TestClient(app.app, raise_server_exceptions=False)
    page = client.get("/kapot", headers=HTML)
    assert page.status_code == 500 and "<h1>Er ging iets mis</h1>" in page.text and "a bug" not in page.text
    assert client.get("/kapot").json()["detail"].startswith("Interne fout")


def test_a_new_feed_shows_recent_matching_trends_or_why_it_is_empty(site) -> None:
    app, engine = site
    sara = client_for(app, "sara")
    token = csrf_of(sara.get("/abonnementen/nieuw").text)
    for name, category in (("Feed gelblasters", "gelblasters"), ("Feed vuurwerk", "fireworks")):
        assert sara.post("/abonnementen/nieuw", data={"name": name, "channel": "feed", "categories": category,
                                                      "csrf_token": token}).status_code == 303
    with Session(engine) as session:
        tokens = {s.name: s.token for s in session.exec(select(Subscription).where(Subscription.channel == "feed"))}
    recent = sara.get(f"/feeds/{tokens['Feed gelblasters']}.atom").text
    assert "Gelblaster-challenge bij metrostations in Zuidoost (gesignaleerd voordat u zich abonneerde)" in recent
    empty = sara.get(f"/feeds/{tokens['Feed vuurwerk']}.atom").text
    assert "Nog geen signalen" in empty and "paste geen trend bij de filters" in empty
