"""CUSTLEDGER_CORS_ORIGINS: empty (the default) sends no CORS header at all; set, only those
origins may call the API from a browser, and they can read the headers a client needs."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import ValidationError

from custledger.config import Settings, get_settings

ME = "/api/v1/auth/me"
SHOP = "https://loja.example.com"


@pytest.fixture
async def cors_client(database, monkeypatch) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("CUSTLEDGER_CORS_ORIGINS", f"{SHOP}, http://localhost:5173")
    get_settings.cache_clear()
    from custledger.app import create_app

    app = create_app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c
    monkeypatch.delenv("CUSTLEDGER_CORS_ORIGINS")
    get_settings.cache_clear()


async def test_no_cors_headers_by_default(client, owner):
    r = await client.get(ME, headers={**owner.headers, "Origin": SHOP})
    assert r.status_code == 200
    assert not [h for h in r.headers if h.lower().startswith("access-control-")]
    preflight = await client.options(
        ME, headers={"Origin": SHOP, "Access-Control-Request-Method": "GET"}
    )
    assert "access-control-allow-origin" not in preflight.headers


async def test_a_listed_origin_may_call_and_read_the_headers_a_client_needs(cors_client, owner):
    preflight = await cors_client.options(
        "/api/v1/customers/1",
        headers={
            "Origin": SHOP,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization, if-match, content-type",
        },
    )
    assert preflight.status_code == 200, preflight.text
    assert preflight.headers["access-control-allow-origin"] == SHOP
    assert "PATCH" in preflight.headers["access-control-allow-methods"]
    allowed = preflight.headers["access-control-allow-headers"].lower()
    assert "if-match" in allowed and "authorization" in allowed

    created = await cors_client.post(
        "/api/v1/customers", json={"name": "Cross"}, headers={**owner.headers, "Origin": SHOP}
    )
    assert created.status_code == 201
    assert created.headers["access-control-allow-origin"] == SHOP
    exposed = {
        h.strip().lower() for h in created.headers["access-control-expose-headers"].split(",")
    }
    assert {"etag", "location", "idempotent-replayed", "retry-after", "x-request-id"} <= exposed
    assert "access-control-allow-credentials" not in created.headers


async def test_another_origin_gets_no_cors_headers(cors_client, owner):
    r = await cors_client.get(ME, headers={**owner.headers, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    preflight = await cors_client.options(
        ME, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers


def test_a_cors_origin_with_a_path_or_no_scheme_is_refused_at_start_up():
    for bad in ("loja.example.com", "https://loja.example.com/", "*"):
        with pytest.raises(ValidationError):
            Settings(cors_origins=bad)
    assert Settings(cors_origins="").cors_origin_list == []
