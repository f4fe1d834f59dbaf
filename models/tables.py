"""Every table, imported in one place so the metadata is complete."""
from models.access import ApiToken, LoginCounter, LoginSession
from models.analysis import (
    CategoryAssignment,
    ClassifierState,
    Embedding,
    TrackedTrendRow,
    Trend,
    TrendLineage,
    TrendMembership,
    TrendSnapshot,
)
from models.content import CrawlCursor, CrawlRun, DailyCount, Post, PostWatchlist, SourceRow, Upload, WatchlistRow
from models.jobs import JobClaim
from models.overrides import ConfigOverride
from models.serving import AlertDelivery, AuditLog, Review, Subscription, User

__all__ = [
    "AlertDelivery",
    "ApiToken",
    "AuditLog",
    "CategoryAssignment",
    "ConfigOverride",
    "ClassifierState",
    "CrawlCursor",
    "CrawlRun",
    "DailyCount",
    "Embedding",
    "JobClaim",
    "LoginCounter",
    "LoginSession",
    "Post",
    "PostWatchlist",
    "Review",
    "SourceRow",
    "Subscription",
    "Trend",
    "TrackedTrendRow",
    "TrendLineage",
    "TrendMembership",
    "TrendSnapshot",
    "Upload",
    "User",
    "WatchlistRow",
]
