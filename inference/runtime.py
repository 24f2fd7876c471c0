"""Where and how the networks run: device choice, CPU threads, a load-once-per-process model cache.

Nothing happens at import time. The first call to `device()` or `cached()` configures torch; model factories
run once per process (guarded by a lock, so concurrent first requests in a threaded worker don't load twice).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import torch

log = logging.getLogger(__name__)
T = TypeVar("T")

_lock = threading.RLock()
_cache: dict[str, Any] = {}
_configured = False


def _configure() -> None:
    """Set the CPU thread counts once (FACET_TORCH_THREADS overrides): inter-op 1, intra-op see below.

    Our networks are small (BlazeFace 0.06 GFLOP, Face Mesh 0.23 GFLOP), so a second thread buys little
    and OpenMP threads that spin-wait for a descheduled partner are catastrophic under load. speed.py on this
    2-core machine, 1024 px, find_faces p50: 25 ms with 1 thread (load 2.5) vs 778 ms with 2 threads
    (load 3-6). So a process takes one thread per 2 cores (1 on a 2-core box: run one worker per core), ≤ 4.
    """
    global _configured
    if _configured:
        return
    with _lock:
        if _configured:
            return
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cores = os.cpu_count() or 1
        threads = int(os.environ.get("FACET_TORCH_THREADS", "0")) or max(1, min(cores // 2, 4))
        torch.set_num_threads(threads)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:  # already set, or parallel work has started in this process
            pass
        _configured = True
        log.debug("torch configured: %d threads", threads)


def device() -> torch.device:
    """Return the device the networks run on: CUDA when available, else the CPU."""
    _configure()
    forced = os.environ.get("FACET_DEVICE")
    if forced:
        return torch.device(forced)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def cached(name: str, factory: Callable[[], T]) -> T:
    """Return the process-wide object `name`, building it with `factory` on first use (thread-safe)."""
    value = _cache.get(name)
    if value is not None:
        return value
    _configure()
    with _lock:
        value = _cache.get(name)
        if value is None:
            value = factory()
            _cache[name] = value
    return value


def warm_up() -> None:
    """Load the face networks and run them once, so the first shopper's request doesn't pay for it."""
    from inference.face.models import load_face_models

    load_face_models().warm_up()
