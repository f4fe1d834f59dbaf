"""What `leefwereld digest` and `leefwereld trends` print; the commands in api.cli only parse and exit."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.digest import IsoWeek, build_digest, last_complete_week, render_digest
from api.labels import moment_label
from api.queries.trends import TrendFilters, list_trends
from api.trend_views import make_trend_public
from monitor_config.schema import MonitorConfig
from monitor_config.vocabulary import TREND_STATUSES


def write_digest(engine: Engine, config: MonitorConfig, *, week: IsoWeek | None, fmt: str, lang: str,
                 base_url: str, now: datetime) -> str:
    """The digest of `week` (default: the last complete week in the configured time zone)."""
    iso_week = week or last_complete_week(now, config.zone)
    with Session(engine) as session:
        digest = build_digest(session, week=iso_week, config=config, lang=lang, now=now)
    return render_digest(digest, fmt, base_url=base_url)


def write_trends(engine: Engine, config: MonitorConfig, *, filters: TrendFilters, limit: int, as_json: bool) -> str:
    with Session(engine) as session:
        rows, total = list_trends(session, filters, limit=limit, offset=0)
    trends = [make_trend_public(row.trend, row.growth, config) for row in rows]
    if as_json:
        return json.dumps({"total": total, "items": [t.model_dump(mode="json") for t in trends]},
                          ensure_ascii=False, indent=2)
    if not trends:
        return "no trends (yet): run `leefwereld process` after collecting posts"
    lines = [f"{'id':>5}  {'status':<9}  {'posts':>5}  {'emerged':<26}  {'category':<28}  label"]
    for t in trends:
        emerged = moment_label(t.emerging_at, config.zone)
        lines.append(f"{t.id:>5}  {TREND_STATUSES.label(t.status):<9}  {t.size:>5}  {emerged:<26}  "
                     f"{(t.category_title or '-')[:28]:<28}  {t.label}")
    lines.append(f"{len(trends)} of {total} trends, emerging first")
    return "\n".join(lines)
