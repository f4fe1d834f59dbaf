"""Sentence-transformers models run by ONNX Runtime or OpenVINO, optionally with int8 weights: the faster CPU backends.

The model is exported once from the local folder's weights (never fetched from a hub) into the model cache, next
to the folder it came from, and rebuilt only when that folder or a runtime package changes. sentence-transformers'
own `backend="onnx"` goes through optimum-onnx, which cannot be installed beside sentence-transformers 6 (it pins
transformers below 4.58): the export, the int8 quantisation and the runtime here are the same steps done with
torch, onnxruntime, openvino and nncf directly. The encoder is a BERT-style transformer with mean pooling and L2
normalisation, which is what the e5 and MiniLM folders describe; other pooling is refused.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

import numpy as np

from classifier.embed._imports import import_optional
from classifier.embed.folder_cache import ensure_built, is_current
from classifier.embed.st import fingerprint_folder
from classifier.exceptions import EmbedderUnavailable, ModelBuildError

log = logging.getLogger(__name__)

Runtime = Literal["onnx", "openvino"]
EXPORT_FORMAT = 1  # bump when the export below writes something different
ONNX_FILE = "model.onnx"
OPENVINO_FILE = "openvino_model.xml"
FAST_PIP = "-e '.[fast]' (onnxruntime, openvino, nncf, onnx, onnxscript)"
RUNTIME_MODULE = {"onnx": "onnxruntime", "onnx-int8": "onnxruntime", "openvino": "openvino",
                  "openvino-int8": "openvino"}
CALIBRATION_SIZE = 300


def require_runtime(backend: str) -> None:
    """Raise EmbedderUnavailable, naming the install command, when `backend`'s runtime cannot be imported."""
    import_optional(RUNTIME_MODULE[backend], FAST_PIP, f"the embedder backend {backend}")


def _versions(backend: str) -> dict[str, str]:
    int8 = ["nncf"] if backend == "openvino-int8" else []
    packages = ["torch", RUNTIME_MODULE[backend], *int8, "onnx", "onnxscript"]
    found = {}
    for name in packages:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "none"
    return found


def _check_pooling(folder: Path) -> None:
    modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    pooling = next((folder / m["path"] / "config.json" for m in modules if m["type"].endswith("Pooling")), None)
    config = json.loads(pooling.read_text(encoding="utf-8")) if pooling and pooling.is_file() else {}
    if kinds[:2] != ["Transformer", "Pooling"] or not config.get("pooling_mode_mean_tokens") or any(
            config.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens",
                                    "pooling_mode_mean_sqrt_len_tokens")):
        raise EmbedderUnavailable(
            f"{folder} is not a transformer with mean pooling ({', '.join(kinds)}); the onnx and openvino backends "
            "only run that shape; fix: set embedder backend: torch for this model")


def _max_length(folder: Path) -> int:
    config_path = folder / "sentence_bert_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.is_file() else {}
    return int(config.get("max_seq_length") or 512)


def export_onnx(folder: Path, target: Path) -> None:
    """Write the folder's transformer as an ONNX graph (inputs input_ids and attention_mask, output the token
    vectors), with the tokenizer files beside it."""
    torch = import_optional("torch", "torch==2.13.0", "exporting a model to ONNX")
    st = import_optional("sentence_transformers", "'sentence-transformers>=5.0'", "exporting a model to ONNX")
    model = st.SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    encoder = model[0].auto_model.eval()

    class TokenVectors(torch.nn.Module):  # type: ignore[name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    sample = model.tokenize(["een voorbeeldzin om het model te exporteren", "nog een"])
    with torch.no_grad():
        torch.onnx.export(
            TokenVectors(), (sample["input_ids"], sample["attention_mask"]), str(target / ONNX_FILE),
            input_names=["input_ids", "attention_mask"], output_names=["token_embeddings"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                          "token_embeddings": {0: "batch", 1: "tokens"}},
            opset_version=17, dynamo=False,
        )
    for name in ("tokenizer.json", "sentence_bert_config.json"):
        if (folder / name).is_file():
            (target / name).write_bytes((folder / name).read_bytes())
    if not (target / "tokenizer.json").is_file():
        raise ModelBuildError(f"{folder} has no tokenizer.json; the onnx and openvino backends need a fast tokenizer "
                              "file; fix: set embedder backend: torch for this model")


def quantise_onnx_int8(target: Path) -> None:
    """Dynamic int8 quantisation, as sentence-transformers' `export_dynamic_quantized_onnx_model` does."""
    quantization = import_optional("onnxruntime.quantization", FAST_PIP, "int8 quantisation with onnxruntime")
    source = target / "model-fp32.onnx"
    (target / ONNX_FILE).rename(source)
    quantization.quantize_dynamic(str(source), str(target / ONNX_FILE), weight_type=quantization.QuantType.QInt8,
                                  per_channel=False, reduce_range=False)
    source.unlink()


