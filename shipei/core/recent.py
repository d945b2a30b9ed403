"""Rows that busy paths read on every request (the programme an enrollment names, its owner),
kept per process for a few seconds instead of read each time.

Only configuration is kept, and briefly: a save in the same process is seen at once (the
owning app calls ``forget`` from a post_save signal), one in another process after at most
``seconds``.
"""

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


class Recent(Generic[K, T]):
    def __init__(self, load: Callable[[K], T | None], *, seconds: float = 5.0) -> None:
        self.load = load
        self.seconds = seconds
        self._rows: dict[K, tuple[float, T]] = {}
        # Moved on by every forget: a read that began before one is returned, not kept (another
        # thread may have read the row before the change that the forget was for).
        self._generation = 0

    def get(self, pk: K) -> T | None:
        """The row as this process read it at most `seconds` ago, or None when it is gone.
        Shared by every caller of the process: read it, never change it."""
        now = time.monotonic()
        hit = self._rows.get(pk)
        if hit is None or hit[0] < now:
            generation = self._generation
            row = self.load(pk)
            if row is None:
                return None
            if generation == self._generation:
                self._rows[pk] = (now + self.seconds, row)
            return row
        return hit[1]

    def forget(self, pk: K) -> None:
        self._generation += 1
        self._rows.pop(pk, None)

    def clear(self) -> None:
        self._generation += 1
        self._rows.clear()
