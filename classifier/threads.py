"""One BLAS thread for the numpy work of a stage.

The clustering step multiplies many small matrices (a trend's 200 exemplars, the calibration sample). With
OpenBLAS's default of a thread per core, each product wakes a second thread that spins while it waits; on a
busy 2-core machine that made the processing step about five times slower than one thread (docs/PERFORMANCE.md,
"Encoder and pipeline throughput"). The encoders keep their own thread pools (torch, ONNX Runtime, OpenVINO;
use-m3 already asks for one thread), so this limits only numpy's linear algebra.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from threadpoolctl import threadpool_limits

P = ParamSpec("P")
R = TypeVar("R")


def one_blas_thread(stage: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(stage)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with threadpool_limits(limits=1, user_api="blas"):
            return stage(*args, **kwargs)
    return run
