"""The crawl schedule's job store table, declared here so Alembic owns its schema (APScheduler 3.x's
SQLAlchemyJobStore layout: its own create-if-missing then finds it in place)."""
from __future__ import annotations

from sqlalchemy import Column, Float, LargeBinary, Table, Unicode
from sqlmodel import SQLModel

JOBS_TABLE = "apscheduler_jobs"

scheduler_jobs = Table(
    JOBS_TABLE,
    SQLModel.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
