"""The OpenAPI links: each names an operation of the document and only its parameters."""

from __future__ import annotations

import httpx

from custledger.kit.links import LINKS
from tests.conftest import Actor


async def test_every_link_names_a_real_operation_and_its_parameters(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()
    operations = {
        operation["operationId"]: operation
        for methods in document["paths"].values()
        for operation in methods.values()
    }
    found = 0
    for (source, status), links in LINKS.items():
        response = operations[source]["responses"][status]
        assert response["links"] == links
        for link in links.values():
            target = operations[link["operationId"]]
            names = {p["name"] for p in target.get("parameters", [])}
            assert set(link.get("parameters", {})) <= names, (source, link)
            if "requestBody" in link:
                assert "requestBody" in target, (source, link)
            found += 1
    assert found >= 20
    # A created customer leads to payments, orders and merges; a payment and an order onwards.
    created = operations["customers-create"]["responses"]["201"]["links"]
    assert {"customers-get", "payments-create", "orders-create", "customers-merge"} <= set(created)
    assert "payments-delete" in operations["payments-create"]["responses"]["201"]["links"]
    assert "orders-deliver" in operations["orders-create"]["responses"]["201"]["links"]


def _resolve(expression: object, body: object) -> object:
    """A link's `$response.body#/pointer` (inside a request body too) against ``body``."""
    if isinstance(expression, dict):
        return {key: _resolve(value, body) for key, value in expression.items()}
    if isinstance(expression, list):
        return [_resolve(value, body) for value in expression]
    if isinstance(expression, str) and expression.startswith("$response.body#/"):
        target = body
        for segment in expression.removeprefix("$response.body#/").split("/"):
            target = target[int(segment)] if isinstance(target, list) else target[segment]  # type: ignore[index]
        return target
    return expression


async def test_the_links_of_a_sale_lead_to_its_order_payment_and_customer(
    client: httpx.AsyncClient, owner: Actor
) -> None:
    """Followed for real: a created customer -> a sale for it (the link's own body) -> the
    sale's order, first payment and customer, each read back as the sale answered them."""
    document = (await client.get("/api/v1/openapi.json")).json()
    paths = {
        operation["operationId"]: (path, method)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    r = await client.post("/api/v1/customers", json={"name": "Ana"}, headers=owner.headers)
    assert r.status_code == 201, r.text
    customer = r.json()
    link = LINKS[("customers-create", "201")]["sales-create"]
    r = await client.post(
        "/api/v1/sales", json=_resolve(link["requestBody"], customer), headers=owner.headers
    )
    assert r.status_code == 201, r.text
    sale = r.json()
    followed = {}
    for name, link in LINKS[("sales-create", "201")].items():
        path, method = paths[link["operationId"]]
        if method != "get":
            continue
        for parameter, value in _resolve(link["parameters"], sale).items():  # type: ignore[union-attr]
            path = path.replace("{" + parameter + "}", str(value))
        r = await client.get(path, headers=owner.headers)
        assert r.status_code == 200, (name, path, r.text)
        followed[name] = r.json()
    assert followed["order-orders-get"]["id"] == sale["order"]["id"]
    assert followed["payment-payments-get"]["id"] == sale["payments"][0]["id"]
    assert followed["customer-customers-get"]["id"] == customer["id"]
    assert followed["customer-payments-list"]["items"][0]["id"] == sale["payments"][0]["id"]