def convert_openvino(target: Path, calibration: list[str] | None) -> None:
    """The ONNX graph as an OpenVINO model; with `calibration` texts, quantised to int8 (weights and activations)
    by nncf, as sentence-transformers' `export_static_quantized_openvino_model` does, on texts we give."""
    ov = import_optional("openvino", FAST_PIP, "the openvino backend")
    model = ov.convert_model(str(target / ONNX_FILE))
    if calibration is not None:
        nncf = import_optional("nncf", FAST_PIP, "int8 quantisation with openvino")
        tokenizer = _tokenizer(target)
        batches = list(_batches(tokenizer, calibration, 1))
        model = nncf.quantize(model, nncf.Dataset(batches, lambda batch: batch), subset_size=len(batches),
                              model_type=nncf.ModelType.TRANSFORMER)
    ov.save_model(model, str(target / OPENVINO_FILE), compress_to_fp16=False)
    (target / ONNX_FILE).unlink()


def calibration_texts() -> list[str]:
    """Texts the int8 OpenVINO model calibrates its activation ranges on: the synthetic demo corpus that ships with
    the product (Dutch, social-media-like), so no data set is fetched."""
    demo = Path(__file__).resolve().parents[2] / "crawlers" / "demo" / "demo_posts.jsonl"
    rows = [json.loads(line) for line in demo.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [str(r["text"]) for r in rows if r.get("text")]
    step = max(1, len(texts) // CALIBRATION_SIZE)
    return texts[::step][:CALIBRATION_SIZE]


def export_backend(folder: Path, target: Path, backend: str) -> None:
    export_onnx(folder, target)
    if backend == "onnx-int8":
        quantise_onnx_int8(target)
    elif backend.startswith("openvino"):
        convert_openvino(target, calibration_texts() if backend.endswith("int8") else None)


def prepare_exported(folder: Path, cache_dir: Path, backend: str) -> Path:
    """Export `folder` for `backend` into `cache_dir` unless a current export is there; return the export."""
    _check_pooling(folder)
    files = fingerprint_folder(folder)
    # Folders built into the cache have names of their own; any other folder (a package's "model", say) is told
    # apart by its files, so two models never take turns overwriting one export.
    label = folder.name if folder.resolve().parent == cache_dir.resolve() else f"{folder.name}-{files}"
    target = cache_dir / f"{label}-{backend}"
    marker = {"source": str(folder.resolve()), "source_files": files, "backend": backend,
              "export_format": EXPORT_FORMAT, **_versions(backend)}
    if is_current(target, marker):
        return target
    log.info("exporting %s for the %s backend (once, takes a minute)", folder.name, backend)
    started = time.perf_counter()
    ensure_built(target, marker, lambda staging: export_backend(folder, staging, backend))
    log.info("exported %s in %.0f s", target, time.perf_counter() - started)
    return target


def _tokenizer(folder: Path) -> Any:
    tokenizers = import_optional("tokenizers", "tokenizers", "the onnx and openvino backends")
    tokenizer = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(_max_length(folder))
    tokenizer.enable_padding(pad_id=tokenizer.token_to_id("<pad>") or 0)
    return tokenizer


def _batches(tokenizer: Any, texts: list[str], batch_size: int) -> Iterator[dict[str, np.ndarray]]:
    for start in range(0, len(texts), batch_size):
        encoded = tokenizer.encode_batch(texts[start:start + batch_size])
        yield {"input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
               "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64)}


class ExportedEmbedder:
    """Embeds with an exported model: tokenise, run the graph, mean-pool over real tokens, L2-normalise."""

    def __init__(self, export: Path, backend: str, *, prefix: str = "", batch_size: int = 64, name: str) -> None:
        self.backend, self.prefix, self.batch_size, self.name = backend, prefix, batch_size, name
        self._tokenizer = _tokenizer(export)
        if backend.startswith("onnx"):
            ort = import_optional("onnxruntime", FAST_PIP, "the onnx backend")
            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            session = ort.InferenceSession(str(export / ONNX_FILE), options, providers=["CPUExecutionProvider"])
            self._run = lambda feed: session.run(None, feed)[0]
        else:
            ov = import_optional("openvino", FAST_PIP, "the openvino backend")
            compiled = ov.Core().compile_model(str(export / OPENVINO_FILE), "CPU",
                                               {"PERFORMANCE_HINT": "LATENCY"})
            self._run = lambda feed: compiled(feed)[0]
        self.dim: int = int(self.embed(["dim"]).shape[1])

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Sorted by length, as sentence-transformers does, so a batch pads to texts of about the same length.
        order = np.argsort([-len(t) for t in texts], kind="stable")
        ordered = [self.prefix + texts[i] for i in order]
        chunks = []
        for feed in _batches(self._tokenizer, ordered, self.batch_size):
            tokens = np.asarray(self._run(feed), dtype=np.float32)
            mask = feed["attention_mask"][:, :, None].astype(np.float32)
            pooled = (tokens * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
            chunks.append(pooled)
        vectors = np.empty((len(texts), chunks[0].shape[1]), dtype=np.float32)
        vectors[order] = np.vstack(chunks)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, np.finfo(np.float32).tiny)


def run_name(torch_name: str, backend: str) -> str:
    """The name vectors are stored under. The float32 exports give torch's vectors (cosine above 0.9999), so they
    keep its name and share its stored vectors and trends; int8 vectors differ a little and get their own."""
    return f"{torch_name}+{backend}" if backend.endswith("int8") else torch_name
