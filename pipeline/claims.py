"""Exactly one worker runs each scheduled slot of a job: a claimed-job row per job (`models.jobs.JobClaim`).

APScheduler 3.x runs a job in every process that schedules it. So every run first claims its slot, the scheduled
time it runs for, with one conditional UPDATE that only one worker can win: the slot must be later than the last
slot claimed, and no other worker may hold a live lease on the job. Every worker computes the same slots (interval
triggers are anchored at a fixed moment), so two workers started minutes apart still agree. The holder renews its
lease while the job runs. A holder that died on this machine (killed, crashed) is recognised at once
(models.holders) and its claim given up, so a restarted worker or command runs the job without waiting; a holder on
another machine that stops renewing loses the job when its lease has run out. The same row records the outcome,
for the administrator and for making up a run missed while no worker was up.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from models.db import session_scope
from models.holders import holder_is_dead, this_process
from models.ingest import insert_ignoring_duplicates
from models.jobs import JobClaim

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
RENEW_EVERY = timedelta(seconds=30)
NEVER = datetime(2000, 1, 1, tzinfo=UTC)
# Interval jobs fire at ANCHOR + k * interval in every worker, whenever the worker started.
ANCHOR = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday, 00:00 UTC
LOOKBACK = timedelta(days=8)  # covers a weekly cron job


def worker_name() -> str:
    """Who holds a claim: host, process id, its start and a random tag (a restarted process is a new holder)."""
    return this_process()


def latest_slot(trigger: BaseTrigger, now: datetime) -> datetime | None:
    """The latest time at or before `now` at which `trigger` fires (None when it fired not once in LOOKBACK)."""
    if isinstance(trigger, IntervalTrigger):
        start = trigger.start_date
        if start > now:
            return None
        return start + ((now - start) // trigger.interval) * trigger.interval
    found, moment = None, now - LOOKBACK
    while True:
        fire = trigger.get_next_fire_time(found, moment)
        if fire is None or fire > now:
            return found
        found, moment = fire, fire + timedelta(microseconds=1)


def last_claimed(engine: Engine, job_id: str) -> JobClaim | None:
    with session_scope(engine) as session:
        return session.get(JobClaim, job_id)


def claim(engine: Engine, job_id: str, slot: datetime, holder: str, now: datetime, lease: timedelta = LEASE) -> bool:
    """Take `slot` of `job_id` for `holder`; False when another worker ran (or is running) it already."""
    with session_scope(engine) as session:
        insert_ignoring_duplicates(session, JobClaim, [{"job_id": job_id, "slot": NEVER, "holder": "",
                                                        "status": "idle"}])
    release_abandoned(engine, now, job_id=job_id)
    with session_scope(engine) as session:
        taken = session.execute(
            update(JobClaim)
            .where(col(JobClaim.job_id) == job_id, col(JobClaim.slot) < slot,
                   (col(JobClaim.status) != "running") | (col(JobClaim.lease_until) < now))
            .values(slot=slot, holder=holder, status="running", started_at=now, lease_until=now + lease,
                    finished_at=None))
        return bool(taken.rowcount == 1)  # type: ignore[attr-defined]


def renew(engine: Engine, job_id: str, holder: str, now: datetime, lease: timedelta = LEASE) -> bool:
    with session_scope(engine) as session:
        renewed = session.execute(update(JobClaim).where(col(JobClaim.job_id) == job_id, col(JobClaim.holder) == holder,
                                                         col(JobClaim.status) == "running")
                                  .values(lease_until=now + lease))
        return bool(renewed.rowcount == 1)  # type: ignore[attr-defined]


def finish(engine: Engine, job_id: str, holder: str, now: datetime, *, ok: bool, result: dict[str, Any]) -> None:
    values: dict[str, Any] = {"status": "ok" if ok else "failed", "finished_at": now, "lease_until": None,
                              "result": result}
    if ok:
        values["last_ok_at"] = now
    with session_scope(engine) as session:
        session.execute(update(JobClaim).where(col(JobClaim.job_id) == job_id, col(JobClaim.holder) == holder)
                        .values(**values))


def release_all(engine: Engine, holder: str, now: datetime) -> int:
    """A worker that stops gives up the claims it still holds, so no other worker waits out their leases."""
    with session_scope(engine) as session:
        released = session.execute(update(JobClaim).where(col(JobClaim.holder) == holder,
                                                          col(JobClaim.status) == "running")
                                   .values(status="interrupted", finished_at=now, lease_until=None))
        return int(released.rowcount)  # type: ignore[attr-defined]


def release_abandoned(engine: Engine, now: datetime, *, job_id: str | None = None) -> list[str]:
    """Give up the running claims (of `job_id`, or of every job) whose holder process on this machine has ended:
    a killed worker or command. Returns the jobs released; their next run may start at once."""
    with session_scope(engine) as session:
        query = select(JobClaim).where(col(JobClaim.status) == "running")
        if job_id is not None:
            query = query.where(col(JobClaim.job_id) == job_id)
        dead = [(row.job_id, row.holder) for row in session.scalars(query) if holder_is_dead(row.holder)]
        for job, holder in dead:
            session.execute(update(JobClaim).where(col(JobClaim.job_id) == job, col(JobClaim.holder) == holder,
                                                   col(JobClaim.status) == "running")
                            .values(status="interrupted", finished_at=now, lease_until=None,
                                    result={"error": f"interrupted: {holder} stopped while running this job"}))
    for job, holder in dead:
        log.warning("%s: its holder %s has ended (killed or crashed); the job is free again", job, holder)
    return [job for job, _ in dead]


def held_elsewhere(engine: Engine, job_ids: Iterable[str], me: str, now: datetime) -> bool:
    """Whether another process holds a live claim on any of `job_ids`."""
    with session_scope(engine) as session:
        held = session.scalars(select(JobClaim).where(col(JobClaim.job_id).in_(list(job_ids)),
                                                      col(JobClaim.status) == "running", col(JobClaim.holder) != me))
        return any(claim.lease_until is None or claim.lease_until >= now for claim in held)


@contextmanager
def renewing(engine: Engine, job_id: str, holder: str, clock: Callable[[], datetime]) -> Iterator[None]:
    """Renew the lease every RENEW_EVERY in a background thread while the block runs."""
    done = threading.Event()

    def keep_alive() -> None:
        while not done.wait(RENEW_EVERY.total_seconds()):
            try:
                renew(engine, job_id, holder, clock())
            except Exception:  # a database hiccup: the next renewal tries again
                log.warning("could not renew the claim on %s", job_id, exc_info=True)

    thread = threading.Thread(target=keep_alive, name=f"lease:{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
