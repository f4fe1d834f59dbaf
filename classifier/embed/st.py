"""Any sentence-transformers model, by hub name or local folder, run on the CPU."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from classifier.embed._imports import import_optional
from classifier.exceptions import EmbedderUnavailable

_INSTALL = "'sentence-transformers>=5.0'"


def looks_like_path(model: str) -> bool:
    return model.startswith(("/", "./", "../", "~")) or Path(model).expanduser().exists()


def fingerprint_folder(folder: Path) -> str:
    """A short digest of a model folder's file names and sizes, so a replaced model gets a new cache key."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(folder)}:{path.stat().st_size};".encode())
    return digest.hexdigest()[:12]


def describe_model(model: str, prefix: str) -> str:
    if looks_like_path(model):
        folder = Path(model).expanduser().resolve()
        label = f"st:{folder.name}@{fingerprint_folder(folder)}"
    else:
        label = f"st:{model}"
    return f"{label}|prefix={prefix!r}" if prefix else label


class SentenceTransformerEmbedder:
    """Embeds with a sentence-transformers model; `prefix` is put before every text (e5 wants 'query: ')."""

    def __init__(self, model: str | Path, *, prefix: str = "", batch_size: int = 64, name: str | None = None) -> None:
        model = str(model)
        local = looks_like_path(model)
        if local and not Path(model).expanduser().is_dir():
            raise EmbedderUnavailable(
                f"sentence-transformers model folder {model!r} does not exist; "
                "fix: give the path of a folder holding modules.json, or a model name from the hub"
            )
        st = import_optional("sentence_transformers", _INSTALL, "the sentence-transformers embedder")
        try:
            # local_files_only: a local folder must never cause a request to the model hub.
            self._model = st.SentenceTransformer(
                str(Path(model).expanduser()) if local else model, device="cpu", local_files_only=local
            )
        except OSError as exc:
            raise EmbedderUnavailable(
                f"cannot load sentence-transformers model {model!r}: {exc}; fix: give a local model folder, "
                "or run where the model hub is reachable"
            ) from exc
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim: int = int(get_dim())
        self.prefix = prefix
        self.batch_size = batch_size
        self.name: str = name or describe_model(model, prefix)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            [self.prefix + text for text in texts],
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)
