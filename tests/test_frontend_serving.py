"""The built front end at / beside the API: the SPA fallback, cache headers, the CSP, the API's
own paths untouched, and nothing outside the dist folder ever served."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from custledger.frontend import CSP

INDEX = (
    '<!doctype html><html><head><script type="module" src="/assets/index-3f2a1b9c.js">'
    '</script></head><body><div id="root"></div></body></html>\n'
)
ASSET = "console.log('custledger');\n"
SECRET = "the secret outside the dist folder"
PROBLEM = "application/problem+json"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text(INDEX)
    (folder / "assets" / "index-3f2a1b9c.js").write_text(ASSET)
    (folder / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "secret.txt").write_text(SECRET)
    return folder


async def _client_for(
    folder: Path, monkeypatch: pytest.MonkeyPatch, app_out: list[object] | None = None
) -> httpx.AsyncClient:
    from custledger.app import create_app
    from custledger.config import get_settings

    monkeypatch.setenv("CUSTLEDGER_FRONTEND_DIR", str(folder))
    get_settings.cache_clear()
    try:
        app = create_app()
    finally:
        monkeypatch.delenv("CUSTLEDGER_FRONTEND_DIR")
        get_settings.cache_clear()
    if app_out is not None:
        app_out.append(app)
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def web(database, dist, monkeypatch) -> AsyncIterator[httpx.AsyncClient]:
    async with await _client_for(dist, monkeypatch) as c:
        yield c


def _is_index(r: httpx.Response) -> None:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert r.text == INDEX
    assert r.headers["cache-control"] == "no-cache"
    assert r.headers["content-security-policy"] == CSP


async def test_root_and_every_app_path_answer_index_html_with_no_cache_and_the_csp(web):
    for path in ("/", "/index.html", "/customers", "/customers/42/balance", "/a.b/c?x=1"):
        _is_index(await web.get(path))


async def test_the_csp_is_the_conventions_and_allows_no_inline_script():
    assert "script-src 'self';" in CSP
    assert "'unsafe-inline'" not in CSP.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in CSP and "object-src 'none'" in CSP


async def test_hashed_assets_are_cached_for_a_year_and_other_files_revalidated(web):
    r = await web.get("/assets/index-3f2a1b9c.js")
    assert r.status_code == 200
    assert r.text == ASSET
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "javascript" in r.headers["content-type"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in r.headers
    icon = await web.get("/favicon.svg")
    assert icon.status_code == 200 and icon.headers["cache-control"] == "no-cache"


async def test_a_missing_asset_is_a_404_never_index_html(web):
    r = await web.get("/assets/index-00000000.js")
    assert r.status_code == 404
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["type"] == "not-found"
    assert "immutable" not in r.headers.get("cache-control", "")


async def test_head_answers_the_headers_without_a_body(web):
    for path in ("/", "/customers/7"):
        r = await web.head(path)
        assert r.status_code == 200
        assert r.content == b""
        assert int(r.headers["content-length"]) == len(INDEX.encode())
        assert r.headers["content-security-policy"] == CSP
    asset = await web.head("/assets/index-3f2a1b9c.js")
    assert asset.status_code == 200 and asset.content == b""
    assert asset.headers["cache-control"].endswith("immutable")


async def test_a_revalidated_index_answers_304_while_unchanged(web):
    first = await web.get("/")
    again = await web.get("/customers", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    changed = await web.get("/", headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200 and changed.text == INDEX


async def test_writes_to_app_paths_are_405_problems(web):
    r = await web.post("/customers", json={})
    assert r.status_code == 405
    assert r.headers["content-type"] == PROBLEM
    assert r.headers["allow"] == "GET, HEAD"


async def test_api_paths_are_never_shadowed_by_the_app(web):
    for path in ("/api", "/api/", "/api/v1", "/api/v1/no-such-route", "/api/v1/customers/1/nope"):
        r = await web.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"] == PROBLEM, path
        assert r.json()["type"] == "not-found"
        assert "content-security-policy" not in r.headers
    # A route that exists but not for this method is still the router's 405.
    r = await web.delete("/api/v1/customers")
    assert r.status_code == 405 and r.headers["content-type"] == PROBLEM
    assert (await web.get("/api/v1/auth/me")).status_code == 401
    assert (await web.get("/healthz")).json() == {"status": "ok"}
    assert (await web.get("/readyz")).json() == {"status": "ready"}
    for path in ("/metrics", "/healthz/x", "/readyz/x"):
        r = await web.get(path)
        assert r.status_code == 404 and r.headers["content-type"] == PROBLEM, path


async def test_a_route_of_the_app_outside_the_api_prefixes_is_never_shadowed(
    database, dist, monkeypatch
):
    from fastapi import FastAPI

    made: list[object] = []
    async with await _client_for(dist, monkeypatch, made) as web:
        app = made[0]
        assert isinstance(app, FastAPI)

        # Added after start-up, as a test or a later module would.
        @app.post("/extra/{name}")
        async def extra(name: str) -> dict[str, str]:
            return {"name": name}

        r = await web.post("/extra/x")
        assert r.status_code == 200 and r.json() == {"name": "x"}
        wrong_method = await web.get("/extra/x")
        assert wrong_method.status_code == 405
        assert wrong_method.headers["allow"] == "POST"
        _is_index(await web.get("/extra"))


async def test_the_api_docs_page_is_not_under_the_apps_csp(web):
    r = await web.get("/api/docs")
    assert r.status_code == 200 and "swagger" in r.text.lower()
    assert "content-security-policy" not in r.headers
    assert (await web.get("/api/v1/openapi.json")).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/%2e%2e/secret.txt",
        "/assets/..%2f..%2fsecret.txt",
        "/assets/%2e%2e/%2e%2e/secret.txt",
        "/..%5csecret.txt",
        "/index.html%00.js",
    ],
)
async def test_paths_leaving_the_dist_folder_are_refused(web, path):
    r = await web.get(path)
    assert r.status_code == 404
    assert SECRET not in r.text
    assert r.headers["content-type"] == PROBLEM


async def test_a_symlink_out_of_the_dist_folder_is_not_followed(web, dist):
    (dist / "leak.txt").symlink_to(dist.parent / "secret.txt")
    r = await web.get("/leak.txt")
    assert SECRET not in r.text
    _is_index(r)


async def test_without_a_build_the_api_works_and_root_says_the_front_end_is_not_built(
    database, tmp_path, monkeypatch
):
    async with await _client_for(tmp_path / "no-dist", monkeypatch) as web:
        for path in ("/", "/customers/42"):
            r = await web.get(path)
            assert r.status_code == 404
            assert r.headers["content-type"] == PROBLEM
            body = r.json()
            assert body["type"] == "frontend-not-built"
            assert "make frontend" in body["detail"]
        assert (await web.get("/healthz")).status_code == 200
        assert (await web.get("/api/v1/auth/me")).status_code == 401
        assert (await web.get("/api/v1/nope")).json()["type"] == "not-found"


async def test_a_build_appearing_after_start_is_served_without_a_restart(
    database, dist, tmp_path, monkeypatch
):
    later = tmp_path / "later"
    async with await _client_for(later, monkeypatch) as web:
        assert (await web.get("/")).status_code == 404
        dist.rename(later)
        _is_index(await web.get("/customers"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_and_read_log(folder: Path, database_url: str) -> tuple[str, httpx.Response]:
    port = _free_port()
    env = {
        **os.environ,
        "CUSTLEDGER_FRONTEND_DIR": str(folder),
        "CUSTLEDGER_DATABASE_URL": database_url,
        "CUSTLEDGER_LOG_LEVEL": "INFO",
    }
    command = [str(Path(sys.executable).parent / "custledger"), "serve", "--port", str(port)]
    process = subprocess.Popen(  # noqa: S603 - our own program, fixed arguments
        command, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, "custledger serve exited"
                assert time.monotonic() < deadline, "custledger serve did not start"
                time.sleep(0.2)
    finally:
        process.terminate()
        _, log = process.communicate(timeout=30)
    return log, r


async def test_serve_logs_where_it_serves_the_front_end_from(migrated, dist, tmp_path):
    import asyncio

    log, r = await asyncio.to_thread(_serve_and_read_log, dist, migrated)
    assert f"serving the front end at / from {dist}" in log
    _is_index(r)
    log, r = await asyncio.to_thread(_serve_and_read_log, tmp_path / "none", migrated)
    assert "the front end is not built" in log
    assert r.status_code == 404 and r.json()["type"] == "frontend-not-built"
