"""Idempotency keys (DESIGN "Retries"), on a small route of the test's own that writes a row."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import func, select

from custledger.auth.dependencies import CurrentPrincipal
from custledger.kit import clock
from custledger.kit.db import Session
from custledger.kit.errors import Conflict
from custledger.kit.idempotency import IdempotencyRecord, Idempotent
from custledger.stores.models import Store
from custledger.stores.service import create_store


class StoreIn(BaseModel):
    code: str
    name: str
    fail: bool = False
    delay: float = 0.0


@pytest.fixture(scope="module")
def idem_app(database) -> FastAPI:
    from custledger.app import create_app

    app = create_app()

    @app.post("/test/stores", status_code=201)
    async def make_store(
        body: StoreIn, session: Session, principal: CurrentPrincipal, idem: Idempotent
    ) -> dict[str, object]:
        store = await create_store(session, body.code, body.name, principal.id)
        await asyncio.sleep(body.delay)
        if body.fail:
            raise Conflict("failing on purpose after a write")
        return await idem.respond(  # type: ignore[return-value]
            {"id": store.id, "code": store.code},
            status_code=201,
            headers={"Location": f"/api/v1/stores/{store.id}"},
        )

    return app


@pytest.fixture
async def api(idem_app):
    transport = httpx.ASGITransport(app=idem_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def _stores(session) -> int:
    return await session.scalar(select(func.count()).select_from(Store).where(Store.code != "MAIN"))


async def test_replay_returns_the_first_response_without_a_second_write(api, owner, session):
    headers = owner.headers | {"Idempotency-Key": "k-1"}
    first = await api.post("/test/stores", json={"code": "A1", "name": "A"}, headers=headers)
    assert first.status_code == 201
    assert "idempotent-replayed" not in first.headers
    again = await api.post("/test/stores", json={"code": "A1", "name": "A"}, headers=headers)
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert await _stores(session) == 1


async def test_same_key_with_a_different_body_is_refused(api, owner, session):
    headers = owner.headers | {"Idempotency-Key": "k-2"}
    await api.post("/test/stores", json={"code": "B1", "name": "B"}, headers=headers)
    r = await api.post("/test/stores", json={"code": "B2", "name": "B"}, headers=headers)
    assert r.status_code == 422
    assert r.json()["type"] == "idempotency-key-reused"
    assert await _stores(session) == 1


async def test_keys_are_per_principal(api, owner, make_actor, session):
    other = await make_actor("owner", name="other-owner")
    body = {"code": "C1", "name": "C"}
    r1 = await api.post(
        "/test/stores", json=body, headers=owner.headers | {"Idempotency-Key": "same"}
    )
    r2 = await api.post(
        "/test/stores",
        json={"code": "C2", "name": "C"},
        headers=other.headers | {"Idempotency-Key": "same"},
    )
    assert r1.status_code == r2.status_code == 201
    assert r1.json() != r2.json()


async def test_a_failed_request_releases_its_key_and_writes_nothing(api, owner, session):
    headers = owner.headers | {"Idempotency-Key": "k-3"}
    r = await api.post(
        "/test/stores", json={"code": "D1", "name": "D", "fail": True}, headers=headers
    )
    assert r.status_code == 409
    assert await _stores(session) == 0
    assert await session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0
    r = await api.post(
        "/test/stores", json={"code": "D1", "name": "D", "fail": True}, headers=headers
    )
    assert r.status_code == 409  # ran again, not replayed


async def test_without_a_key_nothing_is_stored(api, owner, session):
    r = await api.post("/test/stores", json={"code": "E1", "name": "E"}, headers=owner.headers)
    assert r.status_code == 201
    assert await session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0


async def test_a_malformed_key_is_422(api, owner):
    r = await api.post(
        "/test/stores",
        json={"code": "F1", "name": "F"},
        headers=owner.headers | {"Idempotency-Key": "x" * 300},
    )
    assert r.status_code == 422


@pytest.mark.postgres
async def test_parallel_duplicates_create_exactly_one_row(api, owner, session):
    headers = owner.headers | {"Idempotency-Key": "k-par"}
    body = {"code": "P1", "name": "P", "delay": 0.3}
    responses = await asyncio.gather(
        *(api.post("/test/stores", json=body, headers=headers) for _ in range(10))
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) >= 1
    assert set(statuses) <= {201, 409}
    for r in responses:
        if r.status_code == 409:
            assert r.json()["type"] == "idempotency-key-in-flight"
    assert await _stores(session) == 1
    # Once the first finished, a retry gets its stored response.
    r = await api.post("/test/stores", json=body, headers=headers)
    assert r.status_code == 201 and r.headers["idempotent-replayed"] == "true"


@pytest.mark.postgres
async def test_a_record_stored_meanwhile_under_the_key_makes_the_request_409_and_undoes_it(
    api, owner, session
):
    """The claim reads the record in its statement's snapshot: a request that held the key a
    moment before may commit its record unseen. Then storing ours hits the unique key: 409,
    nothing of this request written (here the record is committed while the request runs)."""
    headers = owner.headers | {"Idempotency-Key": "k-window"}

    async def commit_a_record_meanwhile() -> None:
        await asyncio.sleep(0.2)
        now = clock.now()
        session.add(
            IdempotencyRecord(
                principal_id=owner.id,
                key="k-window",
                fingerprint="another request",
                state="completed",
                status_code=201,
                response_body=b"{}",
                response_headers={},
                created_at=now,
                expires_at=now + timedelta(hours=1),
            )
        )
        await session.commit()

    body = {"code": "W1", "name": "W", "delay": 0.6}
    r, _ = await asyncio.gather(
        api.post("/test/stores", json=body, headers=headers), commit_a_record_meanwhile()
    )
    assert r.status_code == 409
    assert r.json()["type"] == "idempotency-key-in-flight"
    assert await _stores(session) == 0
