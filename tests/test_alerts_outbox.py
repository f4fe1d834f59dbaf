"""Deciding what to alert and delivering the outbox, on SQLite and PostgreSQL."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.alerts import (
    Alert,
    DeliveryError,
    SubscriptionRequest,
    bundle_daily,
    create_subscription,
    enqueue_alerts,
)
from models.serving import AlertDelivery
from monitor_config import MonitorConfig
from pipeline.stages import deliver_due
from tests.alert_helpers import NOW, alert_config, make_trend, make_user


class Recorder:
    """A notifier that keeps what it was given; fails the first `failures` sends."""

    def __init__(self, failures: int = 0) -> None:
        self.sent: list[Alert] = []
        self.failures = failures
        self.lock = threading.Lock()

    def send(self, alert: Alert) -> None:
        with self.lock:
            if self.failures:
                self.failures -= 1
                raise DeliveryError("receiver down")
            self.sent.append(alert)


def subscribe(session: Session, config: MonitorConfig, name: str = "sub", **request: object) -> int:
    user = make_user(session, username=name)
    sub = create_subscription(session, owner=user, config=config, actor="test", now=NOW,
                              request=SubscriptionRequest(name=name, channel="feed", **request))  # type: ignore[arg-type]
    return sub.id  # type: ignore[return-value]


def deliveries(session: Session) -> list[AlertDelivery]:
    return list(session.exec(select(AlertDelivery).order_by(col(AlertDelivery.id))))


def test_filters_by_category_severity_place_platform_and_keyword(engine: Engine, small_config: MonitorConfig) -> None:
    config = alert_config(small_config)
    with Session(engine) as session:
        subs = {
            "all": subscribe(session, config, "all"),
            "category": subscribe(session, config, "category", filters={"categories": ["online-shaming"]}),
            "critical": subscribe(session, config, "critical", filters={"min_severity": "critical"}),
            "high": subscribe(session, config, "high", filters={"min_severity": "high"}),
            "place": subscribe(session, config, "place", filters={"places": ["Nieuw-West"]}),
            "bijlmer": subscribe(session, config, "bijlmer", filters={"places": ["Zuidoost"]}),
            "tiktok": subscribe(session, config, "tiktok", filters={"platforms": ["tiktok"]}),
            "keyword": subscribe(session, config, "keyword", filters={"keywords": ["metro"]}),
        }
        make_trend(session, posts=[("mastodon", "Gelblasters bij de métro in SLOTERVAART"),
                                   ("youtube", "weer een filmpje")])
        added = enqueue_alerts(session, NOW, config=config)
        session.commit()
        alerted = {name for name, sid in subs.items() if any(r.subscription_id == sid for r in added)}
    assert alerted == {"all", "high", "place", "keyword"}


def test_cool_down_holds_until_the_trend_escalates(engine: Engine, small_config: MonitorConfig) -> None:
    config = alert_config(small_config)
    with Session(engine) as session:
        subscribe(session, config)
        trend = make_trend(session)
        assert len(enqueue_alerts(session, NOW, config=config)) == 1
        session.commit()
        assert enqueue_alerts(session, NOW + timedelta(hours=1), config=config) == []
        trend.status = "active"  # active but not growing (ratio 1.0): no escalation
        session.add(trend)
        from models.analysis import TrendSnapshot
        session.add(TrendSnapshot(trend_id=trend.id, window="day", window_start=NOW - timedelta(days=1), volume=3,  # type: ignore[arg-type]
                                  growth=1.0, status="active"))
        assert enqueue_alerts(session, NOW + timedelta(hours=2), config=config) == []
        make_trend(session, label="ander")  # another trend alerts on its own
        session.commit()
        assert len(enqueue_alerts(session, NOW + timedelta(hours=3), config=config)) == 1
        session.add(TrendSnapshot(trend_id=trend.id, window="day", window_start=NOW, volume=9, growth=4.0,  # type: ignore[arg-type]
                                  status="active"))
        escalated = enqueue_alerts(session, NOW + timedelta(hours=4), config=config)
        session.commit()
        assert [row.payload["items"][0]["escalated"] for row in escalated] == [True]
        assert enqueue_alerts(session, NOW + timedelta(hours=5), config=config) == []
        assert len({r.dedupe_key for r in deliveries(session)}) == 3


def test_review_categories_alert_only_after_confirmation(engine: Engine, small_config: MonitorConfig) -> None:
    config = alert_config(small_config)
    with Session(engine) as session:
        subscribe(session, config)
        trend = make_trend(session, category="online-shaming", label="Expose-pagina's")
        assert enqueue_alerts(session, NOW, config=config) == []
        trend.review_status = "confirmed"
        session.add(trend)
        assert len(enqueue_alerts(session, NOW, config=config)) == 1


def test_redacts_post_text_when_queued(engine: Engine, small_config: MonitorConfig) -> None:
    config = alert_config(small_config)
    with Session(engine) as session:
        subscribe(session, config)
        make_trend(session, posts=[("mastodon", "gelblaster? bel 06-12345678 of @kim_ams")])
        [row] = enqueue_alerts(session, NOW, config=config)
    text = row.payload["items"][0]["examples"][0]
    assert "12345678" not in text and "kim_ams" not in text and "[telefoonnummer]" in text


def test_failed_send_backs_off_and_is_delivered_once_later(engine: Engine, small_config: MonitorConfig) -> None:
    config = alert_config(small_config)
    recorder = Recorder(failures=2)
    with Session(engine) as session:
        subscribe(session, config)
        make_trend(session)
        enqueue_alerts(session, NOW, config=config)
        session.commit()
        assert deliver_due(engine, {"feed": recorder}, NOW)["pending"] == 1
        [row] = deliveries(session)
        assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 1, NOW + timedelta(minutes=1))
        session.commit()
        nothing = {"sent": 0, "pending": 0, "failed": 0}
        assert deliver_due(engine, {"feed": recorder}, NOW + timedelta(seconds=30)) == nothing
        deliver_due(engine, {"feed": recorder}, NOW + timedelta(minutes=1))
        session.refresh(row)
        assert (row.attempts, row.next_attempt_at) == (2, NOW + timedelta(minutes=3))
        session.commit()
        deliver_due(engine, {"feed": recorder}, NOW + timedelta(minutes=3))
        deliver_due(engine, {"feed": recorder}, NOW + timedelta(days=1))
        session.refresh(row)
        assert (row.status, row.attempts, len(recorder.sent)) == ("sent", 3, 1)


def test_daily_mode_bundles_a_day_of_alerts_into_one_message(engine: Engine, small_config: MonitorConfig) -> None:
    config = alert_config(small_config)
    recorder = Recorder()
    with Session(engine) as session:
        subscribe(session, config, mode="daily")
        make_trend(session, label="een")
        make_trend(session, label="twee")
        enqueue_alerts(session, NOW, config=config)
        session.commit()
        deliver_due(engine, {"feed": recorder}, NOW)
        assert recorder.sent == []
        bundle_daily(session, NOW + timedelta(hours=1))
        session.commit()
        deliver_due(engine, {"feed": recorder}, NOW + timedelta(hours=1))
        assert [sorted(i["label"] for i in a.items) for a in recorder.sent] == [["een", "twee"]]
        assert [a.kind for a in recorder.sent] == ["bundle"]
        assert bundle_daily(session, NOW + timedelta(days=1)) == []


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_concurrent_workers_never_send_a_row_twice(engine: Engine, small_config: MonitorConfig) -> None:
    config = alert_config(small_config)
    with Session(engine) as session:
        for index in range(5):
            subscribe(session, config, f"sub{index}")
        for index in range(8):
            make_trend(session, label=f"trend {index}")
        assert len(enqueue_alerts(session, NOW, config=config)) == 40
        session.commit()
    recorder = Recorder()
    barrier = threading.Barrier(4)

    def work() -> None:
        barrier.wait()
        session.commit()
        deliver_due(engine, {"feed": recorder}, NOW)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [a.delivery_id for a in recorder.sent]
    assert len(ids) == len(set(ids)) == 40
    with Session(engine) as session:
        assert {r.status for r in deliveries(session)} == {"sent"}
