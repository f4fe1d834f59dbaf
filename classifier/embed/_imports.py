"""Lazy imports of heavy or optional packages, failing with the pip command that fixes them."""
from __future__ import annotations

import importlib
from importlib import metadata
from types import ModuleType

from classifier.exceptions import EmbedderUnavailable


def import_optional(module: str, pip_args: str, purpose: str) -> ModuleType:
    """Import `module`, or explain that `purpose` needs it and which `pip install` brings it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise EmbedderUnavailable(
            f"{purpose} needs the Python module {module!r}, which cannot be imported ({exc}); "
            f"fix: pip install {pip_args}"
        ) from exc


def read_package_version(distribution: str, pip_args: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError as exc:
        raise EmbedderUnavailable(
            f"the Python package {distribution!r} is not installed; fix: pip install {pip_args}"
        ) from exc
