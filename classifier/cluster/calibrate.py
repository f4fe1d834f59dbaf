"""Similarity thresholds measured on the model and the stream, never hard-coded cosines.

A uniform sample of the stream's posts (the bottom-k of a seeded hash of their ids, so it is deterministic and
independent of batch sizes) gives the distribution of similarities between random pairs of posts. Its median
and robust spread (MAD) describe what "unrelated" means for this model on this stream; a threshold is
`median + z * spread`. Random pairs are mostly unrelated, and median and MAD ignore the minority that is not.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from classifier.state import TrendState
from monitor_config.trends import TrendSettings

_MIN_PAIRS = 10


@dataclass(frozen=True)
class Thresholds:
    median: float  # median similarity of random pairs
    spread: float  # robust standard deviation (1.4826 * MAD) of random-pair similarity
    link: float  # a post joins a trend when its mean similarity to the members reaches this
    birth: float  # a buffer group becomes a trend when its mean pairwise similarity reaches this
    merge: float  # two trends merge when the mean similarity between their members reaches this
    young: float = 1.0  # ... or this, when both are pieces of a young burst (born within young_span)

    def as_dict(self) -> dict[str, float]:
        return {k: round(float(v), 4) for k, v in self.__dict__.items()}


def hash_ids(ids: list[str], seed: int) -> np.ndarray:
    """A stable 64-bit hash per id, salted with the seed."""
    salt = str(seed).encode()
    return np.array([int.from_bytes(hashlib.blake2b(i.encode(), key=salt, digest_size=8).digest(), "big")
                     for i in ids], dtype=np.uint64)


def add_to_sample(state: TrendState, ids: list[str], vecs: np.ndarray, settings: TrendSettings) -> None:
    """Keep the `calibration_sample` posts with the smallest hashes among all posts seen so far."""
    keys = hash_ids(ids, settings.seed)
    if state.sample_keys is not None:
        keys = np.concatenate([state.sample_keys, keys])
        assert state.sample_vecs is not None  # kept together with sample_keys
        vecs = np.vstack([state.sample_vecs, vecs])
    keep = np.argsort(keys, kind="stable")[: settings.calibration_sample]
    state.sample_keys, state.sample_vecs = keys[keep], vecs[keep].astype(np.float32)


def measure(state: TrendState, settings: TrendSettings) -> Thresholds:
    """Thresholds from the current calibration sample."""
    vecs = state.sample_vecs
    if vecs is None or len(vecs) * (len(vecs) - 1) // 2 < _MIN_PAIRS:
        # too few posts to measure anything: nothing links until the sample grows
        return Thresholds(median=1.0, spread=0.0, link=1.0, birth=1.0, merge=1.0, young=1.0)
    sims = (vecs @ vecs.T)[np.triu_indices(len(vecs), k=1)]
    median = float(np.median(sims))
    spread = 1.4826 * float(np.median(np.abs(sims - median)))
    return Thresholds(median=median, spread=spread,
                      link=min(median + settings.link_z * spread, 1.0),
                      birth=min(median + settings.birth_z * spread, 1.0),
                      merge=min(median + settings.merge_z * spread, 1.0),
                      young=min(median + settings.young_merge_z * spread, 1.0))
