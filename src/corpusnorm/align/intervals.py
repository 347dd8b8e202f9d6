"""Overlap queries over character spans in O(log n) per query (a scan of every span for every candidate is
quadratic in a long document): :func:`overlap_test` for a fixed set of spans, :class:`IntervalIndex` for a set
that grows while it is queried."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable

__all__ = ["IntervalIndex", "overlap_test"]


def overlap_test(spans: Iterable[tuple[int, int]]) -> Callable[[int, int], bool]:
    """``overlaps(s, e)``: whether [s, e) overlaps one of ``spans`` (which may overlap each other), by bisection
    over the spans sorted by start with the running maximum of their ends."""
    ordered = sorted(spans)
    starts = [a for a, _ in ordered]
    reach = list(itertools.accumulate((b for _, b in ordered), max))

    def overlaps(s: int, e: int) -> bool:
        i = bisect.bisect_left(starts, e)  # spans starting before e
        return i > 0 and reach[i - 1] > s

    return overlaps


class IntervalIndex:
    """Kept spans sorted by start; a query looks only at spans starting within the longest kept span's
    length before it (O(log n + hits) per query instead of a scan of every kept span)."""

    def __init__(self) -> None:
        self.starts: list[tuple[int, int, int]] = []  # (start, end, insertion number)
        self.longest = 0

    def add(self, start: int, end: int) -> None:
        bisect.insort(self.starts, (start, end, len(self.starts)))
        self.longest = max(self.longest, end - start)

    def clashes(self, start: int, end: int, share: float = 0.0) -> bool:
        """Does a kept span share more than ``share`` of the shorter of it and [start, end)? (``share=0``: any
        overlap at all.)"""
        lo = bisect.bisect_left(self.starts, (start - self.longest, -1, -1))
        hi = bisect.bisect_left(self.starts, (end, -1, -1))
        for s, e, _ in self.starts[lo:hi]:
            overlap = min(end, e) - max(start, s)
            if overlap > share * min(end - start, e - s):
                return True
        return False
