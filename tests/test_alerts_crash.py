"""A worker killed (SIGKILL) in the middle of delivering alerts: after a restart every alert reaches the SMTP
server (aiosmtpd) exactly once and no row stays `sending`, without waiting out the 15-minute lease. Real worker
processes (tests/outbox_probe.py), on SQLite and PostgreSQL."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.alerts import SubscriptionRequest, create_subscription, enqueue_alerts
from api.alerts.outbox import claim_due
from models.jobs import JobClaim
from models.serving import AlertDelivery
from monitor_config.settings import Settings
from pipeline import build_pipeline
from pipeline.claims import claim, last_claimed, release_all
from pipeline.worker import Worker
from tests.alert_helpers import NOW, alert_config, free_port, make_trend, make_user
from tests.conftest import FIXTURES

pytestmark = pytest.mark.slow  # kills and restarts a real worker process

ROOT = Path(__file__).resolve().parent.parent
CONFIG = FIXTURES / "config" / "small.yaml"
SUBSCRIBERS = 6
HOLD_AT = 3  # the SMTP server keeps the third mail waiting: the worker is killed while it sends it


class HoldingInbox:
    """Accepts mails, but holds the HOLD_AT-th until `release` is set and then refuses it (it never arrived)."""

    def __init__(self) -> None:
        self.delivered: list[list[str]] = []
        self.seen = 0
        self.holding, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.seen += 1
        if self.seen == HOLD_AT:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 the sender went away"
        self.delivered.append(list(envelope.rcpt_tos))  # type: ignore[attr-defined]
        return "250 OK"


def statuses(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return [row.status for row in session.exec(select(AlertDelivery).order_by(col(AlertDelivery.id)))]


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    """Poll until `condition` holds (a bound on a hang, not a measure of speed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def start_worker(url: str, port: int, seconds: float) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "tests.outbox_probe", url, str(port), str(seconds)], cwd=ROOT)


def test_alerts_of_a_killed_worker_are_delivered_once_after_a_restart(engine: Engine, small_config: object) -> None:
    port, inbox = free_port(), HoldingInbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    config = alert_config(small_config, smtp_port=port)  # type: ignore[arg-type]
    with Session(engine) as session:
        for index in range(SUBSCRIBERS):
            create_subscription(session, owner=make_user(session, f"school{index}"), config=config, actor="test",
                                now=NOW, request=SubscriptionRequest(name="school", channel="email"))
        make_trend(session)
        assert len(enqueue_alerts(session, NOW, config=config)) == SUBSCRIBERS
        session.commit()
    url = engine.url.render_as_string(hide_password=False)
    first = start_worker(url, port, 300)
    try:
        assert inbox.holding.wait(120), "the first worker never reached the third mail"
        os.kill(first.pid, signal.SIGKILL)
        assert first.wait(timeout=30) == -signal.SIGKILL
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    inbox.release.set()
    left = statuses(engine)
    assert left.count("sent") == HOLD_AT - 1 and "sending" in left, left  # killed mid-batch: rows left claimed
    with Session(engine) as session:
        killed_claim = session.get(JobClaim, "alerts-deliver")
        assert killed_claim is not None and killed_claim.status == "running"  # its lease has minutes to run
        lease = killed_claim.lease_until
        assert lease is not None and lease > datetime.now(lease.tzinfo)

    second = start_worker(url, port, 300)
    try:
        delivered = wait_for(lambda: statuses(engine) == ["sent"] * SUBSCRIBERS, 90)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=60)
        smtp.stop()
    assert delivered, statuses(engine)
    recipients = sorted(r for rcpts in inbox.delivered for r in rcpts)
    assert recipients == sorted(f"school{index}@school.example.nl" for index in range(SUBSCRIBERS))  # once each
    with Session(engine) as session:
        rows = list(session.exec(select(AlertDelivery)))
        claim = session.get(JobClaim, "alerts-deliver")
    assert all(row.attempts == 1 for row in rows)  # a row claimed by the dead worker is not counted as a failure
    assert claim is not None and claim.status != "running"


def test_a_starting_worker_leaves_rows_alone_while_a_worker_elsewhere_delivers(engine: Engine, tmp_path: Path,
                                                                                small_config: object) -> None:
    config = alert_config(small_config, smtp_port=free_port())  # type: ignore[arg-type]
    with Session(engine) as session:
        create_subscription(session, owner=make_user(session), config=config, actor="test", now=NOW,
                            request=SubscriptionRequest(name="school", channel="email"))
        make_trend(session)
        enqueue_alerts(session, NOW, config=config)
        session.commit()
    now = datetime.now(UTC)
    with Session(engine) as session:
        assert claim_due(session, now) == [1]
        session.commit()
    worker = Worker(build_pipeline(Settings(home=tmp_path, config=CONFIG), engine, config=config,
                                   clock=lambda: now), [])
    assert claim(engine, "alerts-daily", now, "elders.example:4242:1764500000.00:abcdef", now)  # alive, on another host
    assert worker.recover(now) == 0 and statuses(engine) == ["sending"]
    release_all(engine, "elders.example:4242:1764500000.00:abcdef", now)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a process of this host that is gone
    assert claim(engine, "alerts-deliver", now, f"{socket.gethostname()}:{dead.pid}:1764500000.00:abcdef", now)
    assert worker.recover(now) == 1 and statuses(engine) == ["pending"]
    assert last_claimed(engine, "alerts-deliver").status == "interrupted"  # type: ignore[union-attr]
