"""OpenAPI links: how the id a create answers feeds the operations on that record.

They tell a client (and a stateful fuzzer) that the `id` of a created customer is the
`customer_id` of its read, edit, delete, payments, orders, sales and merge, and so on for payments
and orders; a sale at the till answers its order, its payments and its customer, each feeding the
operations on them. Added to the generated document once, from one table, so routers stay as
they are.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

CUSTOMER_ID = {"customer_id": "$response.body#/id"}
_CUSTOMER_OPERATIONS = (
    "customers-get",
    "customers-update",
    "customers-delete",
    "customers-audit",
    "statement-get",
    "payments-list",
    "payments-create",
    "payments-cheque-batch",
    "customers-purchases",
    "customers-report",
)
_PAYMENT_OPERATIONS = ("payments-get", "payments-update", "payments-delete")
_ORDER_OPERATIONS = ("orders-get", "orders-deliver", "orders-cancel", "orders-consume")
# What a sale changed about its customer: the record, the statement, payments, purchases.
_SALE_CUSTOMER_OPERATIONS = (
    "customers-get",
    "statement-get",
    "payments-list",
    "customers-purchases",
    "customers-report",
)

# (operationId, status) -> {link name: link object}
LINKS: dict[tuple[str, str], dict[str, dict[str, Any]]] = {
    ("customers-create", "201"): {
        **{
            operation: {"operationId": operation, "parameters": CUSTOMER_ID}
            for operation in _CUSTOMER_OPERATIONS
        },
        # The new customer as the duplicate merged into another one.
        "customers-merge-preview": {
            "operationId": "customers-merge-preview",
            "parameters": {"source_id": "$response.body#/id"},
        },
        "customers-merge": {
            "operationId": "customers-merge",
            "requestBody": {"source_id": "$response.body#/id"},
        },
        # A sale at the till for the new customer, paid in cash and delivered now.
        "sales-create": {
            "operationId": "sales-create",
            "requestBody": {
                "customer_id": "$response.body#/id",
                "total": "10.00",
                "delivery": "now",
                "payments": [{"method": "CASH", "amount": "10.00"}],
            },
        },
        # A cash order for the new customer.
        "orders-create": {
            "operationId": "orders-create",
            "requestBody": {
                "customer_id": "$response.body#/id",
                "kind": "order",
                "delivery_type": "partial",
                "total": "10.00",
                "payment_terms": "cash",
            },
        },
    },
    ("customers-get", "200"): {
        "customers-update": {
            "operationId": "customers-update",
            "parameters": {**CUSTOMER_ID, "If-Match": "$response.header.ETag"},
        },
        "customers-delete": {
            "operationId": "customers-delete",
            "parameters": {**CUSTOMER_ID, "If-Match": "$response.header.ETag"},
        },
    },
    ("payments-create", "201"): {
        operation: {"operationId": operation, "parameters": {"payment_id": "$response.body#/id"}}
        for operation in _PAYMENT_OPERATIONS
    },
    ("payments-cheque-batch", "201"): {
        operation: {
            "operationId": operation,
            "parameters": {"payment_id": "$response.body#/items/0/id"},
        }
        for operation in _PAYMENT_OPERATIONS
    },
    ("orders-create", "201"): {
        operation: {"operationId": operation, "parameters": {"order_id": "$response.body#/id"}}
        for operation in _ORDER_OPERATIONS
    },
    # A sale: its order, its first payment (a sale wholly on credit has none: the link is then
    # not followed) and its customer.
    ("sales-create", "201"): {
        **{
            f"order-{operation}": {
                "operationId": operation,
                "parameters": {"order_id": "$response.body#/order/id"},
            }
            for operation in _ORDER_OPERATIONS
        },
        **{
            f"payment-{operation}": {
                "operationId": operation,
                "parameters": {"payment_id": "$response.body#/payments/0/id"},
            }
            for operation in _PAYMENT_OPERATIONS
        },
        **{
            f"customer-{operation}": {
                "operationId": operation,
                "parameters": {"customer_id": "$response.body#/customer/id"},
            }
            for operation in _SALE_CUSTOMER_OPERATIONS
        },
    },
}


def add_links(document: dict[str, Any]) -> None:
    """Put ``LINKS`` into the responses of a generated OpenAPI document (in place)."""
    for methods in document.get("paths", {}).values():
        for operation in methods.values():
            for status, response in operation.get("responses", {}).items():
                links = LINKS.get((operation.get("operationId", ""), status))
                if links:
                    response["links"] = links


def install_links(app: FastAPI) -> None:
    """The app's document carries ``LINKS`` (built once, like the document itself)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            add_links(generate())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
