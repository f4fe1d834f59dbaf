"""Keep the trend tracker's state in the database and mirror it into the tables the API and alerts read.

    codec   a safe encoding of the state (JSON and raw arrays; no pickle)
    store   a row per trend plus one stream row; a run rewrites only the trends it changed
    mirror  Trend, TrendMembership, TrendSnapshot and TrendLineage, written for what changed; reviewers' merges

The tracker's state is written only by this service; what users see lives in the serving tables, which survive
purges.
"""
from classifier.persist.mirror import apply_reviews, mirror_state
from classifier.persist.store import StateCache, StoredState, forget_purged, load_state, reset_state, save_state

__all__ = ["StateCache", "StoredState", "apply_reviews", "forget_purged", "load_state", "mirror_state", "reset_state",
           "save_state"]
