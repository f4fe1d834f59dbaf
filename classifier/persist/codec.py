"""A safe encoding of the trend tracker's state: JSON for the structure, raw little-endian bytes for the arrays.

    b"LWST" | format version (1 byte) | header length (4 bytes, big-endian) | header JSON | array bytes

The header is {"kind": "trend" | "stream", "doc": ..., "arrays": [[dtype, shape], ...]} and the document names
an array by its position in that list. Decoding runs nothing from the data: it parses JSON and copies bytes into
arrays of three known dtypes once their sizes add up. Anything else raises StateError naming the fix.

A trend's encoding leaves out `TrackedTrend.post_ids`: membership is kept in TrendMembership, so a trend's row does not
grow with every post it ever held.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from datetime import datetime, timedelta
from typing import overload

import numpy as np

from classifier.detect.baseline import WindowSample
from classifier.exceptions import StateError
from classifier.state import Buffer, Lineage, StreamPost, TrackedTrend, TrendState, WindowCount

MAGIC = b"LWST"
VERSION = 1
_DTYPES = ("<f4", "<f8", "<u8")
_PREFIX = len(MAGIC) + 5
_FIX = ("it was written by another version or altered outside this service; fix: run "
        "`leefwereld process --rebuild` to rebuild the trends from the stored posts")


def _plain(value: object) -> object:
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    raise TypeError(f"{type(value).__name__} cannot be stored in the trend state")


class _Writer:
    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []

    def array(self, value: np.ndarray | None) -> int | None:
        if value is None:
            return None
        value = np.ascontiguousarray(value, dtype=value.dtype.newbyteorder("<"))
        if value.dtype.str not in _DTYPES:
            raise TypeError(f"arrays of {value.dtype} cannot be stored in the trend state")
        self.arrays.append(value)
        return len(self.arrays) - 1

    def pack(self, kind: str, doc: dict) -> bytes:
        header = json.dumps({"kind": kind, "doc": doc, "arrays": [[a.dtype.str, a.shape] for a in self.arrays]},
                            ensure_ascii=False, separators=(",", ":"), default=_plain).encode(errors="surrogatepass")
        return b"".join([MAGIC, bytes([VERSION]), len(header).to_bytes(4, "big"), header,
                         *(a.tobytes() for a in self.arrays)])


class _Reader:
    def __init__(self, data: bytes, kind: str) -> None:
        if data[:len(MAGIC)] != MAGIC:
            raise ValueError("it is not in this version's format (older versions kept a pickle, which is never "
                             "loaded)")
        if data[len(MAGIC)] != VERSION:
            raise ValueError(f"its format version is {data[len(MAGIC)]}, this version reads {VERSION}")
        end = _PREFIX + int.from_bytes(data[len(MAGIC) + 1:_PREFIX], "big")
        try:
            header = json.loads(data[_PREFIX:end].decode(errors="surrogatepass"))
        except ValueError as exc:
            raise ValueError(f"its header is not JSON ({exc})") from None
        if header.get("kind") != kind:
            raise ValueError(f"it holds a {header.get('kind')!r} part where a {kind!r} part belongs")
        self.doc, self.arrays = header["doc"], []
        for dtype, shape in header["arrays"]:
            if dtype not in _DTYPES or not all(isinstance(n, int) and n >= 0 for n in shape):
                raise ValueError(f"it declares an array of {dtype!r} with shape {shape!r}")
            size = math.prod(shape) * np.dtype(dtype).itemsize
            if end + size > len(data):
                raise ValueError("its arrays are cut short")
            self.arrays.append(np.frombuffer(data, dtype=dtype, count=math.prod(shape), offset=end)
                               .reshape(shape).copy())
            end += size
        if end != len(data):
            raise ValueError(f"{len(data) - end} bytes follow its last array")

    @overload
    def array(self, ref: int) -> np.ndarray: ...
    @overload
    def array(self, ref: None) -> None: ...
    def array(self, ref: int | None) -> np.ndarray | None:
        if ref is None:
            return None
        if not isinstance(ref, int) or not 0 <= ref < len(self.arrays):
            raise ValueError(f"it refers to array {ref!r} of {len(self.arrays)}")
        return self.arrays[ref]


def _read(data: bytes, kind: str, what: str, build):
    """`build(reader)` on the decoded `data`; any failure becomes a StateError that says what to do."""
    try:
        return build(_Reader(bytes(data), kind))
    except StateError:
        raise
    except KeyError as exc:
        raise StateError(f"{what} cannot be read: it lacks {exc}; {_FIX}") from None
    except (ValueError, TypeError, IndexError, AttributeError) as exc:
        raise StateError(f"{what} cannot be read: {exc}; {_FIX}") from None


@overload
def _time(text: str) -> datetime: ...
@overload
def _time(text: None) -> None: ...
def _time(text: str | None) -> datetime | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError(f"{text!r} is not a time")
    return datetime.fromisoformat(text)


def _stamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _post_doc(post: StreamPost) -> list:
    return [post.id, post.text, _stamp(post.created_at), post.author, post.platform, post.source]


def _post(doc: list) -> StreamPost:
    pid, text, created_at, author, platform, source = doc
    return StreamPost(id=str(pid), text=str(text), created_at=_time(created_at), author=author, platform=str(platform),
                source=str(source))


def encode_trend(trend: TrackedTrend) -> bytes:
    w = _Writer()
    doc = {"id": trend.trend_id, "vec_sum": w.array(trend.vec_sum), "size": trend.size,
           "born_at": _stamp(trend.born_at), "first_seen": _stamp(trend.first_seen),
           "last_seen": _stamp(trend.last_seen), "status": trend.status, "status_since": _stamp(trend.status_since),
           "emerging_at": _stamp(trend.emerging_at), "flagged": trend.flagged,
           "windows": [[index, c.posts, sorted(c.authors), sorted(c.texts), sorted(c.platforms), sorted(c.sources)]
                       for index, c in trend.windows.items()],
           "ex_posts": [_post_doc(p) for p in trend.ex_posts], "ex_keys": trend.ex_keys,
           "ex_vecs": w.array(trend.ex_vecs), "platforms": dict(trend.platforms), "sources": dict(trend.sources),
           "peak_signal": trend.peak_signal, "alive": trend.alive}
    return w.pack("trend", doc)


def decode_trend(data: bytes, trend_id: int) -> TrackedTrend:
    def build(r: _Reader) -> TrackedTrend:
        d = r.doc
        if d["id"] != trend_id:
            raise ValueError(f"it holds trend {d['id']!r}")
        windows = {int(i): WindowCount(posts=int(n), authors=set(a), texts=set(t), platforms=set(p), sources=set(s))
                   for i, n, a, t, p, s in d["windows"]}
        trend = TrackedTrend(trend_id=trend_id, vec_sum=r.array(d["vec_sum"]), size=int(d["size"]),
                      born_at=_time(d["born_at"]), first_seen=_time(d["first_seen"]), last_seen=_time(d["last_seen"]),
                      status=str(d["status"]), status_since=_time(d["status_since"]),
                      emerging_at=_time(d["emerging_at"]), flagged=d["flagged"], windows=windows,
                      ex_posts=[_post(p) for p in d["ex_posts"]], ex_keys=[str(k) for k in d["ex_keys"]],
                      ex_vecs=r.array(d["ex_vecs"]), platforms=Counter(d["platforms"]), sources=Counter(d["sources"]),
                      peak_signal=int(d["peak_signal"]), alive=bool(d["alive"]))
        if trend.vec_sum is None or len(trend.ex_posts) != len(trend.ex_keys) or \
                (trend.ex_vecs is not None and len(trend.ex_vecs) != len(trend.ex_posts)):
            raise ValueError("its exemplars and their vectors do not match")
        return trend

    return _read(data, "trend", f"the stored state of trend {trend_id}", build)


def encode_stream(state: TrendState, until: datetime | None) -> bytes:
    """Everything of the state except its trends: the buffer, samples, lineage, next id, and the fed-up-to time."""
    w = _Writer()
    doc = {"model": state.model, "dim": state.dim, "window_us": state.window // timedelta(microseconds=1),
           "origin": _stamp(state.origin), "until": _stamp(until), "next_id": state.next_id,
           "seen_posts": state.seen_posts, "centre": w.array(state.centre),
           "buffer": {"posts": [_post_doc(p) for p in state.buffer.posts], "keys": state.buffer.keys,
                      "vecs": w.array(state.buffer.vecs)},
           "lineage": [[ln.kind, ln.parent, ln.child, _stamp(ln.at), ln.posts] for ln in state.lineage],
           "sample_keys": w.array(state.sample_keys), "sample_vecs": w.array(state.sample_vecs),
           "recent": [[index, w.array(s.keys), w.array(s.vecs), s.total] for index, s in state.recent.items()]}
    return w.pack("stream", doc)


def decode_stream(data: bytes) -> tuple[TrendState, datetime | None]:
    """The state without its trends, and the moment up to which it was fed."""
    def build(r: _Reader) -> tuple[TrendState, datetime | None]:
        d, b = r.doc, r.doc["buffer"]
        buffer = Buffer(posts=[_post(p) for p in b["posts"]], keys=[str(k) for k in b["keys"]],
                        vecs=r.array(b["vecs"]))
        if len(buffer.keys) != len(buffer.posts) or (buffer.vecs is not None and len(buffer.vecs) != len(buffer)):
            raise ValueError("its buffered posts and their vectors do not match")
        state = TrendState(
            model=str(d["model"]), dim=int(d["dim"]), window=timedelta(microseconds=int(d["window_us"])),
            origin=_time(d["origin"]), buffer=buffer, next_id=int(d["next_id"]), seen_posts=int(d["seen_posts"]),
            lineage=[Lineage(kind=str(k), parent=int(p), child=int(c), at=_time(at), posts=int(n))
                     for k, p, c, at, n in d["lineage"]],
            sample_keys=r.array(d["sample_keys"]), sample_vecs=r.array(d["sample_vecs"]),
            recent={int(i): WindowSample(keys=r.array(k), vecs=r.array(v), total=int(t)) for i, k, v, t in d["recent"]},
            centre=r.array(d["centre"]))
        if state.centre is not None and state.centre.shape != (state.dim,):
            raise ValueError(f"its centre has shape {state.centre.shape}, not ({state.dim},)")
        return state, _time(d["until"])

    return _read(data, "stream", "the stored trend-engine state", build)
