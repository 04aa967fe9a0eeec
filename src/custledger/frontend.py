"""The built front end (``frontend/dist``) served at ``/`` beside the API.

Everything under ``/api``, ``/healthz``, ``/readyz`` and ``/metrics`` goes to the API untouched, so
its 404 and 405 problems stay what they are, and so does any other path one of the app's routes
matches. Any other path is the single-page app's: a file of the build when one is there, else
``index.html`` (the app routes in the browser). Hashed files
under ``/assets/`` are cached for a year; ``index.html`` is revalidated every time and carries
the Content-Security-Policy. See docs/decisions/frontend.md.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from custledger.kit.errors import problem_response

# Paths the API owns: the path itself and everything below it.
RESERVED = ("/api", "/healthz", "/readyz", "/metrics")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'"
)
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
ASSETS = "assets/"
NOT_BUILT = (
    "The front end is not built: run `make frontend` (needs Node 20 and npm) "
    "or set CUSTLEDGER_FRONTEND_DIR to a built dist folder. The API works at /api/v1."
)


def default_directory() -> Path:
    """``frontend/dist`` of the source tree this package runs from."""
    return Path(__file__).resolve().parents[2] / "frontend" / "dist"


def is_reserved(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in RESERVED)


def describe(directory: Path) -> str:
    """One line for the operator: where the front end is served from, or that it is not."""
    if (directory / "index.html").is_file():
        return f"serving the front end at / from {directory}"
    return f"the front end is not built ({directory / 'index.html'} is missing): / answers 404"


class FrontendFiles:
    """ASGI middleware: the front end's paths answered here, the API's passed on."""

    def __init__(self, app: ASGIApp, directory: Path, routes: list[BaseRoute]) -> None:
        self.app = app
        self.root = os.path.realpath(directory)
        # The app's route list itself (read per request: routes may be added after start-up).
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or is_reserved(scope["path"])
            or any(route.matches(scope)[0] is not Match.NONE for route in self.routes)
        ):
            await self.app(scope, receive, send)
            return
        response = self.respond(scope["method"], scope["path"], Headers(scope=scope))
        await response(scope, receive, send)

    def respond(self, method: str, path: str, headers: Headers) -> Response:
        if method not in {"GET", "HEAD"}:
            return problem_response(
                None,
                405,
                "method-not-allowed",
                "Method not allowed",
                "The front end's pages are only read (GET, HEAD).",
                headers={"Allow": "GET, HEAD"},
            )
        relative = path.lstrip("/")
        parts = relative.split("/")
        if ".." in parts or "\\" in relative or "\x00" in relative:
            return _not_found("No such file.")
        index = os.path.join(self.root, "index.html")
        if not os.path.isfile(index):
            return problem_response(
                None, 404, "frontend-not-built", "Front end not built", NOT_BUILT
            )
        if relative:
            candidate = os.path.realpath(os.path.join(self.root, relative))
            inside = os.path.commonpath([self.root, candidate]) == self.root
            if inside and os.path.isfile(candidate):
                return _file(candidate, headers, immutable=relative.startswith(ASSETS))
            if relative.startswith(ASSETS):
                # A hashed file that is not there (a page of an older build asking for its
                # chunks) must fail as a missing file, never be cached a year as HTML.
                return _not_found("No such file in this build of the front end.")
        return _file(index, headers, immutable=False)


def _file(path: str, request_headers: Headers, *, immutable: bool) -> Response:
    headers = {
        "Cache-Control": IMMUTABLE if immutable else REVALIDATE,
        "X-Content-Type-Options": "nosniff",
    }
    if path.endswith(".html"):
        headers["Content-Security-Policy"] = CSP
    response = FileResponse(path, headers=headers, stat_result=os.stat(path))
    etag = response.headers.get("etag")
    if etag and etag in _tags(request_headers.get("if-none-match", "")):
        kept = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return Response(status_code=304, headers=kept)
    return response


def _tags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _not_found(detail: str) -> Response:
    return problem_response(None, 404, "not-found", "Not found", detail)
