"""Reviewing flagged trends: queue, verdicts, rename, merge with lineage, audit rows, verdicts as examples."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.alerts import SubscriptionRequest, create_subscription, enqueue_alerts
from api.review import (
    InvalidReviewError,
    add_note,
    flag_for_review,
    merge_trends,
    record_verdict,
    rename_trend,
    review_queue,
)
from classifier.categorise.model import NONE, LabelledText
from classifier.categorise.verdicts import verdict_examples
from models.analysis import Trend, TrendLineage, TrendMembership
from models.serving import AuditLog, Review
from monitor_config import MonitorConfig
from tests.alert_helpers import NOW, alert_config, make_trend, make_user


def audit(session: Session) -> list[tuple[str, str, str | None]]:
    return [(a.actor, a.action, a.target) for a in session.exec(select(AuditLog).where(
        col(AuditLog.action) != "user_created").order_by(col(AuditLog.id)))]


def test_queue_holds_flagged_trends_of_review_categories_only(engine: Engine, small_config: MonitorConfig) -> None:
    with Session(engine) as session:
        shaming = make_trend(session, category="online-shaming", label="exposen")
        make_trend(session, category="gelblasters")
        make_trend(session, category="online-shaming", status="new", label="nog niet opkomend")
        assert [t.id for t in flag_for_review(session, config=small_config, now=NOW)] == [shaming.id]
        assert [t.id for t in review_queue(session, config=small_config)] == [shaming.id]
        assert shaming.review_status == "pending"


def test_verdicts_update_the_trend_write_audit_rows_and_gate_alerts(engine: Engine,
                                                                   small_config: MonitorConfig) -> None:
    config = alert_config(small_config)
    with Session(engine) as session:
        reviewer = make_user(session, "rita", role="reviewer")
        create_subscription(session, owner=make_user(session), config=config, actor="test", now=NOW,
                            request=SubscriptionRequest(name="alles", channel="feed"))
        trend = make_trend(session, category="online-shaming", label="exposen")
        flag_for_review(session, config=config, now=NOW)
        record_verdict(session, trend_id=trend.id, reviewer=reviewer, verdict="watch", note="even afwachten", now=NOW)  # type: ignore[arg-type]
        assert trend.review_status == "watch" and review_queue(session, config=config) == [trend]
        assert enqueue_alerts(session, NOW, config=config) == []
        record_verdict(session, trend_id=trend.id, reviewer=reviewer, verdict="confirm", note=None, now=NOW)  # type: ignore[arg-type]
        assert trend.review_status == "confirmed" and review_queue(session, config=config) == []
        assert len(enqueue_alerts(session, NOW, config=config)) == 1
        add_note(session, trend_id=trend.id, reviewer=reviewer, note="school geïnformeerd", now=NOW)  # type: ignore[arg-type]
        with pytest.raises(InvalidReviewError):
            record_verdict(session, trend_id=trend.id, reviewer=reviewer, verdict="maybe", note=None, now=NOW)  # type: ignore[arg-type]
        session.commit()
        assert [(r.verdict, r.note) for r in session.exec(select(Review).order_by(col(Review.id)))] == [
            ("watch", "even afwachten"), ("confirm", None), ("note", "school geïnformeerd")]
        assert audit(session)[-3:] == [("rita", "review_watch", f"trend:{trend.id}"),
                                       ("rita", "review_confirm", f"trend:{trend.id}"),
                                       ("rita", "review_note", f"trend:{trend.id}")]


def test_rename_and_merge_keep_lineage_and_move_posts(engine: Engine, small_config: MonitorConfig) -> None:
    with Session(engine) as session:
        reviewer = make_user(session, "rita", role="reviewer")
        keep = make_trend(session, category="online-shaming", label="exposen", posts=[("tiktok", "a"), ("tiktok", "b")])
        fold = make_trend(session, category="online-shaming", label="expose pagina", posts=[("tiktok", "c")])
        fold.first_seen = keep.first_seen - timedelta(days=5)
        rename_trend(session, trend_id=keep.id, reviewer=reviewer, label="  Expose-accounts  ", now=NOW)  # type: ignore[arg-type]
        merge_trends(session, source_id=fold.id, target_id=keep.id, reviewer=reviewer, now=NOW)  # type: ignore[arg-type]
        session.commit()
        assert keep.label == "Expose-accounts" and keep.size == 3 and keep.first_seen == fold.first_seen
        assert fold.merged_into == keep.id
        members = session.exec(select(TrendMembership.trend_id)).all()
        assert set(members) == {keep.id} and len(members) == 3
        links = session.exec(select(TrendLineage).order_by(col(TrendLineage.id)))
        lineage = [(x.parent_id, x.child_id, x.relation) for x in links]
        assert lineage == [(keep.id, keep.id, "rename"), (keep.id, fold.id, "merge")]
        assert [a[1] for a in audit(session)] == ["trend_renamed", "trend_merged"]
        for source, target in ((fold.id, keep.id), (keep.id, keep.id)):
            with pytest.raises(InvalidReviewError):
                merge_trends(session, source_id=source, target_id=target, reviewer=reviewer, now=NOW)  # type: ignore[arg-type]


def test_verdict_examples_label_confirmed_posts_with_the_category_and_dismissed_as_none(
        engine: Engine, small_config: MonitorConfig) -> None:
    with Session(engine) as session:
        reviewer = make_user(session, "rita", role="reviewer")
        yes = make_trend(session, category="online-shaming", posts=[("tiktok", "wie kent haar exposed")])
        no = make_trend(session, category="online-shaming", posts=[("tiktok", "exposed: de nieuwe serie op netflix")])
        make_trend(session, category="online-shaming", posts=[("tiktok", "nog niet beoordeeld")])
        record_verdict(session, trend_id=yes.id, reviewer=reviewer, verdict="confirm", note=None, now=NOW)  # type: ignore[arg-type]
        record_verdict(session, trend_id=no.id, reviewer=reviewer, verdict="dismiss", note=None, now=NOW)  # type: ignore[arg-type]
        session.commit()
        assert verdict_examples(session) == [LabelledText("wie kent haar exposed", "online-shaming"),
                                             LabelledText("exposed: de nieuwe serie op netflix", NONE)]
        assert session.get(Trend, no.id).review_status == "dismissed"  # type: ignore[union-attr]


def test_after_processing_review_trends_wait_and_the_rest_alert(engine: Engine, small_config: MonitorConfig) -> None:
    from pipeline.stages import queue_reviews_and_alerts

    config = alert_config(small_config)
    with Session(engine) as session:
        create_subscription(session, owner=make_user(session), config=config, actor="test", now=NOW,
                            request=SubscriptionRequest(name="alles", channel="feed"))
        review = make_trend(session, category="online-shaming")
        plain = make_trend(session, category="gelblasters")
        _, added = queue_reviews_and_alerts(session, config, NOW)
        assert [row.trend_id for row in added] == [plain.id] and review.review_status == "pending"
