"""The OpenAPI document shows the till's additions: the sale, its fields and refusals, the
orders' new parameters and fields, and the cheque-duplicate problem."""

from __future__ import annotations

from typing import Any

import pytest

PROBLEM_JSON = "application/problem+json"


@pytest.fixture(scope="module")
def doc(app: Any) -> dict[str, Any]:
    return dict(app.openapi())


def examples_of(operation: dict[str, Any], status: str) -> set[str]:
    return set(operation["responses"][status]["content"][PROBLEM_JSON]["examples"])


def test_the_sale_is_documented_with_its_body_example_and_every_refusal(doc):
    operation = doc["paths"]["/api/v1/sales"]["post"]
    assert operation["operationId"] == "sales-create"
    body = doc["components"]["schemas"]["SaleCreate"]
    (example,) = body["examples"]
    assert set(example) >= {"customer_id", "total", "delivery", "payments", "on_credit"}
    assert examples_of(operation, "409") == {
        "credit-limit-exceeded",
        "customer-blocked",
        "customer-inactive",
        "no-credit",
        "cheque-duplicate",
        "external-ref-taken",
    }
    assert {"validation-error", "received-date-in-future"} <= examples_of(operation, "422")
    assert {"201", "401", "403", "404", "409", "422", "503"} <= set(operation["responses"])
    schema = doc["components"]["schemas"]["SaleCreate"]["properties"]
    for name in (
        "customer_id",
        "total",
        "external_ref",
        "delivery",
        "delivered_amount",
        "on_credit",
    ):
        text = str(schema[name])
        assert "examples" in text, name


def test_orders_name_their_customer_and_take_the_new_filters(doc):
    order = doc["components"]["schemas"]["OrderOut"]["properties"]
    assert order["customer"]["$ref"].endswith("/CustomerRef")
    assert "external_ref" in order
    ref = doc["components"]["schemas"]["CustomerRef"]["properties"]
    assert all("examples" in ref[name] for name in ("id", "number", "name"))
    parameters = {p["name"]: p for p in doc["paths"]["/api/v1/orders"]["get"]["parameters"]}
    for name in ("number", "external_ref"):
        assert parameters[name]["schema"]["examples"], name
    create = doc["paths"]["/api/v1/orders"]["post"]
    assert "external-ref-taken" in examples_of(create, "409")


def test_the_cheque_duplicate_is_documented_on_every_route_that_records_cheques(doc):
    single = doc["paths"]["/api/v1/customers/{customer_id}/payments"]["post"]
    batch = doc["paths"]["/api/v1/customers/{customer_id}/payments/cheque-batch"]["post"]
    assert "cheque-duplicate" in examples_of(single, "409")
    assert "cheque-duplicate" in examples_of(batch, "409")
    assert "validation-error" in examples_of(batch, "422")
