"""GET /metrics: Prometheus text, only when enabled and only to the allowed addresses."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from custledger.config import get_settings

API = "/api/v1"


@pytest.fixture
def metrics_app(database: object) -> Iterator[object]:
    """An app built with metrics enabled (the session's app has them off)."""
    from custledger.app import create_app

    os.environ["CUSTLEDGER_METRICS_ENABLED"] = "true"
    get_settings.cache_clear()
    try:
        yield create_app()
    finally:
        del os.environ["CUSTLEDGER_METRICS_ENABLED"]
        get_settings.cache_clear()


@pytest.fixture
async def mclient(metrics_app: object) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=metrics_app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    r = await client.get("/metrics")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(r.text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_are_not_served_unless_enabled(client: httpx.AsyncClient) -> None:
    r = await client.get("/metrics")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"


async def test_metrics_are_served_only_to_allowed_addresses(metrics_app: object) -> None:
    transport = httpx.ASGITransport(app=metrics_app, client=("10.1.2.3", 5000))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as outside:
        r = await outside.get("/metrics")
    assert r.status_code == 404
    assert "custledger_" not in r.text


async def test_requests_are_counted_by_route_template_and_status(
    mclient: httpx.AsyncClient, owner
) -> None:
    created = await mclient.post(f"{API}/customers", json={"name": "Ana"}, headers=owner.headers)
    assert created.status_code == 201, created.text
    route = f"{API}/customers/{{customer_id}}"
    before = await scrape(mclient)
    customer_id = created.json()["id"]
    for _ in range(3):
        r = await mclient.get(f"{API}/customers/{customer_id}", headers=owner.headers)
        assert r.status_code == 200
    assert (await mclient.get(f"{API}/customers/999999", headers=owner.headers)).status_code == 404
    assert (await mclient.get(f"{API}/no/such/path")).status_code == 404
    after = await scrape(mclient)
    key = "custledger_http_requests_total"
    assert (
        value(after, key, method="GET", route=route, status="200")
        - value(before, key, method="GET", route=route, status="200")
        == 3
    )
    assert (
        value(after, key, method="GET", route=route, status="404")
        - value(before, key, method="GET", route=route, status="404")
        == 1
    )
    # Never the raw path as a label.
    assert not any("999999" in dict(labels).get("route", "") for _, labels in after)
    assert value(after, key, method="GET", route="unmatched", status="404") >= 1
    count = "custledger_http_request_duration_seconds_count"
    assert (
        value(after, count, method="GET", route=route)
        - value(before, count, method="GET", route=route)
        == 4
    )
    assert ("custledger_db_pool_in_use", ()) in after
    assert ("custledger_db_pool_waiting", ()) in after


async def test_replays_credit_refusals_and_login_throttling_are_counted(
    mclient: httpx.AsyncClient, owner, make_actor
) -> None:
    pos = await make_actor("pos-terminal")
    created = await mclient.post(
        f"{API}/customers",
        json={"name": "Bruno", "credit_limit": "100.00"},
        headers=owner.headers,
    )
    assert created.status_code == 201, created.text
    customer_id = created.json()["id"]
    before = await scrape(mclient)

    payment = {"method": "CASH", "amount": "10.00"}
    headers = {**owner.headers, "Idempotency-Key": "metrics-replay-1"}
    for _ in range(2):
        r = await mclient.post(
            f"{API}/customers/{customer_id}/payments", json=payment, headers=headers
        )
        assert r.status_code == 201, r.text
    assert r.headers["idempotent-replayed"] == "true"

    sale = {
        "customer_id": customer_id,
        "kind": "order",
        "delivery_type": "partial",
        "total": "500.00",
        "payment_terms": "credit",
    }
    r = await mclient.post(f"{API}/orders", json=sale, headers=pos.headers)
    assert r.status_code == 409, r.text
    assert r.json()["type"] == "credit-limit-exceeded"

    bad = {"grant_type": "password", "username": "owner", "password": "wrong-password"}
    for _ in range(5):
        assert (await mclient.post(f"{API}/auth/token", data=bad)).status_code == 401
    assert (await mclient.post(f"{API}/auth/token", data=bad)).status_code == 429

    after = await scrape(mclient)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("custledger_idempotent_replays_total") == 1
    assert grew("custledger_credit_refusals_total", reason="credit-limit-exceeded") == 1
    assert grew("custledger_login_throttles_total") == 1
    assert grew("custledger_login_throttled_total") == 1
