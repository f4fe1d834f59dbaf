"""Who may see which trend: the one rule for trends in categories marked `review: true`.

Such a trend is shared only once a reviewer confirmed it. Until then reviewers and admins see it (they do the
reviewing); youth workers and safety coordinators do not: it is not in their lists, its page and its API answer
are a 404 like an unknown id (a 403 would tell them it exists), it is not in the digest and it sends no alert
or feed entry. Dismissed trends are left out of lists for everyone (`api.queries.trends`).
"""
from __future__ import annotations

from dataclasses import replace

from api.auth.security import role_allows
from api.queries.trends import TrendFilters
from models.analysis import Trend
from models.serving import User
from monitor_config.schema import MonitorConfig

CONFIRMED = "confirmed"
REVIEWING_ROLE = "reviewer"  # and every role above it


def review_categories(config: MonitorConfig) -> frozenset[str]:
    return frozenset(c.name for c in config.categories if c.review)


def awaits_review(trend: Trend, config: MonitorConfig) -> bool:
    """True while a trend in a review category has not been confirmed by a reviewer."""
    return trend.category in review_categories(config) and trend.review_status != CONFIRMED


def sees_unreviewed(user: User) -> bool:
    return role_allows(user.role, REVIEWING_ROLE)


def may_see(user: User, trend: Trend, config: MonitorConfig) -> bool:
    return sees_unreviewed(user) or not awaits_review(trend, config)


def filters_for(user: User, config: MonitorConfig, filters: TrendFilters | None = None) -> TrendFilters:
    """`filters` narrowed to the trends `user` may see (the same rule as `may_see`, as a query condition)."""
    base = filters or TrendFilters()
    if sees_unreviewed(user):
        return base
    return replace(base, unconfirmed_hidden_in=tuple(sorted(review_categories(config))))
