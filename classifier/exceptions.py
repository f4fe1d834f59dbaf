"""Errors of the classifier, shared by its stages.

ClassifierError
 └── EmbedderUnavailable      a backend cannot be used: package missing, model folder absent
      └── ModelBuildError     the offline e5 model folder could not be built from its source package

Messages carry the value that failed (a path, a package name) and what would fix it.
"""
from __future__ import annotations


class ClassifierError(Exception):
    """Base of every error raised by the classifier's stages."""


class EmbedderUnavailable(ClassifierError):
    """An embedding backend cannot be loaded on this machine."""


class ModelBuildError(EmbedderUnavailable):
    """Building a model folder failed; nothing half-built was left behind."""
