"""GET /auth/me: the principal, its store, and the business clock and formats a client needs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from custledger import __version__
from custledger.config import Settings, get_settings
from custledger.kit import clock

ME = "/api/v1/auth/me"


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    """Settings read again from the environment the test sets, and again after it."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def test_me_tells_a_clerk_its_role_store_and_the_business_setup(client, clerk):
    r = await client.get(ME, headers=clerk.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == clerk.id
    assert body["kind"] == "user"
    assert body["name"] == "clerk"
    assert body["role"] == "clerk"
    assert body["store"] == {"id": clerk.store_id, "code": "MAIN", "name": "Main store"}
    assert body["store_id"] == clerk.store_id
    assert "sales:manage" not in body["permissions"]
    assert "customers:write" in body["permissions"]
    assert body["timezone"] == "America/Sao_Paulo"
    assert body["currency"] == "BRL"
    assert body["locale"] == "pt-BR"
    assert body["version"] == __version__


async def test_me_tells_a_pos_terminal_its_role(client, pos):
    body = (await client.get(ME, headers=pos.headers)).json()
    assert body["kind"] == "api_client"
    assert body["role"] == "pos-terminal"
    assert body["client_id"] == "cl_pos"


async def test_me_today_is_the_business_date_not_utcs(client, owner):
    # 01:30 UTC on the 5th is still the evening of the 4th in São Paulo (UTC-3).
    with clock.pinned(datetime(2026, 12, 5, 1, 30, tzinfo=UTC)):
        late_evening = (await client.get(ME, headers=owner.headers)).json()
    with clock.pinned(datetime(2026, 12, 5, 3, 0, tzinfo=UTC)):
        midnight = (await client.get(ME, headers=owner.headers)).json()
    assert late_evening["today"] == "2026-12-04"
    assert midnight["today"] == "2026-12-05"


async def test_me_locale_comes_from_the_setting(client, owner, monkeypatch, fresh_settings):
    monkeypatch.setenv("CUSTLEDGER_LOCALE", "es-AR")
    monkeypatch.setenv("CUSTLEDGER_CURRENCY", "ARS")
    monkeypatch.setenv("CUSTLEDGER_TIMEZONE", "America/Argentina/Buenos_Aires")
    get_settings.cache_clear()
    with clock.pinned(datetime(2026, 12, 5, 2, 30, tzinfo=UTC)):
        body = (await client.get(ME, headers=owner.headers)).json()
    assert body["locale"] == "es-AR"
    assert body["currency"] == "ARS"
    assert body["timezone"] == "America/Argentina/Buenos_Aires"
    assert body["today"] == "2026-12-04"


def test_a_locale_that_is_not_a_language_tag_is_refused_at_start_up():
    with pytest.raises(ValidationError):
        Settings(locale="pt BR; drop")


async def test_me_fields_are_documented_with_examples(client):
    doc = (await client.get("/api/v1/openapi.json")).json()
    me = doc["components"]["schemas"]["Me"]
    for field in ("role", "store", "today", "timezone", "currency", "locale", "version"):
        assert field in me["required"], field
    for field in ("role", "today", "timezone", "currency", "locale", "version"):
        assert me["properties"][field]["examples"], field
    assert me["examples"][0]["locale"] == "pt-BR"
    assert me["properties"]["today"]["format"] == "date"
