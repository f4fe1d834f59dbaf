"""Every table, imported in one place so the metadata is complete."""
from models.analysis import (
    CategoryAssignment,
    ClassifierState,
    Embedding,
    Trend,
    TrendLineage,
    TrendMembership,
    TrendSnapshot,
)
from models.jobs import scheduler_jobs
from models.content import CrawlCursor, CrawlRun, DailyCount, Post, PostWatchlist, SourceRow, WatchlistRow
from models.serving import AlertDelivery, AuditLog, Review, Subscription, User

__all__ = [
    "AlertDelivery",
    "AuditLog",
    "CategoryAssignment",
    "ClassifierState",
    "CrawlCursor",
    "CrawlRun",
    "DailyCount",
    "Embedding",
    "Post",
    "PostWatchlist",
    "Review",
    "SourceRow",
    "Subscription",
    "Trend",
    "TrendLineage",
    "TrendMembership",
    "TrendSnapshot",
    "User",
    "WatchlistRow",
    "scheduler_jobs",
]
