"""Token buckets keyed by conversation or client address, bounded in memory.

A limit per socket is no limit: an attacker opens another socket. The
channels therefore count per conversation and per client address, across
sockets and requests. The client address is the connection's peer, or, behind
a reverse proxy, the last entry of the one header that proxy is trusted to set
(``web.trusted_proxy_header``); any other header is ignored, since a client can
write it.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from typing import Callable, Iterable, Mapping, Optional, Tuple


class TokenBucket:
    """``burst`` messages at once, refilled at ``per_minute``."""

    def __init__(self, burst: int, per_minute: float, now: float) -> None:
        self.burst = max(1, burst)
        self.rate = max(per_minute, 0.1) / 60.0
        self.tokens = float(self.burst)
        self.stamp = now

    def take(self, now: float) -> bool:
        """Spend one token if there is one."""
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class KeyedLimiter:
    """One bucket per key; the least recently used keys are forgotten beyond ``max_keys``."""

    def __init__(self, burst: int, per_minute: float, max_keys: int = 50_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.burst, self.per_minute, self.max_keys, self.clock = burst, per_minute, max_keys, clock
        self._buckets: "OrderedDict[str, TokenBucket]" = OrderedDict()

    def allow(self, key: str) -> bool:
        """True when ``key`` may go on (one token spent), False when it is over its limit."""
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(self.burst, self.per_minute, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        return bucket.take(now)


def allow_all(checks: Iterable[Tuple[KeyedLimiter, str]]) -> bool:
    """True when every (limiter, key) pair allows; each is charged until one refuses."""
    return all(limiter.allow(key) for limiter, key in checks)


def client_address(peer: Optional[str], headers: Mapping[str, str],
                   trusted_header: Optional[str]) -> str:
    """The client's address: the trusted proxy header's last entry, else the peer."""
    if trusted_header:
        value = headers.get(trusted_header) or headers.get(trusted_header.lower()) or ""
        last = value.split(",")[-1].strip()
        if last:
            return last[:64]
    return (peer or "unknown")[:64]


def client_alias(address: str) -> str:
    """A stable stand-in for a client address, for message metadata (no raw IPs stored)."""
    return "a-" + hashlib.sha256(address.encode("utf-8")).hexdigest()[:16]
