"""Review of flagged trends in review categories: verdicts, renames, merges, notes; verdicts feed the classifier."""
from api.review.actions import (
    add_note,
    flag_for_review,
    get_trend,
    list_reviews,
    merge_trends,
    record_verdict,
    rename_trend,
    review_categories,
    review_queue,
    submit_review,
)
from api.review.exceptions import InvalidReviewError, ReviewError, UnknownTrendError

__all__ = [
    "InvalidReviewError", "ReviewError", "UnknownTrendError", "add_note", "flag_for_review",
    "get_trend", "list_reviews", "merge_trends", "record_verdict", "rename_trend", "review_categories",
    "review_queue", "submit_review",
]
