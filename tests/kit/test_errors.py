"""Every error is application/problem+json; a database outage is a 503, never a 500."""

from __future__ import annotations

import httpx

from custledger.config import Settings
from custledger.kit import db as kit_db

PROBLEM = "application/problem+json"


async def test_unknown_route_is_a_problem(client):
    r = await client.get("/api/v1/no-such-thing")
    assert r.status_code == 404
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert set(body) >= {"type", "title", "status", "detail"}
    assert body["status"] == 404


async def test_wrong_method_is_a_405_problem(client, owner):
    r = await client.delete("/api/v1/auth/me", headers=owner.headers)
    assert r.status_code == 405
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["type"] == "method-not-allowed"


async def test_validation_errors_name_the_fields(client, owner):
    r = await client.post(
        "/api/v1/users", json={"username": "x", "role": "nope"}, headers=owner.headers
    )
    assert r.status_code == 422
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["type"] == "validation-error"
    fields = {e["field"] for e in body["errors"]}
    assert {"username", "password", "role"} <= fields
    assert all(e["location"] == "body" for e in body["errors"])


async def test_unknown_fields_are_refused_not_ignored(client, owner):
    r = await client.post(
        "/api/v1/stores", json={"code": "X1", "name": "X", "id": 77}, headers=owner.headers
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "id"


async def test_nul_bytes_never_reach_the_database(client, owner):
    r = await client.post(
        "/api/v1/stores", json={"code": "X2", "name": "bad\u0000name"}, headers=owner.headers
    )
    assert r.status_code == 422


async def test_out_of_range_path_ids_are_422(client, owner):
    r = await client.get(f"/api/v1/users/{2**40}", headers=owner.headers)
    assert r.status_code == 422


async def test_oversized_body_is_413(client, owner):
    r = await client.post(
        "/api/v1/stores",
        content=b'{"code": "X", "name": "' + b"a" * 2_000_000 + b'"}',
        headers=owner.headers | {"content-type": "application/json"},
    )
    assert r.status_code == 413
    assert r.headers["content-type"] == PROBLEM


async def test_every_response_carries_a_request_id(client):
    r = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    r = await client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert r.headers["x-request-id"] != "bad id with spaces"
    assert len(r.headers["x-request-id"]) == 32


async def test_database_outage_is_a_503_problem(app, owner):
    unreachable = kit_db.Database(
        Settings(database_url="postgresql+asyncpg://postgres@127.0.0.1:1/nowhere")
    )
    previous = kit_db.get_database()
    kit_db.set_database(unreachable)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            r = await c.get("/api/v1/auth/me", headers=owner.headers)
            ready = await c.get("/readyz")
    finally:
        kit_db.set_database(previous)
        await unreachable.dispose()
    assert r.status_code == 503, r.text
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["type"] == "service-unavailable"
    assert "Traceback" not in r.text
    assert ready.status_code == 503


def test_a_connection_refused_for_too_many_clients_is_an_outage() -> None:
    """PostgreSQL at max_connections: the pool's connect raises the asyncpg adapter's Error
    with asyncpg's TooManyConnectionsError under it (not a DBAPIError): a 503, not a 500."""
    from asyncpg.exceptions import TooManyConnectionsError
    from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_dbapi

    from custledger.kit.errors import _is_unavailable

    refused = TooManyConnectionsError("sorry, too many clients already")
    try:
        try:
            raise refused
        except TooManyConnectionsError as driver_error:
            raise AsyncAdapt_asyncpg_dbapi.Error(str(driver_error)) from driver_error
    except AsyncAdapt_asyncpg_dbapi.Error as adapted:
        assert _is_unavailable(adapted)
    assert not _is_unavailable(ValueError("a bug"))
    try:
        raise RuntimeError("wrapped bug") from ValueError("inner")
    except RuntimeError as bug:
        assert not _is_unavailable(bug)
