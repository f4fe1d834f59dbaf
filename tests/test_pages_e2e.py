"""End to end in real headless Chromium (Debian's package, driven by Playwright) against the app served by
uvicorn on 127.0.0.1: log in through the form, the trends overview, a trend's page reached by keyboard,
subscribing to alerts and reviewing a flagged theme."""
from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from sqlmodel import Session

from models.db import make_engine, upgrade_database
from tests.pages_support import PASSWORD, make_site
from tests.trend_factory import at, make_trend, spread

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCRIPT_POST = "<script>window.pwned = true</script> kijk hoe die gelblaster schiet"


@pytest.fixture
def site_url(tmp_path: Path) -> Iterator[tuple[str, int]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'e2e.db'}")
    upgrade_database(engine)
    site = make_site(engine, tmp_path)
    with Session(engine) as session:
        expose = make_trend(session, label="Expose-pagina's Noord", category="online-shaming", status="active",
                            first_seen=at(date(2026, 10, 20)), emerging_at=at(date(2026, 10, 26)),
                            daily=spread(date(2026, 10, 25), [1, 2, 1, 3]))
        expose.review_status = "pending"  # a flagged trend in a review category waits in the queue
        trend = make_trend(session, label="Gelblaster bij de metro", status="emerging", keywords=["gelblaster"],
                           first_seen=at(date(2026, 11, 10)), last_seen=at(date(2026, 11, 21)),
                           emerging_at=at(date(2026, 11, 18)), platforms={"tiktok": 9, "youtube": 3},
                           posts=[SCRIPT_POST, "bel 06-12345678 voor een gelblaster"],
                           daily=spread(date(2026, 11, 10), [1, 1, 2, 1, 0, 1, 2, 3, 5, 8, 13, 9]))
        session.commit()
        trend_id = trend.id or 0
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(site.app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", trend_id
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


def test_log_in_browse_trends_and_open_one_with_the_keyboard(site_url: tuple[str, int], tmp_path: Path) -> None:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing; fix: `apt-get install -y chromium` (make test does this)")
    from playwright.sync_api import Dialog, expect, sync_playwright

    base, trend_id = site_url
    shots = Path(os.environ.get("LEEFWERELD_SCREENSHOTS", tmp_path))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="nl-NL", viewport={"width": 1100, "height": 900})
        dialogs: list[str] = []
        def dismiss(dialog: Dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", dismiss)
        try:
            page.goto(f"{base}/trends")
            expect(page).to_have_url(f"{base}/login/?next=%2Ftrends")
            page.get_by_label("Gebruikersnaam").fill("jan")
            page.get_by_label("Wachtwoord").fill(PASSWORD)
            page.get_by_role("button", name="Inloggen").click()

            expect(page).to_have_url(f"{base}/trends")
            expect(page.get_by_role("heading", level=1)).to_have_text("Trends")
            # 46, not 53: the expose trend awaits review, so a youth worker's chart leaves its posts out
            expect(page.get_by_role("img", name="Berichten in trends per dag, 30 dagen: 46 in totaal, "
                                                "hoogste dag 13")).to_be_visible()
            expect(page.get_by_role("link", name="Gelblaster bij de metro")).to_be_visible()
            page.screenshot(path=str(shots / "trends.png"), full_page=True)

            for _ in range(40):  # Tab through the page until the trend's link has the focus, then Enter
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.textContent") == "Gelblaster bij de metro":
                    break
            else:
                pytest.fail("the trend link cannot be reached with Tab")
            page.keyboard.press("Enter")

            expect(page).to_have_url(f"{base}/trends/{trend_id}")
            expect(page.get_by_role("heading", level=1)).to_have_text("Gelblaster bij de metro")
            expect(page.locator("blockquote").first).to_have_text(SCRIPT_POST)
            expect(page.locator("main")).not_to_contain_text("12345678")
            expect(page.locator("main")).to_contain_text("bel [telefoonnummer] voor een gelblaster")
            assert page.evaluate("window.pwned === undefined") and dialogs == []
            page.screenshot(path=str(shots / "trend.png"), full_page=True)

            page.get_by_role("link", name="Weekoverzicht").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Weekoverzicht 2026-W47")
            expect(page.get_by_role("link", name="Gelblaster bij de metro")).to_be_visible()
            page.screenshot(path=str(shots / "digest.png"), full_page=True)
        finally:
            browser.close()
    assert (shots / "trend.png").stat().st_size > 10_000


def test_subscribe_to_alerts_and_review_a_flagged_theme(site_url: tuple[str, int]) -> None:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing; fix: `apt-get install -y chromium` (make test does this)")
    from playwright.sync_api import expect, sync_playwright

    base, _ = site_url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="nl-NL")
        try:
            page.goto(f"{base}/abonnementen/nieuw")
            page.get_by_label("Gebruikersnaam").fill("ada")
            page.get_by_label("Wachtwoord").fill(PASSWORD)
            page.get_by_role("button", name="Inloggen").click()

            expect(page).to_have_url(f"{base}/abonnementen/nieuw")
            page.get_by_label("Naam van het abonnement").fill("Exposen in Noord")
            page.get_by_label("E-mailadres of webhook-adres (URL)").fill("veiligheid@school.example.org")
            page.get_by_label("Exposen en online shaming").check()
            page.get_by_role("button", name="Abonnement opslaan").click()
            expect(page).to_have_url(re.compile(rf"{base}/abonnementen/\d+$"))
            expect(page.get_by_role("status")).to_contain_text("Abonnement “Exposen in Noord” is opgeslagen.")
            expect(page.locator("main")).to_contain_text("Exposen in Noord")

            page.get_by_role("link", name="Beoordelen").first.click()
            page.get_by_role("link", name="Expose-pagina's Noord").click()
            review_url = page.url
            page.get_by_label("Bevestigen: dit is een echte trend in deze categorie").check()
            page.get_by_role("textbox", name="Notitie").fill("Gezien op twee scholen in Noord.")
            page.get_by_role("button", name="Opslaan").click()
            expect(page).to_have_url(f"{base}/beoordelen")  # back to the queue, which the theme has left
            expect(page.get_by_role("link", name="Expose-pagina's Noord")).to_have_count(0)
            page.goto(review_url)
            expect(page.locator("dd").filter(has_text="bevestigd")).to_have_count(1)
        finally:
            browser.close()
