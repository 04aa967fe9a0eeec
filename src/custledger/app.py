"""The application: routers, error handlers, middleware, health checks and the front end."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from custledger import __version__
from custledger.auth.router import router as auth_router
from custledger.config import get_settings
from custledger.customers.router import router as customers_router
from custledger.frontend import FrontendFiles
from custledger.kit import logs
from custledger.kit.db import get_database
from custledger.kit.errors import install_error_handlers, problem_response
from custledger.kit.idempotency import install_replay_handler
from custledger.kit.middleware import BodyLimit, RequestContext
from custledger.kit.routes import API_PREFIX, add_routes
from custledger.merge.router import router as merge_router
from custledger.orders.router import router as orders_router
from custledger.payments.router import router as payments_router
from custledger.reports.router import router as reports_router
from custledger.statement.router import router as statement_router
from custledger.stores.router import router as stores_router
from custledger.users.router import router as users_router

# What a browser client sends and must be able to read (the ETag to send back as If-Match, the
# Location of what it created, a replayed retry, when to retry, the request id to report).
CORS_REQUEST_HEADERS = [
    "Authorization",
    "Content-Type",
    "If-Match",
    "Idempotency-Key",
    "X-Request-ID",
]
CORS_EXPOSED_HEADERS = [
    "ETag",
    "Location",
    "Idempotent-Replayed",
    "Retry-After",
    "X-Request-ID",
    "Content-Disposition",
]

DESCRIPTION = """
The customer ledger of a retail chain: customers, payments (accounts receivable), orders and
deliveries from POS terminals, the running-balance statement, credit reports and merges.

**Authentication.** `POST /api/v1/auth/token` (OAuth2): users use the `password` grant, POS
terminals the `client_credentials` grant. Send the token as `Authorization: Bearer <token>`.
Permissions are read from the database on every request.

**Errors.** Every error is `application/problem+json` (RFC 9457) with a stable `type`, `title`,
`status`, `detail`, the `request_id`, and for invalid input `errors`: a list of
`{field, location, message}`.

**Money.** Decimal strings with two places (`"1250.00"`); more decimals, exponents, NaN or
floats are refused. Dates are `YYYY-MM-DD` in the business time zone; timestamps ISO 8601 UTC.

**Pagination.** Lists take `limit` and `cursor` and return `{items, next_cursor}`; a `limit`
above the maximum is a 422. Pass `next_cursor` back as `cursor` for the next page.

**Retries.** POSTs that create money records or customers accept `Idempotency-Key`: a retry
with the same key returns the first response (`Idempotent-Replayed: true`) without a second
write; the same key with a different body is a 422; a key still in flight is a 409.

**Concurrency.** `GET /customers/{id}` returns an `ETag`; send it as `If-Match` on `PATCH` so
a stale edit is refused with 412 instead of silently overwriting another clerk's change.
"""


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # What start-up built (modules, the app, the ORM mappings: about 160,000 objects) lives
    # as long as the worker: left out of the garbage collector's full collections, which
    # otherwise walked all of it and stopped the worker for 125-145 ms every few thousand
    # requests (docs/performance.md).
    gc.collect()
    gc.freeze()
    yield
    await get_database().dispose()


def create_app() -> FastAPI:
    settings = get_settings()
    logs.configure(settings.log_level)
    app = FastAPI(
        title="custledger",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=lifespan,
        # No OpenTelemetry: the access log line is the observation. Left on, FastAPI asks
        # the global tracer, meter and logger providers on every request whether one is set.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    install_error_handlers(app)
    install_replay_handler(app)

    add_routes(
        app,
        (
            customers_router,
            statement_router,
            payments_router,
            orders_router,
            reports_router,
            merge_router,
            auth_router,
            users_router,
            stores_router,
        ),
    )

    @app.get("/healthz", tags=["operations"], operation_id="healthz")
    async def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], operation_id="readyz")
    async def readyz() -> Response:
        """The database answers."""
        try:
            async with get_database().engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            return problem_response(
                None,
                503,
                "service-unavailable",
                "Service temporarily unavailable",
                "The database is not reachable.",
            )
        return JSONResponse({"status": "ready"})

    # The front end's paths never reach the router; the API's never reach the files.
    app.add_middleware(FrontendFiles, directory=settings.frontend_path, routes=app.router.routes)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContext)
    if settings.cors_origin_list:
        # Outermost, so a preflight is answered before the body limit and a refusal still
        # carries the CORS headers the browser needs to show it. Tokens travel in the
        # Authorization header, never in cookies: no credentials.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=CORS_REQUEST_HEADERS,
            expose_headers=CORS_EXPOSED_HEADERS,
            max_age=600,
        )
    return app
