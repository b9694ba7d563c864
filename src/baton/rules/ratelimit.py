"""Rate limits: at most `limit` hits per key in any sliding window; time is passed in."""

import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    """Whether a hit is allowed, and if not, how many seconds until one would be."""

    allowed: bool
    retry_after: float = 0.0


def slide(
    hits: tuple[float, ...], *, now: float, limit: int, window: float
) -> tuple[Decision, tuple[float, ...]]:
    """Decide one hit at `now` against earlier hits; return the decision and the hits to keep.

    A refused hit is not kept, so a key never holds more than `limit` timestamps and a client
    that keeps hammering is let through again as soon as its oldest allowed hit ages out.
    """
    recent = tuple(t for t in hits if t > now - window)
    if limit <= 0:
        return Decision(True), ()
    if len(recent) < limit:
        return Decision(True), (*recent, now)
    return Decision(False, recent[-limit] + window - now), recent


class SlidingWindowLimiter:
    """Per-key sliding windows in memory; safe across threads, bounded to `max_keys` keys."""

    def __init__(self, *, limit: int, window: float = 60.0, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        # Least recently hit first, so idle keys are found at the front in O(1).
        self._hits: OrderedDict[str, tuple[float, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str, *, now: float) -> Decision:
        """Count a hit for `key` at `now` (seconds) if the window allows it."""
        with self._lock:
            decision, kept = slide(
                self._hits.pop(key, ()), now=now, limit=self.limit, window=self.window
            )
            if kept:
                self._hits[key] = kept
            self._prune(now)
            return decision

    def __len__(self) -> int:
        return len(self._hits)

    def _prune(self, now: float) -> None:
        while self._hits:
            key, hits = next(iter(self._hits.items()))
            idle = hits[-1] <= now - self.window
            if not idle and len(self._hits) <= self.max_keys:
                return
            # Forgetting a busy key under a flood of new ones lets it start afresh: memory
            # stays bounded, which matters more than perfect limits during such an attack.
            del self._hits[key]
