"""Scheduled jobs' claims: one row per job, so that of several workers exactly one runs each scheduled slot.

A worker claims a job's slot (the scheduled time it is running for) with one conditional UPDATE: only a slot
later than the last one claimed, and only while no other worker holds a live lease on the job. The holder renews
the lease while it runs and records the outcome; a worker that dies leaves its lease to run out, after which
the next slot can be claimed. The row also tells the administrator when each job last ran and how it went.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime


class JobClaim(SQLModel, table=True):
    __tablename__ = "job_claim"

    job_id: str = Field(primary_key=True, max_length=200)
    slot: datetime = Field(sa_type=UTCDateTime)  # the scheduled time of the latest claimed run
    holder: str = Field(default="", max_length=200)  # host, process and start of the worker that claimed it
    status: str = Field(default="idle", max_length=16)  # idle | running | ok | failed | interrupted
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_ok_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))  # the run's figures or its error
