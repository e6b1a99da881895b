"""Timing shared by the benchmark scripts, whichever virtualenv runs them (standard library only)."""

import time
from collections.abc import Callable


def rate(operation: Callable[[], object], seconds: float) -> float:
    """Operations per second: ``operation`` once to warm up, then as often as fits in ``seconds``."""
    operation()
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        operation()
        count += 1
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - start)
