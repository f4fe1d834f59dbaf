"""A small deterministic embedder for tests of the category model's plumbing (cache, contract formats).

Character trigrams hashed into 512 dimensions, L2-normalised: texts that share words get similar vectors, so a
model trained on the shipped seed posts learns something, in milliseconds and without a model file. Quality is
tested with a real model (tests/test_categorise.py)."""
from __future__ import annotations

import hashlib

import numpy as np


class TrigramEmbedder:
    def __init__(self, name: str = "trigram-test", dim: int = 512) -> None:
        self.name, self.dim = name, dim
        self.calls = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = f"  {text.lower()}  "
            for i in range(len(padded) - 2):
                digest = hashlib.blake2b(padded[i:i + 3].encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)
