"""Errors of reviewing; the API turns them into 404/409/422 with the Dutch message.

ReviewError
  UnknownTrendError   no trend with that id
  InvalidReviewError  a verdict, label or merge that cannot be applied (the message says why)
"""
from __future__ import annotations


class ReviewError(Exception):
    pass


class UnknownTrendError(ReviewError):
    pass


class InvalidReviewError(ReviewError):
    pass
