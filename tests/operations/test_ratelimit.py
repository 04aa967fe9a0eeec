"""Fair limits: a request budget per principal (the token's subject) and, on the token
endpoint, per client address; over it a 429 `rate-limited` problem with `Retry-After`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest

from custledger.config import Settings
from custledger.kit import ratelimit
from custledger.kit.ratelimit import Limiter
from tests.conftest import TEST_PASSWORD

API = "/api/v1"
TOKEN = f"{API}/auth/token"


@pytest.fixture
def limits() -> Iterator[None]:
    """Whatever a test installs is replaced by the settings' limiters afterwards."""
    yield
    ratelimit.set_limiters(None, None)


async def test_a_till_has_a_tighter_budget_than_a_user(
    client: httpx.AsyncClient, owner, pos, limits: None
) -> None:
    ratelimit.set_limiters(Limiter(rate=0.5, burst=10), None, Limiter(rate=0.5, burst=2))
    for _ in range(2):
        assert (await client.get(f"{API}/customers", headers=pos.headers)).status_code == 200
    refused = await client.get(f"{API}/customers", headers=pos.headers)
    assert refused.status_code == 429
    assert refused.json()["type"] == "rate-limited"
    assert "API client" in refused.json()["detail"]
    # A user at the same pace is within the users' budget.
    for _ in range(3):
        assert (await client.get(f"{API}/customers", headers=owner.headers)).status_code == 200


def test_the_default_budgets_leave_room_for_a_person_and_hold_a_till_tighter() -> None:
    # The defaults as shipped (the suite's environment raises every budget).
    default = {name: field.default for name, field in Settings.model_fields.items()}
    assert default["client_rate_limit_per_second"] < default["rate_limit_per_second"]
    assert default["client_rate_limit_burst"] < default["rate_limit_burst"]
    # A till posting twenty sales at once stays within its burst.
    assert default["client_rate_limit_burst"] >= 20


def test_a_bucket_allows_its_burst_then_refills_at_its_rate() -> None:
    limiter = Limiter(rate=2.0, burst=3)
    assert [limiter.take("a", now=100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("a", now=100.0) == pytest.approx(0.5)  # half a second to one token
    assert limiter.take("b", now=100.0) == 0.0  # another key has its own bucket
    assert limiter.take("a", now=100.5) == 0.0
    assert limiter.take("a", now=100.5) > 0
    # An idle bucket fills up to the burst, never beyond.
    assert [limiter.take("a", now=200.0) for _ in range(4)][-1] > 0


def test_a_disabled_limiter_refuses_nothing() -> None:
    limiter = Limiter(rate=1.0, burst=1, enabled=False)
    assert all(limiter.take("a", now=1.0) == 0.0 for _ in range(100))


def test_a_busy_till_never_meets_the_default_budget() -> None:
    """A clerk searching on every pause in typing (the bench's tills: a request every 0 to 1 s)
    and typing fast (ten searches 0.1 s apart every minute) for eight hours."""
    default = {name: field.default for name, field in Settings.model_fields.items()}
    limiter = Limiter(default["client_rate_limit_per_second"], default["client_rate_limit_burst"])
    now = 0.0
    refused = 0
    for second in range(8 * 3600):
        now = float(second)
        for _ in range(2):
            refused += limiter.take("till", now=now) > 0
        if second % 60 == 0:
            for step in range(10):
                refused += limiter.take("till", now=now + step * 0.1) > 0
    assert refused == 0


def test_buckets_idle_long_enough_to_be_full_are_dropped() -> None:
    limiter = Limiter(rate=1000.0, burst=10)
    for n in range(ratelimit.SWEEP_EVERY - 1):
        limiter.take(n, now=0.0)
    assert len(limiter.buckets) == ratelimit.SWEEP_EVERY - 1
    limiter.take("late", now=1.0)  # the others were full again after 0.01 s: swept
    assert list(limiter.buckets) == ["late"]


async def test_a_principal_over_its_budget_gets_429_and_others_do_not(
    client: httpx.AsyncClient, owner, make_actor, limits: None
) -> None:
    ratelimit.set_limiters(Limiter(rate=0.5, burst=3), None)
    clerk = await make_actor("clerk")
    for _ in range(3):
        r = await client.get(f"{API}/customers", headers=owner.headers)
        assert r.status_code == 200, r.text
    started = time.monotonic()
    refused = await client.get(f"{API}/customers", headers=owner.headers)
    assert refused.status_code == 429
    # Held before it is answered: a client that ignores Retry-After gets one a second.
    assert time.monotonic() - started >= ratelimit.HOLD_SECONDS * 0.95
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"] == "2"  # one token back in 2 s
    problem = refused.json()
    assert problem["type"] == "rate-limited"
    assert problem["retry_after"] == 2
    # Another principal's budget is its own.
    assert (await client.get(f"{API}/customers", headers=clerk.headers)).status_code == 200
    # A write is refused the same way, and nothing is written.
    r = await client.post(f"{API}/customers", json={"name": "Ana"}, headers=owner.headers)
    assert r.status_code == 429
    listed = await client.get(f"{API}/customers", headers=clerk.headers)
    assert listed.json()["items"] == []
    # The budget refills at its rate.
    await asyncio.sleep(1.1)
    assert (await client.get(f"{API}/customers", headers=owner.headers)).status_code == 200


async def test_a_forged_token_is_401_not_a_budget(
    client: httpx.AsyncClient, owner, limits: None
) -> None:
    """The bucket is keyed on a verified subject: forged tokens take nobody's budget."""
    ratelimit.set_limiters(Limiter(rate=1.0, burst=1), None)
    for _ in range(3):
        r = await client.get(f"{API}/customers", headers={"Authorization": "Bearer forged"})
        assert r.status_code == 401
    assert (await client.get(f"{API}/customers", headers=owner.headers)).status_code == 200


async def test_the_token_endpoint_has_a_budget_per_address(
    client: httpx.AsyncClient, owner, app, limits: None
) -> None:
    ratelimit.set_limiters(None, Limiter(rate=0.01, burst=2))  # hashing is slow
    good = {"grant_type": "password", "username": "owner", "password": TEST_PASSWORD}
    for _ in range(2):
        assert (await client.post(TOKEN, data=good)).status_code == 200
    refused = await client.post(TOKEN, data=good)
    assert refused.status_code == 429
    assert refused.json()["type"] == "rate-limited"
    assert int(refused.headers["retry-after"]) >= 1
    # Another address is not refused.
    transport = httpx.ASGITransport(app=app, client=("10.0.0.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        assert (await other.post(TOKEN, data=good)).status_code == 200


async def test_every_secured_operation_documents_429_with_retry_after(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get(f"{API}/openapi.json")).json()
    secured = [
        (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if operation.get("security") is None or operation.get("security")
    ]
    assert secured
    for path, method, operation in secured:
        if not path.startswith(API):
            continue
        response = operation["responses"].get("429")
        assert response is not None, (method, path)
        assert "Retry-After" in response["headers"], (method, path)
        example = response["content"]["application/problem+json"]["example"]
        assert example["type"] == "rate-limited"
