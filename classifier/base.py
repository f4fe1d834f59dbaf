"""The interfaces of the classifier's stages, kept together so each backend is easy to swap.

The flow is embed -> categorise -> cluster -> detect -> summarise; each stage is passed into the next as an
object that satisfies one of these protocols.
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised vectors, one row per text."""

    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...
