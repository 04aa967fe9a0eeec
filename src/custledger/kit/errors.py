"""Domain errors and their one rendering: RFC 9457 ``application/problem+json``."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match

from custledger.kit import metrics
from custledger.kit.jsonutil import dumps

log = logging.getLogger("custledger.errors")

PROBLEM_JSON = "application/problem+json"


class DomainError(Exception):
    """A refusal the client can act on. Services raise these; one handler renders them."""

    status: ClassVar[int] = 400
    type: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        type: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.problem_type = type or self.type
        self.problem_title = title or self.title
        self.headers = headers or {}
        self.extensions = extensions


class Unauthorized(DomainError):
    status, type, title = 401, "unauthorized", "Authentication required"


class Forbidden(DomainError):
    status, type, title = 403, "forbidden", "Not allowed"


class NotFound(DomainError):
    status, type, title = 404, "not-found", "Not found"


class Conflict(DomainError):
    status, type, title = 409, "conflict", "Conflict"


class PreconditionFailed(DomainError):
    status, type, title = 412, "precondition-failed", "Precondition failed"


class PayloadTooLarge(DomainError):
    status, type, title = 413, "payload-too-large", "Request body too large"


class Unprocessable(DomainError):
    status, type, title = 422, "validation-error", "Invalid request"


class PreconditionRequired(DomainError):
    status, type, title = 428, "precondition-required", "Precondition required"


class TooManyRequests(DomainError):
    status, type, title = 429, "too-many-requests", "Too many requests"


class ServiceUnavailable(DomainError):
    status, type, title = 503, "service-unavailable", "Service temporarily unavailable"


class FieldError(BaseModel):
    field: str = Field(description="Dotted path of the offending field, e.g. `cheques.2.bank`.")
    location: str = Field(description="`body`, `query`, `path` or `header`.")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details. Extension members vary by `type`."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="A stable identifier of the kind of problem.")
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None


def field_error(field: str, message: str, location: str = "body") -> dict[str, str]:
    return {"field": field, "location": location, "message": message}


def invalid(field: str, message: str, location: str = "body") -> Unprocessable:
    """A 422 naming one field, for rules checked in services."""
    return Unprocessable(f"{field}: {message}", errors=[field_error(field, message, location)])


_DESCRIPTIONS = {
    400: "Malformed request",
    401: "Missing, invalid or expired token",
    403: "The principal lacks a permission or the record's rules forbid it",
    404: "No such resource",
    409: "Conflicts with the current state",
    412: "The `If-Match` version is stale",
    413: "Request body too large",
    422: "Invalid input; `errors` names the fields",
    428: "`If-Match` is required",
    429: "Over the principal's request budget (`rate-limited`), or too many failed logins "
    "(`login-throttled`); retry after `Retry-After` seconds",
    503: "The database is unavailable or too slow; retry later",
}


_EXAMPLES: dict[int, dict[str, Any]] = {
    429: {
        "type": "rate-limited",
        "title": "Rate limited",
        "status": 429,
        "detail": "Too many requests for this principal: over its budget of 5 a second "
        "(bursts of 20). Retry after 1 s.",
        "request_id": "4f1c2a9e0b7d4e2f",
        "retry_after": 1,
    },
}
_HEADERS: dict[int, dict[str, Any]] = {
    429: {
        "Retry-After": {
            "description": "Seconds to wait before the next request.",
            "schema": {"type": "integer", "minimum": 1, "example": 1},
        }
    },
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: each listed status documented as a problem. Every
    route may answer 401, 422, 429 (the request budget) and 503."""
    documented: dict[int | str, dict[str, Any]] = {}
    for status in sorted({401, 422, 429, 503, *statuses}):
        content: dict[str, Any] = {"schema": {"$ref": "#/components/schemas/Problem"}}
        if status in _EXAMPLES:
            content["example"] = _EXAMPLES[status]
        documented[status] = {
            "model": Problem,
            "description": _DESCRIPTIONS.get(status, "Error"),
            "content": {PROBLEM_JSON: content},
        }
        if status in _HEADERS:
            documented[status]["headers"] = _HEADERS[status]
    return documented


def with_examples(
    responses: dict[int | str, dict[str, Any]], status: int, *examples_: dict[str, Any]
) -> dict[int | str, dict[str, Any]]:
    """``problems(...)`` with example bodies for ``status``, one per problem ``type``: the
    OpenAPI document shows integrators each refusal a route may answer."""
    response = responses[status]
    examples = response["content"][PROBLEM_JSON].setdefault("examples", {})
    for example in examples_:
        response["description"] += f"; `{example['type']}`: {example['title'].lower()}"
        examples[example["type"]] = {
            "summary": example["title"],
            "value": {"status": status, **example},
        }
    return responses


