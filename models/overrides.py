"""Changes made in the browser on top of the YAML configuration: a watchlist edited or added, a source switched on
or off. Kept in the database, so they survive a restart; the YAML file itself is never rewritten.

The effective configuration is the YAML file with these overrides laid over it (`apply_overrides`): a watchlist
override replaces the YAML watchlist of the same name (or adds one), a source override sets `enabled`. Removing
the override (`leefwereld config check --overrides` lists them; the admin page can undo one) brings the YAML
version back.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from models.types import UTCDateTime, utcnow
from monitor_config.schema import MonitorConfig, Watchlist
from monitor_config.settings import Settings

Section = Literal["watchlist", "source"]


class ConfigOverride(SQLModel, table=True):
    __tablename__ = "config_override"
    __table_args__ = (UniqueConstraint("section", "name", name="uq_config_override"),)

    id: int | None = Field(default=None, primary_key=True)
    section: str = Field(max_length=16)  # watchlist | source
    name: str = Field(max_length=64)
    definition: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by: str = Field(default="", max_length=100)


def list_overrides(session: Session) -> list[ConfigOverride]:
    query = select(ConfigOverride).order_by(col(ConfigOverride.section), col(ConfigOverride.name))
    return list(session.exec(query))


def find_override(session: Session, section: Section, name: str) -> ConfigOverride | None:
    return session.exec(select(ConfigOverride).where(ConfigOverride.section == section,
                                                     ConfigOverride.name == name)).first()


def save_override(session: Session, *, section: Section, name: str, definition: dict[str, Any], actor: str,
                  now: datetime) -> ConfigOverride:
    row = find_override(session, section, name) or ConfigOverride(section=section, name=name)
    row.definition, row.updated_at, row.updated_by = definition, now, actor
    session.add(row)
    session.flush()
    return row


def apply_overrides(config: MonitorConfig, overrides: list[ConfigOverride]) -> MonitorConfig:
    """The YAML configuration with the stored overrides laid over it. An override that no longer fits the YAML
    (a watchlist naming a category that was removed from the file) is skipped, so a bad row never stops a process."""
    watchlists = {w.name: w for w in config.watchlists}
    categories = {c.name for c in config.categories}
    sources = {s.name for s in config.sources}
    enabled: dict[str, bool] = {}
    for row in overrides:
        if row.section == "watchlist":
            try:
                watchlist = Watchlist.model_validate(row.definition)
            except ValueError:
                continue
            if watchlist.category in categories and set(watchlist.sources) <= sources:
                watchlists[row.name] = watchlist
        elif row.section == "source" and isinstance(row.definition.get("enabled"), bool):
            enabled[row.name] = row.definition["enabled"]
    changed_sources = [s.model_copy(update={"enabled": enabled[s.name]}) if s.name in enabled else s
                       for s in config.sources]
    return config.model_copy(update={"watchlists": list(watchlists.values()), "sources": changed_sources})


def load_effective_config(session: Session, config: MonitorConfig) -> MonitorConfig:
    return apply_overrides(config, list_overrides(session))


def use_stored_overrides(settings: Settings, engine: Engine) -> MonitorConfig:
    """Serve this process (worker, crawler child, web) the YAML configuration with the stored overrides laid over
    it. A database without the table (not migrated yet) has no overrides."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from models.db import session_scope

    try:
        with session_scope(engine) as session:
            effective = load_effective_config(session, settings.watch)
    except (OperationalError, ProgrammingError):
        return settings.watch
    settings.__dict__["watch"] = effective  # Settings.watch is a cached property: this is what the process reads
    return effective
