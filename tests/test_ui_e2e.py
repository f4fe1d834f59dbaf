"""Each role through its pages in real Chromium, at desktop and phone width: only the menu items the role may use,
no page wider than the screen, `lang` as shown, no serious or critical axe-core violation, a screenshot of every
page under var/screenshots/<width>/<role>/. Then each role's tasks, with the confirmations they show."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from models.db import make_engine, upgrade_database
from models.serving import AuditLog
from tests.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    log_in,
    need_chromium_and_axe,
    overflow,
    serious_violations,
    shoot,
)
from tests.live_server import serve
from tests.ui_support import PASSWORD, ROLES, UiSite, make_ui_site

pytestmark = pytest.mark.browser
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
MENUS = {
    "youth_worker": ["Overzicht", "Trends", "Weekoverzicht", "Abonnementen"],
    "safety_coordinator": ["Overzicht", "Trends", "Weekoverzicht", "Abonnementen"],
    "reviewer": ["Overzicht", "Trends", "Weekoverzicht", "Abonnementen", "Beoordelen"],
    "admin": ["Overzicht", "Trends", "Weekoverzicht", "Abonnementen", "Beoordelen", "Beheer"],
}


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, UiSite, Any]]:
    home = tmp_path_factory.mktemp("ui")
    engine = make_engine(f"sqlite:///{home / 'ui.db'}")
    upgrade_database(engine)
    site = make_ui_site(engine, home)
    with serve(site.app) as base:
        yield base, site, engine
    engine.dispose()


@pytest.fixture(scope="module")
def chromium() -> Iterator[tuple[Any, str]]:
    axe = need_chromium_and_axe()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser, axe
        browser.close()


def pages_for(role: str, site: UiSite) -> dict[str, str]:
    t, s = site.trends, site.subscription_id
    pages = {"overview": "/", "trends": "/trends", "trends-zuidoost-90d": "/trends?period=90&place=Zuidoost",
             "trend": f"/trends/{t['gelblaster']}", "signal-sheet": f"/trends/{t['gelblaster']}/signaal",
             "digest": "/digests/2026-W47", "digest-no-data": "/digests/2026-W48", "subscriptions": "/abonnementen",
             "subscription-new": "/abonnementen/nieuw", "not-found": "/bestaat-niet"}
    if role != "admin":
        pages["forbidden"] = "/beheer"
    if role in ("safety_coordinator", "admin"):
        pages |= {"subscription": f"/abonnementen/{s}", "subscription-edit": f"/abonnementen/{s}/bewerken",
                  "subscription-delete": f"/abonnementen/{s}/verwijderen"}
    if role in ("reviewer", "admin"):
        pages |= {"review-queue": "/beoordelen", "review": f"/beoordelen/{t['shaming']}"}
    if role == "admin":
        pages |= {"admin": "/beheer", "admin-users": "/beheer/gebruikers", "admin-sources": "/beheer/bronnen",
                  "admin-watchlists": "/beheer/volglijsten", "admin-watchlist": "/beheer/volglijsten/gelblasters",
                  "admin-collection": "/beheer/verzamelen", "admin-audit": "/beheer/logboek"}
    return pages


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("username", list(ROLES))
def test_every_page_of_every_role_fits_reads_and_passes_axe(ui, chromium, username: str, width: str) -> None:
    base, site, _ = ui
    browser, axe = chromium
    role = ROLES[username]
    w, h = WIDTHS[width]
    # bypass_csp: the pages allow no script at all, and axe is injected by the test
    context = browser.new_context(viewport={"width": w, "height": h}, locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    problems: list[str] = []
    try:
        log_in(page, base, username, PASSWORD)
        menu = page.locator("nav[aria-label='Hoofdmenu'] a").all_inner_texts()
        assert menu == MENUS[role], f"{role} sees the menu {menu}"
        for name, path in pages_for(role, site).items():
            page.goto(base + path)
            if page.evaluate("document.documentElement.lang") != "nl":
                problems.append(f"{path}: lang is not nl")
            if (extra := overflow(page)) > 0:
                problems.append(f"{path}: {extra}px wider than the {w}px viewport")
            problems += [f"{path}: {line}" for line in serious_violations(page, axe)]
            shoot(page, width, role, name)
    finally:
        context.close()
    assert problems == []


def test_youth_worker_subscribes_to_the_digest_and_reads_in_english(ui, chromium) -> None:
    from playwright.sync_api import expect

    base, _, _ = ui
    browser, axe = chromium
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    try:
        log_in(page, base, "jan", PASSWORD)
        page.goto(f"{base}/beoordelen")
        expect(page.get_by_role("heading", level=1)).to_have_text("Geen toegang")
        expect(page.locator("main")).to_contain_text("Deze pagina is voor de rol beoordelaar")
        page.get_by_role("link", name="Naar het overzicht").click()
        expect(page.locator(".freshness")).to_contain_text(
            "Gegevens tot en met 22 november 2026, 21:00: er komen geen nieuwe gegevens binnen.")

        page.get_by_role("link", name="Abonnementen").click()
        page.get_by_role("link", name="Nieuw abonnement").click()
        expect(page.get_by_label("Kanaal")).to_have_count(0)  # only the weekly digest for this role
        expect(page.get_by_label("Naam van het abonnement")).to_have_value("Weekoverzicht")
        page.get_by_label("Naam van het abonnement").fill("Weekoverzicht voor het team")
        page.get_by_role("button", name="Abonnement opslaan").click()
        expect(page.get_by_role("status")).to_contain_text("Abonnement “Weekoverzicht voor het team” is opgeslagen")
        expect(page.locator("main")).to_contain_text("Wekelijks, maandag om 08:00")
        assert overflow(page) == 0

        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("status")).to_contain_text("The language has been changed")
        page.get_by_role("link", name="Trends", exact=True).click()
        expect(page.locator("#f-category")).to_contain_text("Gel blasters and fake weapons")
        expect(page.locator("main")).to_contain_text("Gel blasters and fake weapons")
        expect(page.locator("nav[aria-label='Main menu']")).to_contain_text("Weekly digest")
        assert serious_violations(page, axe) == [] and overflow(page) == 0  # English words are longer
        shoot(page, "phone", "youth_worker", "trends-english")
        page.get_by_role("link", name="Weekly digest").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("main")).not_to_contain_text("Gelblasters en nepwapens")
        assert overflow(page) == 0
        shoot(page, "phone", "youth_worker", "digest-english")
        for path in ("/", "/abonnementen", "/abonnementen/nieuw", "/beheer"):
            page.goto(base + path)
            assert overflow(page) == 0, path
    finally:
        context.close()


def test_coordinator_edits_previews_pauses_and_deletes_a_subscription(ui, chromium) -> None:
    from playwright.sync_api import expect

    base, site, _ = ui
    browser, _ = chromium
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    try:
        log_in(page, base, "sara", PASSWORD)
        page.goto(f"{base}/abonnementen/{site.subscription_id}")
        expect(page.locator("main")).to_contain_text("Categorieën: Gelblasters en nepwapens")  # a title, not a slug
        expect(page.locator("main")).to_contain_text("In de afgelopen vier weken had dit abonnement u 1")
        trend_link = page.get_by_role("link", name="Gelblaster-challenge bij metrostations in Zuidoost")
        expect(trend_link.first).to_be_visible()
        expect(page.locator("table")).to_contain_text("verstuurd")
        expect(page.locator("table")).to_contain_text("de verzending lukte niet")

        page.get_by_role("link", name="Nieuw abonnement").count()  # not on this page; go via the list
        page.goto(f"{base}/abonnementen/nieuw")
        page.get_by_label("Naam van het abonnement").fill("Exposen in Noord")
        page.get_by_label("Online shaming, exposen en doxxen").check()
        page.get_by_label("Noord", exact=True).check()
        page.get_by_role("button", name="Voorbeeld bekijken").click()
        # the matching expose trend awaits review: a coordinator learns it is there, not what it says
        expect(page.locator("#voorbeeld")).to_contain_text("1 passende trend wacht op beoordeling")
        expect(page.locator("#voorbeeld")).not_to_contain_text("Expose-account van een school in Noord")
        page.get_by_role("button", name="Abonnement opslaan").click()
        expect(page.get_by_role("status")).to_contain_text("Abonnement “Exposen in Noord” is opgeslagen")

        page.get_by_role("link", name="Wijzigen").first.click()
        page.get_by_label("Naam van het abonnement").fill("Exposen in Noord en Oost")
        page.get_by_role("button", name="Abonnement opslaan").click()
        expect(page.get_by_role("status")).to_contain_text(
            "De wijzigingen in “Exposen in Noord en Oost” zijn opgeslagen")
        page.get_by_role("button", name="Pauzeren").click()
        expect(page.get_by_role("status")).to_contain_text("is gepauzeerd")
        expect(page.locator("main")).to_contain_text("Gepauzeerd: er wordt niets verstuurd.")
        page.get_by_role("button", name="Hervatten").click()
        expect(page.get_by_role("status")).to_contain_text("is hervat")
        page.get_by_role("link", name="Verwijderen").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("“Exposen in Noord en Oost” verwijderen?")
        page.get_by_role("button", name="Ja, verwijderen").click()
        expect(page.get_by_role("status")).to_contain_text("Abonnement “Exposen in Noord en Oost” is verwijderd")
        expect(page.locator("main")).not_to_contain_text("Exposen in Noord en Oost")
    finally:
        page.close()


def test_admin_manages_users_sources_watchlists_and_reads_the_audit_log(ui, chromium) -> None:
    from playwright.sync_api import expect

    base, site, engine = ui
    browser, _ = chromium
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    try:
        log_in(page, base, "ada", PASSWORD)
        page.goto(f"{base}/beheer/gebruikers")
        page.get_by_label("Gebruikersnaam").fill("fatima")
        page.get_by_label("Rol", exact=True).select_option("safety_coordinator")
        page.get_by_role("button", name="Toevoegen").click()
        expect(page.get_by_role("status")).to_contain_text("Nieuw wachtwoord voor fatima")
        page.get_by_label("Rol van fatima").select_option("reviewer")
        page.locator("li", has_text="fatima").get_by_role("button", name="Rol wijzigen").click()
        expect(page.get_by_role("status")).to_contain_text("fatima heeft nu de rol beoordelaar")
        page.locator("li", has_text="fatima").locator("summary").click()
        page.locator("li", has_text="fatima").get_by_role("button", name="Token maken").click()
        expect(page.get_by_role("status")).to_contain_text("Nieuwe API-token voor fatima")
        page.locator("li", has_text="fatima").locator("summary").click()
        page.locator("li", has_text="fatima").get_by_role("button", name="Intrekken").click()
        expect(page.get_by_role("status")).to_contain_text("is ingetrokken")
        page.locator("li", has_text="fatima").get_by_role("button", name="Deactiveren").click()
        expect(page.get_by_role("status")).to_contain_text("fatima is gedeactiveerd")

        page.goto(f"{base}/beheer/volglijsten/gelblasters")
        text = page.get_by_label("Volglijst (YAML)").input_value()
        page.get_by_label("Volglijst (YAML)").fill(text + "schedule: {interval: 2 uur}\n" if "schedule" not in text
                                                    else text.replace("interval: 3h", "interval: 2 uur"))
        page.get_by_role("button", name="Opslaan").click()
        expect(page.get_by_role("alert")).to_contain_text("interval '2 uur' is not understood")
        page.get_by_label("Volglijst (YAML)").fill(text.replace("interval: 3h", "interval: 2h"))
        page.get_by_role("button", name="Opslaan").click()
        expect(page.get_by_role("status")).to_contain_text("Volglijst gelblasters is opgeslagen")
        expect(page.locator("main")).to_contain_text("gewijzigd in de browser door ada")

        page.goto(f"{base}/beheer/bronnen")
        expect(page.locator("main")).to_contain_text("HTTP 503 from mastodon.nl")
        page.locator("tr", has_text="mastodon-nl").get_by_role("button", name="Uitzetten").click()
        expect(page.get_by_role("status")).to_contain_text("Bron mastodon-nl staat uit")

        page.goto(f"{base}/trends/{site.trends['gelblaster']}")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download als PDF").click()
        pdf = Path(download.value.path()).read_bytes()
        assert pdf.startswith(b"%PDF") and b"12345678" not in pdf

        page.goto(f"{base}/beheer/logboek?action=signal_sheet_exported")
        expect(page.locator("main")).to_contain_text(f"trend:{site.trends['gelblaster']}")
        page.goto(f"{base}/beheer/logboek?action=watchlist_edited")
        expect(page.locator("main")).to_contain_text("1 regel")
        shoot(page, "desktop", "admin", "admin-audit-filtered")

        blocked: list[str] = []

        def only_this_site(route: Any) -> None:
            if route.request.url.startswith(base):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        page.route("**/*", only_this_site)
        page.goto(f"{base}/docs")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("Monitor Online Leefwereld")
        assert blocked == [], f"/docs reached out to {blocked}"
        shoot(page, "desktop", "admin", "api-docs")
    finally:
        page.close()
    with Session(engine) as session:
        actions = set(session.exec(select(AuditLog.action)).all())
    assert {"user_created", "user_role_changed", "token_created", "token_revoked", "user_deactivated",
            "watchlist_edited", "source_disabled", "signal_sheet_exported"} <= actions
