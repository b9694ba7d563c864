"""The one clock services read `now` from, so tests and the demo can move time."""

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, in UTC."""
    return datetime.now(UTC)


class FrozenClock:
    """A clock that stands still until moved; for tests and simulations."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        from datetime import timedelta

        self.now = self.now + timedelta(**delta)
        return self.now
