"""One bad value costs only its own row: imports and Zeeschuimer uploads keep every good row, name the line and
field of each bad one, and always finish their run (issue #11, "Bad input")."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.app import create_app
from api.auth.users import create_api_token, create_user
from api.routes.zeeschuimer import wait_for_uploads
from crawlers.importers import import_file
from crawlers.storing import store_each
from models.db import session_scope
from models.ingest import PostIn
from tests.crawl_support import UPLOAD_TOKEN, runs, stored, upload_settings

GOOD = {"id": "ok", "text": "gelblaster op het plein", "created_at": "2026-10-05T14:00:00Z", "platform": "tiktok"}
BAD_VALUES: list[tuple[str, Any, str]] = [
    ("created_at", 1e20, "created_at"),
    ("created_at", "99999999999999", "created_at"),
    ("url", {"a": 1}, "url"),
    ("language", ["nl"], "language"),
    ("likes", 10**30, "likes"),
    ("platform", "p" * 40, "platform"),
    ("id", ["x"], "id"),
    ("text", 5, "text"),
]


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(("field", "value", "named"), BAD_VALUES, ids=[f"{f}={v!r:.20}" for f, v, _ in BAD_VALUES])
def test_a_bad_value_skips_its_row_and_keeps_the_others(engine: Engine, key: bytes, tmp_path: Path, field: str,
                                                        value: Any, named: str) -> None:
    rows = [{**GOOD, "id": "first"}, {**GOOD, "id": "bad", field: value}, {**GOOD, "id": "last"}]
    report = import_file(write_jsonl(tmp_path / "posts.jsonl", rows), engine=engine, key=key)
    assert {p.external_id for p in stored(engine, "tiktok")} == {"first", "last"}
    assert (report.rows, report.stored, report.error_count) == (3, 2, 1)
    (error,) = report.errors
    assert error.line == 2 and error.reason.startswith(named) and "fix:" in error.reason


def test_a_nul_in_the_text_is_removed_and_the_post_kept(engine: Engine, key: bytes, tmp_path: Path) -> None:
    rows = [{**GOOD, "id": "nul", "text": "gelblaster\x00 op het plein\x07"}, {**GOOD, "id": "next"}]
    report = import_file(write_jsonl(tmp_path / "posts.jsonl", rows), engine=engine, key=key)
    posts = {p.external_id: p for p in stored(engine, "tiktok")}
    assert report.error_count == 0 and posts["nul"].text == "gelblaster op het plein" and "next" in posts


def test_deep_nesting_is_a_bad_line_not_a_crash(engine: Engine, key: bytes, tmp_path: Path) -> None:
    rows = [GOOD, "[" * 100_000, {**GOOD, "id": "after"}]
    report = import_file(write_jsonl(tmp_path / "posts.jsonl", rows), engine=engine, key=key)
    assert report.stored == 2 and [(e.line, e.reason) for e in report.errors] == [
        (2, "not usable JSON: nested too deeply")]


def test_a_huge_number_or_csv_field_is_a_bad_row(engine: Engine, key: bytes, tmp_path: Path) -> None:
    jsonl = write_jsonl(tmp_path / "posts.jsonl", [GOOD, '{"id": "x", "likes": ' + "9" * 5000 + "}",
                                                   {**GOOD, "id": "after"}])
    report = import_file(jsonl, engine=engine, key=key)
    assert report.stored == 2 and [e.line for e in report.errors] == [2]
    path = tmp_path / "posts.csv"
    path.write_text("id,text,created_at,platform\n"
                    f"a,{'x' * 200_000},2026-10-05T14:00:00Z,forum\n"
                    "b,gelblaster,2026-10-05T14:00:00Z,forum\n", encoding="utf-8")
    report = import_file(path, engine=engine, key=key)
    assert {p.external_id for p in stored(engine, "forum")} == {"b"} and [e.line for e in report.errors] == [2]


def test_csv_counts_and_dates_out_of_range(engine: Engine, key: bytes, tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text("id,text,created_at,platform,likes\n"
                    "a,gelblaster,2026-10-05T14:00:00Z,tiktok,12\n"
                    "b,gelblaster,99999999999999,tiktok,\n"
                    "c,gelblaster,2026-10-05T14:00:00Z,tiktok,1e30\n"
                    "d,gelblaster,1759672800,tiktok,\n", encoding="utf-8")
    report = import_file(path, engine=engine, key=key)
    assert {p.external_id for p in stored(engine, "tiktok")} == {"a", "d"}
    assert [(e.line, e.reason.split(" ")[0]) for e in report.errors] == [(3, "created_at"), (4, "likes")]


def test_a_row_the_database_refuses_costs_only_that_row(engine: Engine) -> None:
    """The last line of defence: a row that slipped past validation is reported, its batch neighbours land."""
    def post(external_id: str, platform: str = "tiktok") -> PostIn:
        now = datetime(2026, 10, 5, tzinfo=UTC)
        return PostIn(platform=platform, external_id=external_id, text="tekst", created_at=now, collected_at=now,
                      author_key="k" * 64, content_hash=external_id.ljust(64, "0"))

    outcome = store_each(engine, [(1, post("a")), (2, post("b", platform="p" * 40)), (3, post("c"))])
    if engine.dialect.name == "sqlite":  # SQLite does not enforce lengths: all three land
        assert outcome.totals.stored == 3 and outcome.refused == []
    else:
        assert outcome.totals.stored == 2 and [line for line, _ in outcome.refused] == [2]
        assert "database refused" in outcome.refused[0][1]


# --- uploads --------------------------------------------------------------------------------------------------



def tiktok(video_id: str, **fields: Any) -> dict[str, Any]:
    data = {"id": video_id, "desc": "gelblaster challenge", "createTime": 1763896400,
            "author": {"uniqueId": "verzonnen"}, "stats": {"diggCount": 3}, **fields}
    return {"source_platform": "tiktok.com", "data": data}


@pytest.fixture
def client(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: bytes) -> TestClient:
    monkeypatch.setenv("LEEFWERELD_PSEUDONYM_KEY", key.decode())
    settings = upload_settings(tmp_path)
    return TestClient(create_app(settings, engine=engine))


def send(client: TestClient, body: bytes, **headers: str) -> Any:
    response = client.post("/api/import-dataset/", content=body,
                           headers={"X-Zeeschuimer-Platform": "tiktok.com", "Authorization": f"Bearer {UPLOAD_TOKEN}",
                                    **headers})
    wait_for_uploads(client.app)
    return response


UPLOAD_BAD = [
    ("textExtra", tiktok("bad", textExtra=[1, 2]), "textExtra"),
    ("desc list", tiktok("bad", desc=["a"]), "desc"),
    ("desc number", tiktok("bad", desc=5), "desc"),
    ("diggCount", tiktok("bad", stats={"diggCount": 1e30}), "stats.diggCount"),
    ("createTime", tiktok("bad", createTime=1e20), "createTime"),
    ("nesting", "[" * 100_000, "not usable JSON"),
]


@pytest.mark.parametrize(("label", "item", "named"), UPLOAD_BAD, ids=[b[0] for b in UPLOAD_BAD])
def test_an_upload_keeps_its_good_items_around_a_bad_one(client: TestClient, engine: Engine, label: str, item: Any,
                                                         named: str) -> None:
    lines = [tiktok("7500000000000000001"), item, tiktok("7500000000000000003")]
    body = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines).encode()
    response = send(client, body)
    assert response.status_code == 200
    state = client.get("/api/check-query/", params={"key": response.json()["key"]},
                       headers={"Authorization": f"Bearer {UPLOAD_TOKEN}"}).json()
    assert state["done"] is True and state["rows"] == 2 and "1 overgeslagen" in state["status"]
    assert {p.external_id for p in stored(engine, "tiktok")} == {"7500000000000000001", "7500000000000000003"}
    (run,) = runs(engine)
    assert (run.status, run.items_stored, run.items_dropped) == ("partial", 2, 1)
    assert run.errors[0].startswith(f"line 2: {named}")


def test_status_keys_are_random_and_only_the_uploader_reads_them(client: TestClient, engine: Engine) -> None:
    with session_scope(engine) as session:
        worker = create_user(session, username="jongerenwerker", password="een-lang-wachtwoord",
                             role="youth_worker", actor="test")
        other = create_user(session, username="collega", password="een-lang-wachtwoord", role="youth_worker",
                            actor="test")
        admin = create_user(session, username="beheer", password="een-lang-wachtwoord", role="admin", actor="test")
        tokens = {name: create_api_token(session, user=user, actor="test")[1]
                  for name, user in (("worker", worker), ("other", other), ("admin", admin))}
    body = json.dumps(tiktok("7500000000000000001")).encode()
    keys = [send(client, body, Authorization=f"Bearer {tokens['worker']}").json()["key"] for _ in range(2)]
    assert len(set(keys)) == 2 and all(len(k) >= 20 and not k.isdigit() for k in keys)
    run_ids = [str(r.id) for r in runs(engine)]

    def poll(key: str, who: str) -> int:
        return client.get("/api/check-query/", params={"key": key},
                          headers={"Authorization": f"Bearer {tokens[who]}"}).status_code

    assert [poll(keys[0], who) for who in ("worker", "other", "admin")] == [200, 404, 200]
    assert [poll(run_id, "worker") for run_id in run_ids] == [404, 404]  # the run number is no key
    assert poll("9" * 20, "worker") == 404


def test_an_upload_over_the_limit_is_refused_while_it_arrives(client: TestClient, engine: Engine,
                                                              tmp_path: Path) -> None:
    client.app.state.upload_limit = 1000  # type: ignore[attr-defined]
    declared = send(client, b"x" * 2000)
    assert declared.status_code == 413 and "te groot" in declared.json()["detail"]

    def chunks() -> Any:  # no Content-Length: the limit is enforced while reading
        for _ in range(10):
            yield b"y" * 500

    streamed = client.post("/api/import-dataset/", content=chunks(),
                           headers={"X-Zeeschuimer-Platform": "tiktok.com", "Authorization": f"Bearer {UPLOAD_TOKEN}"})
    assert streamed.status_code == 413
    assert runs(engine) == [] and not any((tmp_path / "uploads").iterdir())  # nothing started, nothing left behind


def test_an_upload_is_stored_from_disk_and_the_file_removed(client: TestClient, engine: Engine,
                                                            tmp_path: Path) -> None:
    body = "\n".join(json.dumps(tiktok(f"75000000000000000{n:02d}")) for n in range(40)).encode()
    response = send(client, body)
    assert response.json()["status"] == "queued"
    (run,) = runs(engine)
    assert (run.status, run.items_stored) == ("ok", 40) and run.finished_at is not None
    assert list((tmp_path / "uploads").iterdir()) == []


def test_a_restart_finishes_what_a_stopped_server_left(engine: Engine, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch, key: bytes) -> None:
    """The server stopped after receiving one upload and during another: on start-up the received file is stored
    and its run finished; the run whose file is gone is marked failed; a half-received file is removed."""
    from crawlers.uploads import start_upload

    with session_scope(engine) as session:
        received, received_key = start_upload(session, uploader="upload-token")
        lost, lost_key = start_upload(session, uploader="upload-token")
    folder = tmp_path / "uploads"
    folder.mkdir()
    (folder / f"run-{received}.tiktok.com.ndjson").write_text(json.dumps(tiktok("7500000000000000009")) + "\n")
    (folder / "upload-half.ndjson").write_text('{"data": {"id": "75')
    monkeypatch.setenv("LEEFWERELD_PSEUDONYM_KEY", key.decode())
    settings = upload_settings(tmp_path)
    app = create_app(settings, engine=engine)
    for job in app.state.resumed_uploads:
        job.result(timeout=120)
    client = TestClient(app)
    auth = {"Authorization": f"Bearer {UPLOAD_TOKEN}"}
    states = [client.get("/api/check-query/", params={"key": k}, headers=auth).json() for k in (received_key, lost_key)]
    assert states[0]["done"] and states[0]["rows"] == 1 and states[0]["status"].startswith("Klaar")
    assert states[1]["done"] and states[1]["status"].startswith("Mislukt")
    assert "upload the file again" in states[1]["status"]
    assert list(folder.iterdir()) == []
    assert [p.external_id for p in stored(engine, "tiktok")] == ["7500000000000000009"]
