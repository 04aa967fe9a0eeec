"""The OpenAPI document shows the cheque lifecycle: its routes with their permission, every
refusal with an example, every new field and parameter with an example."""

from __future__ import annotations

from typing import Any

import pytest

PROBLEM_JSON = "application/problem+json"


@pytest.fixture(scope="module")
def doc(app: Any) -> dict[str, Any]:
    return dict(app.openapi())


def examples_of(operation: dict[str, Any], status: str) -> set[str]:
    return set(operation["responses"][status]["content"][PROBLEM_JSON]["examples"])


@pytest.mark.parametrize("action", ["deposit", "clear", "return"])
def test_each_step_documents_its_refusals_with_examples(doc, action):
    operation = doc["paths"][f"/api/v1/cheques/{{payment_id}}/{action}"]["post"]
    assert operation["operationId"] == f"cheques-{action}"
    assert {"200", "401", "403", "404", "409", "412", "422", "503"} <= set(operation["responses"])
    assert {"payment-not-found"} <= examples_of(operation, "404")
    conflicts = {"not-a-cheque", "cheque-status-conflict"}
    if action == "return":
        conflicts |= {"cheque-not-received", "quick-sale-customer"}
    assert examples_of(operation, "409") == conflicts
    assert {"cheque-date-in-future", "cheque-date-too-early"} <= examples_of(operation, "422")
    parameters = {p["name"] for p in operation["parameters"]}
    assert {"payment_id", "If-Match", "Idempotency-Key"} <= parameters
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    schema = doc["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert schema["examples"] == [{"on": "2026-03-06", "reason": "alínea 11: insufficient funds"}]
    for name in ("on", "reason"):
        assert "examples" in str(schema["properties"][name]), name


def test_the_payment_edits_document_the_cheque_out_of_the_drawer(doc):
    payment = doc["paths"]["/api/v1/payments/{payment_id}"]
    assert "cheque-not-held" in examples_of(payment["patch"], "409")
    assert "cheque-not-held" in examples_of(payment["delete"], "409")


def test_the_list_documents_every_filter_with_an_example(doc):
    operation = doc["paths"]["/api/v1/cheques"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    for name in (
        "status",
        "predated_to_before",
        "store_id",
        "customer_id",
        "returned_from",
        "returned_to",
    ):
        assert parameters[name]["schema"].get("examples") or parameters[name].get("examples"), name
        assert parameters[name]["description"], name
    item = doc["components"]["schemas"]["ChequeListItem"]["properties"]
    for name in ("payment_id", "store_id", "received_on"):
        assert "examples" in str(item[name]), name


def test_every_lifecycle_field_of_a_cheque_is_described_with_an_example(doc):
    cheque = doc["components"]["schemas"]["ChequeOut"]["properties"]
    for name in (
        "status",
        "deposited_on",
        "deposited_by_id",
        "cleared_on",
        "cleared_by_id",
        "returned_on",
        "returned_by_id",
        "return_reason",
    ):
        assert cheque[name].get("description"), name
        assert "examples" in cheque[name], name
    statuses = str(cheque["status"])
    assert all(s in statuses for s in ("held", "deposited", "cleared", "returned"))


def test_the_statement_and_the_report_document_returned_cheques(doc):
    schemas = doc["components"]["schemas"]
    entry_type = str(schemas["StatementEntry"]["properties"]["type"])
    assert "returned_cheque" in entry_type
    page = schemas["StatementPage"]["properties"]
    assert "examples" in str(page["total_returned"])
    assert "RETURNED_CHEQUES" in str(schemas["ObservationCode"])
    assert "high" in str(schemas["ReportObservation"]["properties"]["severity"])
