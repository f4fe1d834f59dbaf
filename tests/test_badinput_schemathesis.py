"""Schemathesis over the whole API with the generation limits raised (many more examples per operation, valid
and invalid data, NUL characters allowed) as an admin and as a youth worker, on SQLite and PostgreSQL: no 5xx.
The quick run with fewer examples is tests/test_pages_schemathesis.py; this one is `slow`."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.test_pages_schemathesis import make_schema, never_a_server_error

EXAMPLES = 150


@pytest.mark.slow
@pytest.mark.parametrize("role", ["admin", "youth_worker"])
def test_the_api_never_fails_with_a_server_error_with_raised_limits(engine: Engine, tmp_path: Path,
                                                                     role: str) -> None:
    schema, site = make_schema(engine, tmp_path)
    token = site.admin_token if role == "admin" else site.worker_token
    schema.config.generation.update(max_examples=EXAMPLES, allow_x00=True)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/import-dataset/", "/api/check-query/", "/api/v1/subscriptions"}
    never_a_server_error(operations, token, EXAMPLES)

