"""Errors raised by the classifier.

    ClassifierError            root: catch this to handle any classifier failure
    +-- InputError             a post or input file is malformed (names the line or id)
    +-- StateError             a trend state is inconsistent (names the trend id)
"""
from __future__ import annotations


class ClassifierError(Exception):
    """Root of every error the classifier raises on purpose."""


class InputError(ClassifierError):
    """A post or an input file does not have the expected shape."""


class StateError(ClassifierError):
    """A trend state refers to something that does not exist or contradicts itself."""
