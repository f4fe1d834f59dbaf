"""Errors of the classifier, shared by its stages.

ClassifierError
 ├── EmbedderUnavailable      a backend cannot be used: package missing, model folder absent
 │    └── ModelBuildError     the offline e5 model folder could not be built from its source package
 ├── InputError               a post or input file is malformed (names the line or id)
 └── StateError               a trend state is inconsistent (names the trend id)

Messages carry the value that failed (a path, a package name, a line) and what would fix it.
"""
from __future__ import annotations


class ClassifierError(Exception):
    """Base of every error raised by the classifier's stages."""


class EmbedderUnavailable(ClassifierError):
    """An embedding backend cannot be loaded on this machine."""


class ModelBuildError(EmbedderUnavailable):
    """Building a model folder failed; nothing half-built was left behind."""


class InputError(ClassifierError):
    """A post or an input file does not have the expected shape."""


class StateError(ClassifierError):
    """A trend state refers to something that does not exist or contradicts itself."""
