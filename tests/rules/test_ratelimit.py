import pytest

from baton.rules.ratelimit import Decision, SlidingWindowLimiter, slide


@pytest.mark.parametrize(
    ("hits", "now", "limit", "expected", "kept"),
    [
        ((), 0.0, 2, Decision(True), (0.0,)),
        ((0.0,), 1.0, 2, Decision(True), (0.0, 1.0)),
        ((0.0, 1.0), 2.0, 2, Decision(False, 58.0), (0.0, 1.0)),
        # the oldest hit ages out exactly one window later
        ((0.0, 1.0), 60.0, 2, Decision(True), (1.0, 60.0)),
        ((0.0, 1.0), 59.5, 2, Decision(False, 0.5), (0.0, 1.0)),
        ((0.0, 1.0), 200.0, 2, Decision(True), (200.0,)),
        # a limit of 0 switches limiting off and keeps nothing
        ((), 5.0, 0, Decision(True), ()),
        # a lowered limit waits for enough old hits to age out
        ((0.0, 10.0, 20.0), 30.0, 2, Decision(False, 40.0), (0.0, 10.0, 20.0)),
    ],
)
def test_slide_decides_against_the_hits_in_the_window(hits, now, limit, expected, kept):
    assert slide(hits, now=now, limit=limit, window=60.0) == (expected, kept)


def test_the_limit_is_per_key():
    limiter = SlidingWindowLimiter(limit=2, window=60)
    assert [limiter.hit("a", now=0).allowed for _ in range(3)] == [True, True, False]
    assert limiter.hit("b", now=0).allowed


def test_refused_hits_do_not_extend_the_wait():
    limiter = SlidingWindowLimiter(limit=1, window=60)
    limiter.hit("a", now=0)
    for t in range(1, 60):
        assert not limiter.hit("a", now=t).allowed
    assert limiter.hit("a", now=60).allowed


def test_retry_after_counts_down_to_the_oldest_hit_leaving_the_window():
    limiter = SlidingWindowLimiter(limit=1, window=60)
    limiter.hit("a", now=100)
    assert limiter.hit("a", now=110).retry_after == 50
    assert limiter.hit("a", now=150).retry_after == 10


def test_idle_keys_are_forgotten():
    limiter = SlidingWindowLimiter(limit=5, window=60)
    for n in range(100):
        limiter.hit(f"10.0.0.{n}", now=0)
    assert len(limiter) == 100
    limiter.hit("10.0.1.1", now=61)
    assert len(limiter) == 1


def test_memory_stays_bounded_under_a_flood_of_new_addresses():
    limiter = SlidingWindowLimiter(limit=5, window=60, max_keys=1_000)
    for n in range(10_000):
        limiter.hit(f"addr-{n}", now=n / 1_000)
    assert len(limiter) == 1_000
