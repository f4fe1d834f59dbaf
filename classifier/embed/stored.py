"""Embeddings kept in the database by content hash and model: the same text is never embedded twice."""
from __future__ import annotations

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import col

from classifier.base import Embedder
from models.analysis import Embedding
from models.db import session_scope
from models.ingest import insert_ignoring_duplicates
from models.privacy import content_hash

LOOKUP_CHUNK = 500


class StoredEmbedder:
    """An `Embedder` that looks texts up in the Embedding table first and embeds only what is missing."""

    def __init__(self, inner: Embedder, engine: Engine) -> None:
        self.inner, self.engine = inner, engine
        self.name, self.dim = inner.name, inner.dim
        self.embedded = 0  # texts this instance had to embed (the rest came from the table)

    def embed(self, texts: list[str]) -> np.ndarray:
        hashes = [content_hash(t) for t in texts]
        found = self._lookup(sorted(set(hashes)))
        missing = {h: t for h, t in zip(hashes, texts, strict=True) if h not in found}
        if missing:
            vectors = np.asarray(self.inner.embed(list(missing.values())), dtype=np.float32)
            self.embedded += len(missing)
            found.update(zip(missing, vectors, strict=True))
            self._store({h: found[h] for h in missing})
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([found[h] for h in hashes]).astype(np.float32)

    def _lookup(self, hashes: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with session_scope(self.engine) as session:
            for i in range(0, len(hashes), LOOKUP_CHUNK):
                rows = session.execute(select(col(Embedding.content_hash), col(Embedding.vector)).where(
                    col(Embedding.model) == self.name, col(Embedding.content_hash).in_(hashes[i:i + LOOKUP_CHUNK])))
                found.update((h, np.frombuffer(v, dtype=np.float32)) for h, v in rows)
        return found

    def _store(self, vectors: dict[str, np.ndarray]) -> None:
        rows = [{"content_hash": h, "model": self.name, "dim": self.dim, "vector": v.astype(np.float32).tobytes()}
                for h, v in vectors.items()]
        with session_scope(self.engine) as session:
            for i in range(0, len(rows), LOOKUP_CHUNK):
                insert_ignoring_duplicates(session, Embedding, rows[i:i + LOOKUP_CHUNK])
