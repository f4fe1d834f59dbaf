"""What the classifier derives: embeddings, categories, trends and their history."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class Embedding(SQLModel, table=True):
    """A text's vector, stored once per content hash and model: the same text is never embedded twice."""

    __tablename__ = "embedding"
    __table_args__ = (UniqueConstraint("content_hash", "model", name="uq_embedding_hash_model"),)

    id: int | None = Field(default=None, primary_key=True)
    content_hash: str = Field(max_length=64, index=True)
    model: str = Field(max_length=200)
    dim: int
    vector: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class CategoryAssignment(SQLModel, table=True):
    __tablename__ = "category_assignment"
    __table_args__ = (UniqueConstraint("post_id", "category", name="uq_category_post"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id", index=True, ondelete="CASCADE")
    category: str = Field(max_length=64, index=True)
    probability: float
    model: str = Field(max_length=200)
    assigned_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Trend(SQLModel, table=True):
    """A theme with a stable id: it keeps its id as it grows; splits and merges are kept in TrendLineage."""

    __tablename__ = "trend"

    id: int | None = Field(default=None, primary_key=True)
    label: str = Field(default="", max_length=300)
    keywords: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    category: str | None = Field(default=None, max_length=64, index=True)
    status: str = Field(default="new", max_length=16, index=True)
    first_seen: datetime = Field(sa_type=UTCDateTime, index=True)
    last_seen: datetime = Field(sa_type=UTCDateTime, index=True)
    emerging_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    size: int = 0
    authors: int = 0
    merged_into: int | None = Field(default=None, foreign_key="trend.id")
    review_status: str | None = Field(default=None, max_length=16, index=True)
    summary: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TrendMembership(SQLModel, table=True):
    __tablename__ = "trend_membership"

    post_id: int = Field(foreign_key="post.id", primary_key=True, ondelete="CASCADE")
    trend_id: int = Field(foreign_key="trend.id", index=True)
    similarity: float | None = None
    assigned_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TrendSnapshot(SQLModel, table=True):
    """A trend's figures in one time window; aggregates that outlive the raw posts."""

    __tablename__ = "trend_snapshot"
    __table_args__ = (UniqueConstraint("trend_id", "window", "window_start", name="uq_snapshot_window"),)

    id: int | None = Field(default=None, primary_key=True)
    trend_id: int = Field(foreign_key="trend.id", index=True)
    window: str = Field(max_length=8)
    window_start: datetime = Field(sa_type=UTCDateTime, index=True)
    volume: int = 0
    authors: int = 0
    platforms: int = 0
    sources: int = 0
    growth: float | None = None
    burst_score: float | None = None
    status: str = Field(default="new", max_length=16)


class TrendLineage(SQLModel, table=True):
    __tablename__ = "trend_lineage"

    id: int | None = Field(default=None, primary_key=True)
    parent_id: int = Field(foreign_key="trend.id", index=True)
    child_id: int = Field(foreign_key="trend.id", index=True)
    relation: str = Field(max_length=16)  # split | merge | rename
    at: datetime = Field(sa_type=UTCDateTime)


class ClassifierState(SQLModel, table=True):
    """State of an incremental stage in its own safe encoding (never a pickle); the trend tracker keeps its buffer,
    samples and lineage here, under the name 'trend-engine'."""

    __tablename__ = "classifier_state"

    name: str = Field(primary_key=True, max_length=100)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TrackedTrendRow(SQLModel, table=True):
    """The trend tracker's state of one trend (centroid sum, counts per window, exemplars), in the encoding of
    `classifier.persist.codec`; a processing run rewrites only the rows of the trends it changed."""

    __tablename__ = "trend_state"

    trend_id: int = Field(foreign_key="trend.id", primary_key=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
