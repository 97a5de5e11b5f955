"""Helpers for large batches (a 100,000-row import or statement) that are about Python, not the domain."""

from __future__ import annotations

from collections.abc import Iterator, Sequence


def chunks(values: Sequence, size: int) -> Iterator[Sequence]:
    """`values` in slices of at most `size`: lookups by thousands of keys stay within a statement's limits."""
    for start in range(0, len(values), size):
        yield values[start:start + size]
