"""Every table, imported in one place so the metadata is complete."""
from models.access import ApiToken, LoginSession
from models.analysis import (
    CategoryAssignment,
    ClassifierState,
    Embedding,
    Trend,
    TrendEngineState,
    TrendLineage,
    TrendMembership,
    TrendSnapshot,
)
from models.content import CrawlCursor, CrawlRun, DailyCount, Post, PostWatchlist, SourceRow, WatchlistRow
from models.jobs import scheduler_jobs
from models.serving import AlertDelivery, AuditLog, Review, Subscription, User

__all__ = [
    "AlertDelivery",
    "ApiToken",
    "AuditLog",
    "CategoryAssignment",
    "ClassifierState",
    "CrawlCursor",
    "CrawlRun",
    "DailyCount",
    "Embedding",
    "LoginSession",
    "Post",
    "PostWatchlist",
    "Review",
    "SourceRow",
    "Subscription",
    "Trend",
    "TrendEngineState",
    "TrendLineage",
    "TrendMembership",
    "TrendSnapshot",
    "User",
    "WatchlistRow",
    "scheduler_jobs",
]
