"""Fair limits: a request budget per principal (and per address on the token endpoint).

A token bucket per key, in the worker's memory: ``burst`` requests at once, refilled at
``rate`` per second. Taking a token is a dictionary lookup and a little arithmetic, with no
database round trip; a request over the budget is refused with a 429 ``rate-limited`` problem
and ``Retry-After`` before its principal is even read from the database, and the refusal is
held for ``HOLD_SECONDS`` first. The buckets are per worker (docs/decisions/operations.md).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Hashable

from fastapi import FastAPI, Request
from fastapi.responses import Response

from custledger.config import get_settings
from custledger.kit import metrics
from custledger.kit.errors import TooManyRequests, domain_problem

# Idle buckets are full again after burst / rate seconds: dropping them then loses nothing.
SWEEP_EVERY = 4096
# A refusal is answered after this long: a client that ignores Retry-After and asks again at
# once gets one answer a second per connection, instead of as many 429s as a worker can write
# (each costs the worker what a bare request costs). The wait holds no session or connection.
HOLD_SECONDS = 1.0


class RateLimited(TooManyRequests):
    type, title = "rate-limited", "Rate limited"


class Limiter:
    """Token buckets keyed by principal (or address); ``rate`` tokens a second, up to ``burst``."""

    def __init__(self, rate: float, burst: int, *, enabled: bool = True) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.enabled = enabled and rate > 0
        # key -> (tokens left, monotonic time of the last take)
        self.buckets: dict[Hashable, tuple[float, float]] = {}
        self._takes = 0

    def take(self, key: Hashable, now: float | None = None) -> float:
        """Take one token for ``key``: 0.0 when there was one, else the seconds until there
        will be (nothing is taken then)."""
        if not self.enabled:
            return 0.0
        if now is None:
            now = time.monotonic()
        tokens, last = self.buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1.0:
            self.buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate
        self.buckets[key] = (tokens - 1.0, now)
        self._takes += 1
        if self._takes >= SWEEP_EVERY:
            self._sweep(now)
        return 0.0

    def check(self, key: Hashable, what: str) -> None:
        """Raise the 429 problem when ``key`` is over its budget."""
        wait = self.take(key)
        if wait:
            metrics.rate_limited(what)
            seconds = max(1, math.ceil(wait))
            raise RateLimited(
                f"Too many requests for this {what}: over its budget of "
                f"{self.rate:g} a second (bursts of {self.burst:g}). Retry after "
                f"{seconds} s.",
                headers={"Retry-After": str(seconds)},
                retry_after=seconds,
            )

    def _sweep(self, now: float) -> None:
        self._takes = 0
        full_after = self.burst / self.rate
        self.buckets = {
            key: value for key, value in self.buckets.items() if now - value[1] < full_after
        }


_principals: Limiter | None = None
_clients: Limiter | None = None
_addresses: Limiter | None = None


def principals() -> Limiter:
    """The buckets of authenticated principals (keyed by the token's subject)."""
    global _principals
    if _principals is None:
        s = get_settings()
        _principals = Limiter(s.rate_limit_per_second, s.rate_limit_burst, enabled=s.rate_limit)
    return _principals


def clients() -> Limiter:
    """The buckets of API clients (POS terminals), keyed by the principal's id: a tighter
    budget than ``principals()``, taken once the principal is known to be a till."""
    global _clients
    if _clients is None:
        s = get_settings()
        _clients = Limiter(
            s.client_rate_limit_per_second, s.client_rate_limit_burst, enabled=s.rate_limit
        )
    return _clients


def addresses() -> Limiter:
    """The buckets of the token endpoint, keyed by the client's address."""
    global _addresses
    if _addresses is None:
        s = get_settings()
        _addresses = Limiter(
            s.login_rate_limit_per_second, s.login_rate_limit_burst, enabled=s.rate_limit
        )
    return _addresses


def set_limiters(
    principals: Limiter | None, addresses: Limiter | None, clients: Limiter | None = None
) -> None:
    """Replace the worker's limiters (None: built again from the settings on next use)."""
    global _principals, _addresses, _clients
    _principals, _addresses, _clients = principals, addresses, clients


def install_rate_limit_handler(app: FastAPI) -> None:
    async def on_rate_limited(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RateLimited)
        await asyncio.sleep(HOLD_SECONDS)
        return domain_problem(request, exc)

    app.add_exception_handler(RateLimited, on_rate_limited)
