"""Keyed token buckets and the client address behind a trusted proxy."""

from __future__ import annotations

from channels.rate_limit import KeyedLimiter, allow_all, client_address


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_the_sustained_rate():
    clock = Clock()
    limiter = KeyedLimiter(burst=3, per_minute=60, clock=clock)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")  # other keys have their own bucket
    clock.now += 1.0  # one token a second
    assert limiter.allow("a") and not limiter.allow("a")


def test_memory_is_bounded_by_forgetting_the_oldest_keys():
    limiter = KeyedLimiter(burst=1, per_minute=1, max_keys=2, clock=Clock())
    for key in ("a", "b", "c"):
        assert limiter.allow(key)
    assert limiter.allow("a")  # forgotten, so a new bucket
    assert not limiter.allow("c")


def test_allow_all_needs_every_limit():
    clock = Clock()
    small, large = KeyedLimiter(1, 1, clock=clock), KeyedLimiter(10, 10, clock=clock)
    assert allow_all([(small, "conv"), (large, "addr")])
    assert not allow_all([(small, "conv"), (large, "addr")])
    assert allow_all([(small, "other"), (large, "addr")])


def test_the_client_address_comes_only_from_the_trusted_header():
    headers = {"x-forwarded-for": "6.6.6.6, 203.0.113.7", "x-real-ip": "1.2.3.4"}
    assert client_address("10.0.0.2", headers, None) == "10.0.0.2"  # no proxy: headers ignored
    assert client_address("10.0.0.2", headers, "X-Forwarded-For") == "203.0.113.7"  # what the proxy saw
    assert client_address("10.0.0.2", {}, "X-Forwarded-For") == "10.0.0.2"
    assert client_address(None, {}, None) == "unknown"
