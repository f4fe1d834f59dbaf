"""What a reader reads about a trend: its title, its summary sentence, why it was flagged (in Dutch and English),
and a weekly digest that stays as it was sent, with later reviews as dated notes."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.users import create_user
from api.digest import load_digest, make_digest_email_renderer, parse_week
from api.explain import explain_flag, summary_sentence
from api.review.actions import record_verdict
from classifier.summarise.phrases import key_phrases, title_of
from models.db import make_engine, upgrade_database
from tests.pages_support import PASSWORD, csrf_of, make_site
from tests.trend_factory import at, make_trend, spread

THEME_FLAG: dict[str, Any] = {  # a theme rising over days: the stored window figures are not what flagged it
    "window": {"start": "2026-10-21T00:00:00Z", "posts": 6, "signal": 4, "baseline": 3.0, "growth": 1.437,
               "burst": 0.6},
    "thresholds": {"min_authors": 5, "burst_z": 8.0, "min_growth": 3.0, "baseline_span": "7d"},
    "new_theme": {"voices_since_first_post": 31, "voices_needed": 25.0, "first_third": 3, "last_third": 17,
                  "expected_from_stream": 4.12, "growth": 6.19},
    "crossed": ["new_theme_authors", "min_growth"],
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, int, object]]:
    home = tmp_path_factory.mktemp("signals")
    engine = make_engine(f"sqlite:///{home / 'test.db'}")
    upgrade_database(engine)
    app = make_site(engine, home).app
    with Session(engine) as session:
        trend = make_trend(session, label="Gelblaster bij de metro", status="emerging",
                           first_seen=at(date(2026, 11, 10)), last_seen=at(date(2026, 11, 21)),
                           emerging_at=at(date(2026, 11, 18)), posts=["gelblaster bij de metro", "wie gaat mee"],
                           other_posts=[("gelblaster challenge morgen bij de metro", at(date(2026, 11, 18)))],
                           platforms={"tiktok": 3},
                           daily=spread(date(2026, 11, 10), [1, 1, 2, 1, 0, 1, 2, 3, 5, 8, 13, 9]),
                           why_flagged=THEME_FLAG)
        session.commit()
        trend_id = trend.id or 0
    client = TestClient(app, follow_redirects=False)
    token = csrf_of(client.get("/login/").text)
    client.post("/login/", data={"username": "jan", "password": PASSWORD, "csrf_token": token, "next": "/trends"})
    yield client, trend_id, engine
    engine.dispose()


def test_the_trend_page_says_what_the_trend_is_in_a_sentence(site) -> None:
    client, trend_id, _ = site
    dutch = client.get(f"/trends/{trend_id}?lang=nl").text
    assert ("Sinds 10 november 2026 schrijven 2 accounts over “Gelblaster bij de metro”, vooral op TikTok; in de 7 "
            "dagen tot 21 november 41 berichten, 8,2 keer zoveel als de week ervoor.") in dutch
    english = client.get(f"/trends/{trend_id}?lang=en").text
    assert ("2 accounts have written about “Gelblaster bij de metro” since 10 November 2026, mostly on TikTok; in "
            "the 7 days up to 21 November 41 posts, 8.2 times as many as the week before.") in english


def test_a_rising_theme_is_explained_by_its_own_figures_not_the_window_it_was_seen_in(site) -> None:
    client, trend_id, _ = site
    page = client.get(f"/trends/{trend_id}?lang=nl").text
    why = page.split('id="kop-waarom"')[1].split("</section>")[0]
    assert "als nieuw onderwerp: sinds het eerste bericht schreven steeds meer verschillende afzenders erover" in why
    assert "31 verschillende afzenders sinds het eerste bericht; nodig zijn er minstens 25. <strong>(voldaan)" in why
    assert "In het laatste derde van die tijd 17 afzenders, tegen 3 in het eerste derde" in why
    assert "6,2 keer zoveel als de rest van de berichten deed verwachten (4,1); nodig is minstens 3 keer." in why
    assert "1,4" not in why and "niet voldaan" not in why  # the window's growth did not flag it, so it is not shown
    for internal in ("voices_since_first_post", "expected_from_stream", "new_theme", "(z)", "Piekscore"):
        assert internal not in why
    english = client.get(f"/trends/{trend_id}?lang=en").text.split('id="kop-waarom"')[1].split("</section>")[0]
    assert "as a new topic: since its first post" in english and "at least 25 are needed. <strong>(met)" in english
    sheet = client.get(f"/trends/{trend_id}/signaal?lang=nl").text
    assert "31 verschillende afzenders sinds het eerste bericht" in sheet and "Sinds 10 november 2026" in sheet


def test_a_criterion_not_met_is_shown_as_not_met() -> None:
    explanation = explain_flag({"window": {"start": "2026-11-19T00:00:00Z", "signal": 12, "baseline": 2.0,
                                           "growth": 1.437, "burst": 9.1},
                                "thresholds": {"min_authors": 5, "burst_z": 8.0, "min_growth": 3.0,
                                               "baseline_span": "7d"},
                                "crossed": ["min_authors", "burst_z", "min_growth"]}, "nl")
    assert explanation is not None
    assert [(c.text, c.verdict) for c in explanation.criteria][2] == (
        "1,4 keer zoveel afzenders als gewoonlijk; nodig is minstens 3 keer.", "niet voldaan")
    assert "gemiddeld 2 afzenders per venster in de 7 dagen ervoor" in explanation.criteria[1].text


def test_week_comparisons_read_as_words() -> None:
    common: dict[str, Any] = {"topic": "Orbeez", "first_seen": date(2026, 10, 21), "authors": 98,
              "platforms": {"tiktok": 70, "instagram": 30}}
    assert summary_sentence(**common, posts=32, previous=16) == (
        "Sinds 21 oktober 2026 schrijven 98 accounts over “Orbeez”, vooral op TikTok; deze week 32 berichten, "
        "twee keer zoveel als de week ervoor.")
    assert summary_sentence(**common, posts=10, previous=10, lang="en").endswith(
        "this week 10 posts, about as many as the week before.")
    assert summary_sentence(**{**common, "platforms": {"tiktok": 5, "instagram": 5}}, posts=3, previous=0).endswith(
        ", op TikTok en Instagram; deze week 3 berichten, de week ervoor nog geen.")
    assert summary_sentence(**common, posts=0, previous=13).endswith(
        "; deze week geen berichten, minder dan de week ervoor (13).")
    spread_out = {"tiktok": 6, "instagram": 13, "telegram": 15, "mastodon": 3}  # the two largest, not all of them
    assert ", vooral op Telegram en Instagram; " in summary_sentence(**{**common, "platforms": spread_out}, posts=3,
                                                                     previous=0)


def test_an_expectation_that_rounds_to_zero_is_not_shown_as_zero() -> None:
    flag = {**THEME_FLAG, "new_theme": {**THEME_FLAG["new_theme"], "expected_from_stream": 0.002, "growth": 29.4}}
    dutch, english = explain_flag(flag, "nl"), explain_flag(flag, "en")
    assert dutch is not None and english is not None
    assert "deed verwachten (bijna 0); nodig is minstens 3 keer" in dutch.criteria[2].text
    assert "led to expect (almost 0)" in english.criteria[2].text


def test_a_trend_is_titled_by_a_phrase_from_its_own_posts() -> None:
    gel = ["wie doet mee met de gelblaster challenge", "gelblaster challenge bij de metro vanavond",
           "die gelblaster challenge is echt gevaarlijk", "mijn broertje wil ook de gelblaster challenge doen"]
    school = ["morgen toets over nask", "wie heeft de samenvatting van nask", "nask toets was zo moeilijk"]
    rng = np.random.default_rng(1)
    vecs = [rng.normal(size=(len(gel), 8)), rng.normal(size=(len(school), 8))]
    phrases = key_phrases([gel, school], list(vecs), [v.mean(axis=0) for v in vecs])
    assert title_of(phrases[0], gel[0]) == "Gelblaster challenge"
    assert title_of(phrases[1], school[0]) in ("Nask toets", "Nask en toets")
    assert title_of([], "bel me op [telefoonnummer] als je de gelblaster van mijn broer hebt gezien") == (
        "Bel me op [telefoonnummer] als je de…")


def test_a_sent_digest_stays_as_sent_and_a_later_review_is_a_dated_note(site) -> None:
    client, trend_id, engine = site
    week, sent = parse_week("2026-W47"), datetime(2026, 11, 23, 7, tzinfo=UTC)
    render = make_digest_email_renderer(load_config_for(client), base_url="https://monitor.example",
                                        clock=lambda: sent)
    with Session(engine) as session:
        mail = render(session, str(week), "nl").get_body(("plain",)).get_content()  # type: ignore[union-attr]
        session.commit()
    assert "deze week 40 berichten, 6,7 keer zoveel als de week ervoor." in mail
    assert "Waarom gesignaleerd: Gesignaleerd op 21 oktober 2026 als nieuw onderwerp" in mail
    with Session(engine) as session:
        rita = create_user(session, username="rita", password="een-lang-wachtwoord", role="reviewer", actor="test")
        record_verdict(session, trend_id=trend_id, reviewer=rita, verdict="dismiss", note=None,
                       now=datetime(2026, 11, 24, 9, tzinfo=UTC))
        session.commit()
        kept = load_digest(session, week=week, config=load_config_for(client), lang="nl",
                           now=datetime(2026, 11, 25, tzinfo=UTC))
    assert [i.label for s in kept.sections for c in s.categories for i in c.items] == ["Gelblaster bij de metro"]
    page = client.get("/digests/2026-W47?lang=nl").text
    assert "Verzonden op 23 november 2026" in page
    assert "24 november 2026: een beoordelaar heeft “Gelblaster bij de metro” beoordeeld als afgewezen." in page


def load_config_for(client: TestClient):  # the site's own configuration
    return client.app.state.settings.watch  # type: ignore[attr-defined]
