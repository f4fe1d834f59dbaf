"""The trends, digests and operations API on SQLite and PostgreSQL, with real rows and real tokens.
The tests only read, so each backend's database and app are made once for the module."""
from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.content import CrawlRun, SourceRow
from tests.pages_support import bearer, make_site
from tests.trend_factory import at, link_trends, make_trend, spread

PHONE = "0612345678"


@pytest.fixture(scope="module")
def api(shared_engine: Engine,
        tmp_path_factory: pytest.TempPathFactory) -> tuple[TestClient, dict[str, str], dict[str, int]]:
    engine = shared_engine
    site = make_site(engine, tmp_path_factory.mktemp("home"))
    with Session(engine) as session:
        trends = {
            "old": make_trend(session, label="Oude gelblaster", first_seen=at(date(2026, 9, 1)),
                              last_seen=at(date(2026, 9, 30)), status="dormant", keywords=["gelblaster"]),
            "beef": make_trend(session, label="Drill beef Zuidoost", category="online-shaming", status="emerging",
                               first_seen=at(date(2026, 11, 10)), last_seen=at(date(2026, 11, 20)),
                               emerging_at=at(date(2026, 11, 18)), platforms={"youtube": 3, "tiktok": 2},
                               keywords=["drill", "zuidoost"], hashtags=["#drillbeef"], growth=2.5,
                               review_status="confirmed",
                               posts=[f"bel {PHONE} als je @kim_ams kent", "<script>alert(1)</script>"],
                               daily=spread(date(2026, 11, 16), [1, 3, 9])),
            "orbeez": make_trend(session, label="Orbeez op het plein", status="emerging", growth=4.0,
                                 first_seen=at(date(2026, 11, 1)), last_seen=at(date(2026, 11, 21)),
                                 emerging_at=at(date(2026, 11, 18)), keywords=["orbeez", "café"],
                                 daily=spread(date(2026, 11, 16), [2, 2, 8])),
            "active": make_trend(session, label="Sextortion via Snapchat", category="online-shaming",
                                 first_seen=at(date(2026, 10, 1)), last_seen=at(date(2026, 11, 22)),
                                 platforms={"snapchat": 4}, review_status="confirmed"),
            "gone": make_trend(session, label="Afgewezen", first_seen=at(date(2026, 11, 1)),
                               review_status="dismissed"),
        }
        merged = make_trend(session, label="Opgegaan", first_seen=at(date(2026, 11, 1)),
                            merged_into=trends["beef"].id)
        link_trends(session, trends["beef"], merged, "merge", at(date(2026, 11, 19)))  # beef stays
        session.add(SourceRow(name="news", kind="rss", base_url="https://news.example"))
        session.add(CrawlRun(source_name="news", status="ok", items_seen=5, items_stored=4))
        session.add(CrawlRun(source_name="news", status="failed", errors=["HTTP 500"]))
        session.commit()
        ids = {name: trend.id or 0 for name, trend in trends.items()} | {"merged": merged.id or 0}
    client = TestClient(site.app, follow_redirects=False)
    return client, {"admin": site.admin_token, "worker": site.worker_token}, ids


def labels(client: TestClient, token: str, **params: str | list[str]) -> list[str]:
    response = client.get("/api/v1/trends", params=params, headers=bearer(token))
    assert response.status_code == 200, response.text
    return [item["label"] for item in response.json()["items"]]


def test_trends_need_credentials(api) -> None:
    client, _, _ = api
    assert client.get("/api/v1/trends").status_code == 401
    assert client.get("/api/v1/digests/2026-W47").status_code == 401


def test_trends_are_sorted_by_emergence_then_growth_without_merged_or_dismissed(api) -> None:
    client, tokens, _ = api
    assert labels(client, tokens["worker"]) == ["Orbeez op het plein", "Drill beef Zuidoost",
                                                "Sextortion via Snapchat", "Oude gelblaster"]


def test_trend_filters(api) -> None:
    client, tokens, _ = api
    token = tokens["worker"]
    assert labels(client, token, category="online-shaming") == ["Drill beef Zuidoost", "Sextortion via Snapchat"]
    assert labels(client, token, status=["dormant", "active"]) == ["Sextortion via Snapchat", "Oude gelblaster"]
    assert labels(client, token, platform="YouTube") == ["Drill beef Zuidoost"]
    assert labels(client, token, keyword="ZUIDOOST") == ["Drill beef Zuidoost"]
    assert labels(client, token, keyword="#drillbeef") == ["Drill beef Zuidoost"]
    assert labels(client, token, keyword="café") == ["Orbeez op het plein"]
    assert labels(client, token, keyword="100%_") == []
    assert labels(client, token, since="2026-11-21T00:00:00Z") == ["Orbeez op het plein", "Sextortion via Snapchat"]
    assert labels(client, token, until="2026-10-02T00:00:00+02:00") == ["Sextortion via Snapchat", "Oude gelblaster"]
    assert client.get("/api/v1/trends", params={"status": "viral"}, headers=bearer(token)).status_code == 422


