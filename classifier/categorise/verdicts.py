"""Reviewers' verdicts as training texts for the category classifier: what they confirmed teaches a category, what
they dismissed teaches what is ordinary."""
from __future__ import annotations

from sqlmodel import Session, col, select

from classifier.categorise.model import NONE, LabelledText
from models.analysis import Trend, TrendMembership
from models.content import Post


def verdict_examples(session: Session) -> list[LabelledText]:
    """Member posts of confirmed trends as examples of the trend's category; of dismissed trends as NONE."""
    rows = session.exec(
        select(Post.text, Trend.category, Trend.review_status)
        .join(TrendMembership, col(TrendMembership.post_id) == Post.id)
        .join(Trend, col(Trend.id) == TrendMembership.trend_id)
        .where(col(Trend.review_status).in_(("confirmed", "dismissed")), col(Trend.category).is_not(None))
        .order_by(col(Trend.id), col(Post.id)))
    seen: set[tuple[str, str]] = set()
    examples = []
    for text, category, status in rows:
        assert category is not None  # the query skips trends without one
        label = category if status == "confirmed" else NONE
        if (text, label) not in seen:
            seen.add((text, label))
            examples.append(LabelledText(text, label))
    return examples
