"""The review queue and form through the real app: roles, verdicts, rename, merge; on SQLite and PostgreSQL."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.app import create_app
from api.auth import create_api_token
from api.deps import get_clock
from api.review import flag_for_review
from models.analysis import Trend, TrendLineage
from models.serving import AuditLog
from monitor_config.settings import Settings
from tests.alert_helpers import NOW, PASSWORD, make_trend, make_user
from tests.conftest import FIXTURES


@pytest.fixture
def parts(engine: Engine, tmp_path: Path) -> tuple[TestClient, dict[str, str], list[int]]:
    settings = Settings(home=tmp_path, secret_key="s" * 40, cookie_secure=False,
                        config=FIXTURES / "config" / "small.yaml")
    app = create_app(settings, engine=engine)
    app.dependency_overrides[get_clock] = lambda: lambda: NOW
    with Session(engine) as session:
        tokens = {name: create_api_token(session, user=make_user(session, name, role), actor="test")[1]
                  for name, role in (("rita", "reviewer"), ("cora", "safety_coordinator"))}
        ids = [make_trend(session, category="online-shaming", label=label,
                          posts=[("tiktok", f"{label} <script>x</script> bel 0612345678")]).id
               for label in ("Expose-pagina", "exposed accounts")]
        make_trend(session, category="gelblasters", label="geen review")
        flag_for_review(session, config=settings.watch, now=NOW)
        session.commit()
    return TestClient(app, follow_redirects=False), tokens, ids  # type: ignore[return-value]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_reviews_api_queue_verdict_rename_and_merge(parts: tuple, engine: Engine) -> None:
    client, tokens, (first, second) = parts
    assert client.get("/api/v1/reviews", headers=auth(tokens["cora"])).status_code == 403
    queue = client.get("/api/v1/reviews", headers=auth(tokens["rita"])).json()
    assert sorted(t["id"] for t in queue) == [first, second] and {t["review_status"] for t in queue} == {"pending"}
    judged = client.post(f"/api/v1/reviews/{first}", headers=auth(tokens["rita"]),
                         json={"verdict": "confirm", "note": "klopt", "label": "Expose-accounts Nieuw-West"})
    assert judged.status_code == 200 and judged.json()["review_status"] == "confirmed"
    assert judged.json()["label"] == "Expose-accounts Nieuw-West"
    assert client.post(f"/api/v1/reviews/{first}", headers=auth(tokens["rita"]), json={}).status_code == 422
    merged = client.post(f"/api/v1/reviews/{second}/merge", headers=auth(tokens["rita"]), json={"into": first})
    assert merged.status_code == 200 and merged.json()["size"] == 2
    again = client.post(f"/api/v1/reviews/{second}/merge", headers=auth(tokens["rita"]), json={"into": first})
    assert again.status_code == 409
    assert client.get("/api/v1/reviews", headers=auth(tokens["rita"])).json() == []
    detail = client.get(f"/api/v1/reviews/{first}", headers=auth(tokens["rita"])).json()
    assert [(r["verdict"], r["note"]) for r in detail["reviews"]] == [("confirm", "klopt")]
    assert client.get("/api/v1/reviews/9999", headers=auth(tokens["rita"])).status_code == 404
    with Session(engine) as session:
        assert session.get(Trend, second).merged_into == first  # type: ignore[union-attr]
        lineage = session.exec(select(TrendLineage).order_by(col(TrendLineage.id)))
        assert [x.relation for x in lineage] == ["rename", "merge"]
        rows = session.exec(select(AuditLog).where(col(AuditLog.actor) == "rita").order_by(col(AuditLog.id)))
        actions = [a.action for a in rows]
    assert actions == ["trend_renamed", "review_confirm", "trend_merged"]


def test_review_pages_show_escaped_redacted_posts_and_take_a_verdict(parts: tuple, engine: Engine) -> None:
    client, _, (first, second) = parts
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login/").text).group(1)  # type: ignore[union-attr]
    client.post("/login/", data={"username": "rita", "password": PASSWORD, "csrf_token": token})
    queue = client.get("/beoordelen")
    assert queue.status_code == 200 and "Te beoordelen trends" in queue.text and "Expose-pagina" in queue.text
    assert "geen review" not in queue.text
    page = client.get(f"/beoordelen/{first}").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert "&lt;script&gt;" in page and "<script>x" not in page and "0612345678" not in page
    assert "1 bericht van 1 afzender" in page  # not "1 berichten van 1 verschillende afzenders"
    assert '<label for="note">Notitie</label>' in page and "Samenvoegen" in page
    response = client.post(f"/beoordelen/{first}", data={"csrf_token": csrf, "verdict": "watch", "note": "volgen",
                                                          "label": "Expose-pagina"})
    assert response.status_code == 303 and response.headers["location"] == "/beoordelen"
    assert "blijven volgen" in client.get("/beoordelen").text
    assert client.post(f"/beoordelen/{first}", data={"verdict": "dismiss"}).status_code == 403  # no CSRF token
    merged = client.post(f"/beoordelen/{second}/samenvoegen", data={"csrf_token": csrf, "into": first})
    assert merged.status_code == 303 and merged.headers["location"] == f"/beoordelen/{first}"
    assert "volgen" in client.get(f"/beoordelen/{first}").text
    with Session(engine) as session:
        assert session.get(Trend, first).review_status == "watch"  # type: ignore[union-attr]