def problem_response(
    request: Request | None,
    status: int,
    type_: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    from custledger.kit.requestid import current_request_id

    body: dict[str, Any] = {"type": type_, "title": title, "status": status, "detail": detail}
    if request is not None:
        body["instance"] = request.url.path
    body["request_id"] = current_request_id()
    body.update({k: v for k, v in extensions.items() if v is not None})
    return Response(dumps(body), status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _location(loc: tuple[Any, ...]) -> tuple[str, str]:
    if not loc:
        return "body", ""
    where = str(loc[0])
    return where, ".".join(str(part) for part in loc[1:])


def _is_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, (OperationalError, PoolTimeout, ConnectionError, TimeoutError, OSError)):
        return True
    if not isinstance(exc, DBAPIError) and isinstance(exc.__cause__, Exception):
        # A connection refused while the pool opens it ("sorry, too many clients already")
        # reaches us as the driver adapter's own error, not wrapped in DBAPIError: judge the
        # driver's error under it.
        cause = exc.__cause__
        return str(getattr(cause, "sqlstate", None) or "")[:2] in {"08", "53", "57"} or (
            _is_unavailable(cause)
        )
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        # SQLSTATE classes 08 (connection), 53 (resources: too many connections), 57 (operator
        # intervention: shutting down, starting up, statement timeout).
        if str(getattr(exc.orig, "sqlstate", None) or "")[:2] in {"08", "53", "57"}:
            return True
        name = type(exc.orig).__name__ if exc.orig is not None else ""
        return (
            name
            in {
                "QueryCanceledError",
                "CannotConnectNowError",
                "ConnectionDoesNotExistError",
                "InterfaceError",
                "AdminShutdownError",
                "TooManyConnectionsError",
                "ConnectionFailureError",
                "InternalClientError",
            }
            or "QueryCanceled" in name
            or "canceling statement" in str(exc.orig)
        )
    return False


def _is_statement_timeout(exc: BaseException) -> bool:
    """A statement cancelled by ``statement_timeout`` (SQLSTATE 57014)."""
    orig = getattr(exc, "orig", None)
    return str(getattr(orig, "sqlstate", None) or "") == "57014" or (
        orig is not None and "QueryCanceled" in type(orig).__name__
    )


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route of the request's path answers (only computed for a 405)."""
    scope = {"type": "http", "path": request.url.path, "method": "", "root_path": ""}
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, BaseRoute) and route.matches(scope)[0] != Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods)


def domain_problem(request: Request, exc: DomainError) -> Response:
    """A domain error as its problem response."""
    return problem_response(
        request,
        exc.status,
        exc.problem_type,
        exc.problem_title,
        exc.detail,
        headers=exc.headers,
        **exc.extensions,
    )


def install_error_handlers(app: FastAPI) -> None:
    async def on_domain(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        return domain_problem(request, exc)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = []
        for err in exc.errors():
            where, field = _location(tuple(err.get("loc", ())))
            message = str(err.get("msg", "invalid"))
            if message.startswith("Value error, "):
                message = message.removeprefix("Value error, ")
            errors.append(field_error(field or where, message, where))
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return problem_response(
            request, 422, "validation-error", "Invalid request", detail, errors=errors
        )

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 400:
            # FastAPI's answer to a body it cannot decode (bytes that are not UTF-8, a broken
            # form): invalid input like any malformed JSON, so the same documented 422.
            message = exc.detail if isinstance(exc.detail, str) else "the body cannot be parsed"
            return problem_response(
                request,
                422,
                "validation-error",
                "Invalid request",
                f"body: {message}",
                errors=[field_error("body", message)],
            )
        slug = {
            401: "unauthorized",
            403: "forbidden",
            404: "not-found",
            405: "method-not-allowed",
            413: "payload-too-large",
        }.get(exc.status_code, f"http-{exc.status_code}")
        title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "HTTP error")
        detail = exc.detail if isinstance(exc.detail, str) else title
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # The route that answered knows only its own method (the routes of one path are
            # separate entries of a flat list): `Allow` lists every route of the path.
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return problem_response(request, exc.status_code, slug, title, detail, headers=headers)

    async def on_integrity(request: Request, exc: Exception) -> Response:
        log.warning("integrity error: %s", type(exc).__name__)
        return problem_response(
            request,
            409,
            "conflict",
            "Conflict",
            "The change conflicts with existing data (a unique value is already taken "
            "or a referenced record changed). Reload and try again.",
        )

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        if _is_unavailable(exc):
            log.warning("database unavailable: %s", type(exc).__name__)
            if _is_statement_timeout(exc):
                metrics.statement_timeout()
            return problem_response(
                request,
                503,
                "service-unavailable",
                "Service temporarily unavailable",
                "The database is unavailable or did not answer in time. Retry later.",
                headers={"Retry-After": "2"},
            )
        log.error("unhandled error", exc_info=exc)
        return problem_response(
            request,
            500,
            "internal-error",
            "Internal error",
            "An unexpected error occurred. It has been logged with the request id.",
        )

    app.add_exception_handler(DomainError, on_domain)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(IntegrityError, on_integrity)
    # Database and network failures are handled here, inside the app, so they end as a
    # problem response; only truly unexpected errors reach the server's last-resort handler.
    for database_error in (DBAPIError, PoolTimeout, OSError):
        app.add_exception_handler(database_error, on_unexpected)
    app.add_exception_handler(Exception, on_unexpected)
