"""The configuration the web process serves: the YAML file with the browser's overrides laid over it.

Made at start-up and again after every change in the administration pages; the worker lays the same overrides
over the YAML at its start (see docs/CONFIGURATION.md, "Changes made in the browser")."""
from __future__ import annotations

import yaml
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.overrides import list_overrides, load_effective_config, use_stored_overrides
from monitor_config.edits import check_watchlist_edit
from monitor_config.exceptions import ConfigError, ConfigProblem
from monitor_config.schema import MonitorConfig


def refresh_watch(app: FastAPI, session: Session) -> None:
    """Lay the stored overrides over the YAML configuration again (call after saving an override)."""
    settings = app.state.settings
    settings.__dict__["watch"] = load_effective_config(session, app.state.yaml_watch)


def load_watch(app: FastAPI, engine: Engine) -> None:
    """At start-up: keep the YAML configuration aside and serve it with the overrides applied."""
    app.state.yaml_watch = app.state.settings.watch
    use_stored_overrides(app.state.settings, engine)


def describe_overrides(config: MonitorConfig, engine: Engine) -> tuple[list[str], list[ConfigProblem]]:
    """For `leefwereld config check`: the browser's changes stored in the database, one line each, and the problems
    of those that no longer fit the YAML file (checked with the same validators as the file)."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from models.db import session_scope

    try:
        with session_scope(engine) as session:
            rows = list_overrides(session)
    except (OperationalError, ProgrammingError):
        return [], []
    lines, problems = [], []
    for row in rows:
        when = f"{row.updated_at:%Y-%m-%d %H:%M} UTC by {row.updated_by or '?'}"
        if row.section == "source":
            lines.append(f"source {row.name}: {'on' if row.definition.get('enabled') else 'off'} ({when})")
            continue
        lines.append(f"watchlist {row.name}: edited in the browser ({when})")
        known = any(w.name == row.name for w in config.watchlists)
        try:
            check_watchlist_edit(yaml.safe_dump(row.definition, allow_unicode=True), config,
                                 name=row.name if known else None)
        except ConfigError as exc:
            problems += exc.problems
    return lines, problems
