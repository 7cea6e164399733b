"""In-memory login sessions and a login throttle for the console (one process)."""

from __future__ import annotations

import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class AgentSession:
    """A logged-in agent; ``csrf`` must come back in every form posted."""

    agent: str
    csrf: str
    expires_at: float


class SessionStore:
    """Random opaque session tokens kept in memory (a restart logs agents out)."""

    def __init__(self, ttl_seconds: float) -> None:
        self.ttl = ttl_seconds
        self._sessions: dict[str, AgentSession] = {}

    def create(self, agent: str) -> str:
        """Start a session; returns the cookie value."""
        self._sweep()
        token = secrets.token_urlsafe(32)
        self._sessions[token] = AgentSession(
            agent=agent, csrf=secrets.token_urlsafe(32), expires_at=time.time() + self.ttl
        )
        return token

    def get(self, token: str | None) -> AgentSession | None:
        """The live session for ``token``, if any."""
        if not token:
            return None
        session = self._sessions.get(token)
        if session is None or session.expires_at < time.time():
            self._sessions.pop(token, None)
            return None
        return session

    def drop(self, token: str | None) -> None:
        """End a session (logout)."""
        if token:
            self._sessions.pop(token, None)

    def _sweep(self) -> None:
        now = time.time()
        for token in [t for t, s in self._sessions.items() if s.expires_at < now]:
            del self._sessions[token]


class LoginThrottle:
    """At most ``limit`` failed logins per key within ``window`` seconds, with backoff.

    Reaching the limit blocks the key for ``window`` seconds; each time it is
    reached again before a good login, the block doubles, up to ``max_block``.
    """

    def __init__(self, limit: int = 5, window: float = 300.0, max_block: float = 86400.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.limit, self.window, self.max_block, self.clock = limit, window, max_block, clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._blocked_until: dict[str, float] = {}
        self._strikes: dict[str, int] = defaultdict(int)

    def _recent(self, key: str) -> deque[float]:
        failures = self._failures[key]
        while failures and failures[0] < self.clock() - self.window:
            failures.popleft()
        return failures

    def blocked(self, key: str) -> bool:
        """True while ``key`` is serving a block."""
        return self._blocked_until.get(key, 0.0) > self.clock()

    def failed(self, key: str) -> None:
        """Record a failed login; at the limit, start a block twice as long as the last one."""
        recent = self._recent(key)
        recent.append(self.clock())
        if len(recent) >= self.limit:
            block = min(self.window * 2 ** self._strikes[key], self.max_block)
            self._blocked_until[key] = self.clock() + block
            self._strikes[key] += 1
            recent.clear()

    def succeeded(self, key: str) -> None:
        """Forget failures and strikes after a good login."""
        self._failures.pop(key, None)
        self._blocked_until.pop(key, None)
        self._strikes.pop(key, None)


class LoginGuard:
    """Failed logins limited per account, per client address and overall.

    Per account stops guessing one password from many addresses; per address
    stops one client spraying many user names; overall caps a distributed
    attack (it slows every login for at most 15 minutes, the price of a flood).
    Repeated blocks double (see :class:`LoginThrottle`).
    """

    def __init__(self, per_account: int = 5, per_address: int = 20, overall: int = 100,
                 window: float = 300.0, clock: Callable[[], float] = time.time) -> None:
        # Shorter longest blocks where an attacker could lock real agents out.
        self._account = LoginThrottle(per_account, window, max_block=3600.0, clock=clock)
        self._address = LoginThrottle(per_address, window, max_block=86400.0, clock=clock)
        self._overall = LoginThrottle(overall, window, max_block=900.0, clock=clock)

    def blocked(self, username: str, address: str | None) -> bool:
        """True while any of the three limits is reached."""
        return (self._account.blocked(username.lower()) or self._address.blocked(address or "?")
                or self._overall.blocked("*"))

    def failed(self, username: str, address: str | None) -> None:
        """Count a failed login against the account, the address and the total."""
        self._account.failed(username.lower())
        self._address.failed(address or "?")
        self._overall.failed("*")

    def succeeded(self, username: str) -> None:
        """A good login clears its account's failures (not the address's)."""
        self._account.succeeded(username.lower())