def test_trend_paging_reports_the_total(api) -> None:
    client, tokens, _ = api
    first = client.get("/api/v1/trends", params={"limit": 3}, headers=bearer(tokens["worker"])).json()
    assert (first["total"], len(first["items"]), first["next_offset"]) == (4, 3, 3)
    rest = client.get("/api/v1/trends", params={"limit": 3, "offset": 3}, headers=bearer(tokens["worker"])).json()
    assert [i["label"] for i in rest["items"]] == ["Oude gelblaster"] and rest["next_offset"] is None


def test_trend_detail_has_timeline_lineage_and_redacted_posts(api) -> None:
    client, tokens, ids = api
    response = client.get(f"/api/v1/trends/{ids['beef']}", headers=bearer(tokens["worker"]))
    assert response.status_code == 200
    detail = response.json()
    assert PHONE not in response.text and "kim_ams" not in response.text
    assert detail["representative_posts"][0]["text"] == "bel [telefoonnummer] als je @[gebruiker] kent"
    assert [s["volume"] for s in detail["timeline"]["windows"]] == [1, 3, 9]
    assert detail["lineage"] == [{"relation": "merge", "side": "parent", "other_id": ids["merged"],
                                  "other_label": "Opgegaan", "at": "2026-11-19T12:00:00Z",
                                  "text": {"nl": "Hierin is opgegaan: “Opgegaan” (19 november 2026, 13:00).",
                                           "en": "Merged into this one: “Opgegaan” (19 November 2026, 13:00)."}}]
    assert detail["category_title"] == "Exposen en online shaming"
    assert detail["why_flagged"]["thresholds"]["min_growth"] == 3.0
    nl, en = detail["why_flagged_text"]["nl"], detail["why_flagged_text"]["en"]  # the pages' sentences, no keys
    assert "9 verschillende afzenders in dat venster; nodig zijn er minstens 5. (voldaan)" in nl
    assert "9 different authors in that window; at least 5 are needed. (met)" in en
    assert "min_growth" not in str(nl + en) and "z)" not in str(nl + en)
    assert "representative_post_ids" not in detail["summary"]


def test_unknown_trend_is_404_in_dutch_and_english(api) -> None:
    client, tokens, _ = api
    response = client.get("/api/v1/trends/999999", headers=bearer(tokens["worker"]))
    assert response.status_code == 404
    assert response.json()["detail"] == "Trend 999999 bestaat niet. / Trend 999999 does not exist."


def test_digest_formats_and_a_bad_week(api) -> None:
    client, tokens, ids = api
    headers = bearer(tokens["worker"])
    data = client.get("/api/v1/digests/2026-W47", headers=headers).json()
    assert data["week"] == "2026-W47" and [s["kind"] for s in data["sections"]] == ["emerging"]
    markdown = client.get("/api/v1/digests/2026-W47", params={"format": "md", "lang": "en"}, headers=headers)
    assert markdown.headers["content-type"].startswith("text/markdown") and "## Emerging" in markdown.text
    html = client.get("/api/v1/digests/2026-W47", params={"format": "html"}, headers=headers)
    assert "<script>alert(1)" not in html.text and f'href="http://127.0.0.1:8000/trends/{ids["beef"]}"' in html.text
    bad = client.get("/api/v1/digests/2026-W99", headers=headers)
    assert bad.status_code == 422 and "bestaat niet" in bad.text and "for example 2026-W47" in bad.text
    weeks = client.get("/api/v1/digests", headers=headers).json()
    assert weeks[0]["week"] == "2026-W47" and len(weeks) == 12


def test_sources_watchlists_and_crawl_runs_are_for_the_admin(api) -> None:
    client, tokens, _ = api
    for path in ("/api/v1/sources", "/api/v1/watchlists", "/api/v1/crawl-runs"):
        assert client.get(path, headers=bearer(tokens["worker"])).status_code == 403
        assert client.get(path, headers=bearer(tokens["admin"])).status_code == 200
    assert client.get("/api/v1/sources", headers=bearer(tokens["admin"])).json()[0]["name"] == "news"
    runs = client.get("/api/v1/crawl-runs", params={"status": "failed"}, headers=bearer(tokens["admin"])).json()
    assert runs["total"] == 1 and runs["items"][0]["errors"] == ["HTTP 500"]


def requests_counted(metrics: str, route: str, status: int) -> float:
    pattern = rf'leefwereld_http_requests_total{{method="GET",route="{re.escape(route)}",status="{status}"}} (\S+)'
    match = re.search(pattern, metrics)
    return float(match.group(1)) if match else 0.0


def test_metrics_count_requests_and_show_product_figures(api) -> None:
    client, tokens, ids = api
    before = requests_counted(client.get("/metrics").text, "/api/v1/trends/{trend_id}", 200)
    client.get(f"/api/v1/trends/{ids['beef']}", headers=bearer(tokens["worker"]))
    text = client.get("/metrics").text
    assert requests_counted(text, "/api/v1/trends/{trend_id}", 200) == before + 1
    assert "leefwereld_posts_stored 2.0" in text
    assert 'leefwereld_trends{status="emerging"} 2.0' in text and 'leefwereld_trends{status="new"} 0.0' in text
    assert 'leefwereld_crawl_runs{status="failed"} 1.0' in text
