"""Prometheus metrics: ``GET /metrics`` when ``CUSTLEDGER_METRICS_ENABLED=true``.

Requests by route template and status with latency histograms (the middleware below, installed
only when metrics are on), the database pool's connections in use and requests waiting for one,
statement timeouts, idempotent replays, credit refusals by reason, login throttling and rate
limiting. The counters are incremented where the event happens whether or not metrics are
served (a counter increment is a lock and an addition).

Several workers (``custledger serve --workers N``): each worker is its own process, so the
figures are written to files in ``PROMETHEUS_MULTIPROC_DIR`` (``serve`` creates a fresh one when
metrics are on and it is not set) and ``/metrics`` sums the files of every worker.
"""

from __future__ import annotations

import ipaddress
import os
import time
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from custledger.config import Settings

REQUESTS = Counter(
    "custledger_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "custledger_http_request_duration_seconds",
    "Time from the request's arrival to the end of its response, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0),
)
POOL_IN_USE = Gauge(
    "custledger_db_pool_in_use",
    "Database connections checked out of the worker's pool (read after a request, at most "
    "every 0.1 s).",
    multiprocess_mode="livesum",
)
POOL_WAITING = Gauge(
    "custledger_db_pool_waiting",
    "Requests waiting for a database connection of the worker's pool (read after a request, "
    "at most every 0.1 s).",
    multiprocess_mode="livesum",
)
STATEMENT_TIMEOUTS = Counter(
    "custledger_db_statement_timeouts",
    "Statements cancelled by the database's statement_timeout (answered 503).",
)
REPLAYS = Counter(
    "custledger_idempotent_replays",
    "Requests answered with the stored response of an earlier one with the same Idempotency-Key.",
)
CREDIT_REFUSALS = Counter(
    "custledger_credit_refusals",
    "Sales refused by the credit checks, by reason (the problem type).",
    ["reason"],
)
LOGIN_THROTTLED = Counter(
    "custledger_login_throttled",
    "Login attempts refused because the principal is throttled after failed attempts.",
)
LOGIN_THROTTLES = Counter(
    "custledger_login_throttles",
    "Throttles started (or lengthened) by a failed login past the free attempts.",
)
RATE_LIMITED = Counter(
    "custledger_rate_limited",
    "Requests refused over a request budget, by what the budget is of (principal, address).",
    ["budget"],
)

# The pool's figures are read after a request at most this often (4 µs a read).
POOL_EVERY_SECONDS = 0.1
UNMATCHED = "unmatched"  # no route: never the raw path (one series per typo otherwise)


def statement_timeout() -> None:
    STATEMENT_TIMEOUTS.inc()


def replay() -> None:
    REPLAYS.inc()


def credit_refused(reason: str) -> None:
    CREDIT_REFUSALS.labels(reason).inc()


def login_throttled() -> None:
    LOGIN_THROTTLED.inc()


def login_throttle_started() -> None:
    LOGIN_THROTTLES.inc()


def rate_limited(budget: str) -> None:
    RATE_LIMITED.labels(budget).inc()


def _pool_figures() -> tuple[int, int]:
    from custledger.kit.db import get_database

    pool: Any = get_database().engine.pool
    checkedout = getattr(pool, "checkedout", None)
    in_use = int(checkedout()) if checkedout is not None else 0
    # QueuePool keeps its idle connections in an asyncio queue: its getters are the waiters.
    queue = getattr(getattr(pool, "_pool", None), "_queue", None)
    waiting = len(getattr(queue, "_getters", ()) or ())
    return in_use, waiting


class RequestMetrics:
    """Counts every HTTP request by route template and status and times it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # The labelled series of each (method, route, status): `labels()` validates and
        # locks on every call; a dictionary hit does not.
        self.series: dict[tuple[str, str, str], tuple[Any, Any]] = {}
        self.pool_read_at = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path_format", None) or UNMATCHED
            key = (scope["method"], template, str(status))
            series = self.series.get(key)
            if series is None:
                series = self.series[key] = (
                    REQUESTS.labels(*key),
                    LATENCY.labels(key[0], template),
                )
            series[0].inc()
            series[1].observe(time.perf_counter() - started)
            if started - self.pool_read_at >= POOL_EVERY_SECONDS:
                self.pool_read_at = started
                in_use, waiting = _pool_figures()
                POOL_IN_USE.set(in_use)
                POOL_WAITING.set(waiting)


def allowed_networks(
    settings: Settings,
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False)
        for part in settings.metrics_allow.split(",")
        if part.strip()
    )


def is_allowed(
    host: str | None, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
) -> bool:
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in networks)


def exposition() -> bytes:
    """The metrics in Prometheus' text format: this worker's, or every worker's in
    multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


async def metrics_response(request: Request) -> Response:
    return Response(exposition(), media_type=CONTENT_TYPE_LATEST)
