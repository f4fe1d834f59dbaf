"""One function per stage run, in the order of the flow. Each owns its transactions and returns its figures.

    collect(p, watchlist)    crawl the sources of one watchlist for its terms (a crawler child process)
    process(p)               verdicts in -> embed, categorise, cluster, detect, summarise -> reviews and alerts queued
    deliver_alerts(p)        send the due outbox rows (retries included)
    send_daily_bundles(p)    fold daily subscriptions' queued alerts into one message each, then deliver
    send_weekly_digest(p)    queue last week's digest for every digest subscriber, then deliver
    purge(p)                 delete posts past retention, also from the tracker's kept state; aggregates stay
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.alerts.base import Notifier
from api.alerts.digest_mail import enqueue_digest
from api.alerts.enqueue import enqueue_alerts
from api.alerts.outbox import bundle_daily, claim_due, record_failure, release_orphaned, send_one
from api.digest.weeks import last_complete_week
from api.review.actions import flag_for_review
from classifier.analyse import AnalysisReport, analyse_pending
from classifier.categorise.verdicts import verdict_examples
from classifier.persist import forget_purged
from classifier.threads import one_blas_thread
from models.analysis import Trend
from models.db import session_scope
from models.purge import PurgeReport, purge_posts
from models.serving import AlertDelivery
from monitor_config.schema import MonitorConfig
from pipeline.context import Pipeline

log = logging.getLogger(__name__)


def collect(p: Pipeline, watchlist: str, *, trigger: str = "schedule") -> list[dict[str, Any]]:
    from crawlers.runner import run_crawl  # scrapy is only loaded by processes that crawl

    runs = run_crawl(p.settings, p.engine, watchlist=watchlist, trigger=trigger)
    log.info("crawl of %s: %s", watchlist, ", ".join(f"{r['source']} {r['status']}" for r in runs) or "no source")
    return runs


@dataclass
class Processed:
    report: AnalysisReport
    reviews_flagged: int
    alerts_queued: int

    def as_dict(self) -> dict[str, Any]:
        return {**self.report.as_dict(), "reviews_flagged": self.reviews_flagged, "alerts_queued": self.alerts_queued}


@one_blas_thread
def process(p: Pipeline, *, rebuild: bool = False) -> Processed:
    """Reviewers' verdicts teach the categories; new posts become trends; flagged trends of review categories go to
    the review queue and the others' alerts are queued."""
    now = p.clock()
    with p.session() as session:
        verdicts = verdict_examples(session)
    report = analyse_pending(p.engine, p.config, p.embedder(), now=now, verdicts=verdicts, rebuild=rebuild,
                             category_models=p.category_models, states=p.states)
    with p.session() as session:
        flagged, queued = queue_reviews_and_alerts(session, p.config, now)
    log.info("processing: %d posts, %d trends, %d sent to review, %d alerts queued", report.posts, report.trends,
             len(flagged), len(queued))
    return Processed(report, len(flagged), len(queued))


def queue_reviews_and_alerts(session: Session, config: MonitorConfig,
                             now: datetime) -> tuple[list[Trend], list[AlertDelivery]]:
    """After trends changed: newly flagged trends of review categories wait in the review queue (their alerts
    follow a reviewer's confirmation); the alerts due for the others are queued."""
    return flag_for_review(session, config=config, now=now), enqueue_alerts(session, now, config=config)


def deliver_due(engine: Engine, notifiers: Mapping[str, Notifier], now: datetime) -> dict[str, int]:
    """Claim the due outbox rows (committed before anything is sent), then send each and commit its outcome."""
    with session_scope(engine) as session:
        claimed = claim_due(session, now)
    counts = {"sent": 0, "pending": 0, "failed": 0}
    for delivery_id in claimed:
        try:
            with session_scope(engine) as session:
                row = session.get(AlertDelivery, delivery_id)
                if row is None:
                    continue
                send_one(session, row, notifiers, now)
                status = row.status
        except Exception as exc:  # the outcome could not be saved: count the attempt, go on with the batch
            log.exception("delivery %s: could not record the outcome", delivery_id)
            with session_scope(engine) as session:
                record_failure(session, delivery_id, f"{type(exc).__name__}: {exc}", now)
            status = "pending"
        counts[status] = counts.get(status, 0) + 1
    return counts


def release_orphaned_deliveries(p: Pipeline) -> int:
    """Outbox rows left `sending` by a process that died are due again now (call it only while no process
    delivers)."""
    with p.session() as session:
        released = release_orphaned(session, p.clock())
    if released:
        log.warning("%d outbox rows claimed by a process that stopped mid-delivery are due again", released)
    return released


def deliver_alerts(p: Pipeline) -> dict[str, int]:
    return deliver_due(p.engine, p.notifiers, p.clock())


def send_daily_bundles(p: Pipeline) -> dict[str, int]:
    with p.session() as session:
        bundles = bundle_daily(session, p.clock())
    return {"bundles": len(bundles), **deliver_alerts(p)}


def send_weekly_digest(p: Pipeline) -> dict[str, int | str]:
    now = p.clock()
    week = str(last_complete_week(now, p.config.zone))
    with p.session() as session:
        queued = enqueue_digest(session, week=week, render=p.render_digest, config=p.config, now=now)
    return {"week": week, "queued": len(queued), **deliver_alerts(p)}


def purge(p: Pipeline) -> PurgeReport:
    """Posts past `retention_days` go, from the tables and from the tracker's kept state, in one transaction:
    if the kept state cannot be read, nothing is purged (ClassifierError says how to fix it)."""
    with p.session() as session:
        report = purge_posts(session, now=p.clock(), retention_days=p.config.retention_days)
        forget_purged(session, report.cutoff)
    log.info("purge: %d posts and %d embeddings created before %s deleted (retention %d days); aggregates kept "
             "for %d days", report.posts_deleted, report.embeddings_deleted, report.cutoff.date(),
             p.config.retention_days, report.days_aggregated)
    return report


def figures(result: Any) -> dict[str, Any]:
    """A stage's result as JSON-safe figures, for the job's record."""
    if hasattr(result, "as_dict"):
        return dict(result.as_dict())
    if isinstance(result, dict):
        return result
    if isinstance(result, list):
        return {"runs": result}
    if hasattr(result, "__dataclass_fields__"):
        return asdict(result)
    return {"result": str(result)}
