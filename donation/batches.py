"""Helpers for large batches (a 100,000-row import or statement) that are about Python, not the domain."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """A large file makes a few hundred thousand small objects and no cycles: Python's cycle collector would walk
    them again and again (about a tenth of a 100,000-row import). Reference counting still frees everything, and
    the collector runs again afterwards (left on when batches overlap on several threads)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def chunks(values: Sequence, size: int) -> Iterator[Sequence]:
    """`values` in slices of at most `size`: lookups by thousands of keys stay within a statement's limits."""
    for start in range(0, len(values), size):
        yield values[start:start + size]
