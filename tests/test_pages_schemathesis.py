"""Schemathesis over /openapi.json with an admin bearer token, on SQLite and PostgreSQL with real rows:
whatever it sends (data that fits the schema and data that does not), the API never answers with a 5xx."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.content import CrawlRun, SourceRow, WatchlistRow
from tests.pages_support import Site, bearer, make_site
from tests.trend_factory import at, make_trend, spread

pytestmark = pytest.mark.slow  # explores many generated requests on both databases

EXAMPLES = 40


def make_schema(engine: Engine, home: Path) -> tuple[Any, Site]:
    site = make_site(engine, home)
    with Session(engine) as session:
        make_trend(session, label="Gelblaster bij de metro", status="emerging", first_seen=at(date(2026, 11, 17)),
                   emerging_at=at(date(2026, 11, 18)), posts=["bel 0612345678"], hashtags=["#gelblaster"],
                   daily=spread(date(2026, 11, 17), [2, 6, 9]))
        session.add(SourceRow(name="news", kind="rss", base_url="https://news.example"))
        session.add(WatchlistRow(name="exposen", category="online-shaming", definition={"keywords": ["exposed"]}))
        session.add(CrawlRun(source_name="news", status="ok"))
        session.commit()
    return (schemathesis.openapi.from_asgi("/openapi.json", site.app,
                                           headers={"Authorization": f"Bearer {site.admin_token}"}),
            site)


def never_a_server_error(operations: list[Any], token: str, examples: int) -> None:
    """Drive every operation through its valid and invalid cases with `token`; fail on any 5xx."""
    for operation in operations:
        @given(case=st.one_of(operation.as_strategy(), operation.as_strategy(GenerationMode.NEGATIVE)))
        @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def call(case: Any) -> None:
            case.call_and_validate(headers=bearer(token), checks=[not_a_server_error])

        call()


# schemathesis.pytest.from_fixture does not work with pytest 9, so every operation is driven by hand
# through its Hypothesis strategy, the same cases the plugin would generate.
def test_the_api_never_fails_with_a_server_error(engine: Engine, tmp_path: Path) -> None:
    schema, site = make_schema(engine, tmp_path)
    token = site.admin_token
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/v1/trends", "/api/v1/trends/{trend_id}",
                                              "/api/v1/digests/{iso_week}", "/metrics"}
    never_a_server_error(operations, token, EXAMPLES)
