"""The OpenAPI links: each names an operation of the document and only its parameters."""

from __future__ import annotations

import httpx

from custledger.kit.links import LINKS


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
