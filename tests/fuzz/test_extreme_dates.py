"""Dates at the ends of the calendar (year 1, year 9999) are a 4xx or a 200, never a 500.

Every date a client may send: each date query parameter of every GET of the document, and the
dates of bodies (an order placed, a delivery, a payment received and due, a cheque, the next
invoice date), after which every read of the customer, the reports and the exports are asked
with those extreme dates in their history. Found by `make fuzz` (the ageing report as of
0001-01-01 subtracted 90 days from the first day of the calendar).
"""

from __future__ import annotations

import re

import pytest

API = "/api/v1"
EXTREMES = ("0001-01-01", "0001-01-02", "9999-12-30", "9999-12-31")

pytestmark = pytest.mark.fuzz


def _date_queries(document: dict) -> list[tuple[str, str, list[str]]]:
    """(path, operationId, names of its date query parameters) of every GET."""
    found = []
    for path, methods in document["paths"].items():
        operation = methods.get("get")
        if operation is None:
            continue
        names = []
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            branches = schema.get("anyOf", [schema])
            if parameter["in"] == "query" and any(b.get("format") == "date" for b in branches):
                names.append(parameter["name"])
        found.append((path, operation["operationId"], names))
    return found


async def _history_at_the_ends_of_the_calendar(client, owner) -> int:
    """A customer whose orders, deliveries, payments and cheques are dated in year 1 (and,
    where the rules allow the future, in year 9999)."""
    h = owner.headers
    r = await client.post(
        f"{API}/customers", json={"name": "Ana", "credit_limit": "100000.00"}, headers=h
    )
    assert r.status_code == 201, r.text
    customer = r.json()["id"]
    for day in ("0001-01-01", "0001-01-02"):
        r = await client.post(
            f"{API}/orders",
            json={
                "customer_id": customer,
                "kind": "order",
                "delivery_type": "partial",
                "total": "100.00",
                "payment_terms": "credit",
                "placed_on": day,
            },
            headers=h,
        )
        assert r.status_code == 201, r.text
        r = await client.post(
            f"{API}/orders/{r.json()['id']}/deliveries",
            json={"amount": "60.00", "delivered_on": day},
            headers=h,
        )
        assert r.status_code == 201, r.text
    for body in (
        {
            "method": "CASH",
            "amount": "10.00",
            "received_on": "0001-01-01",
            "due_date": "0001-01-01",
        },
        {"method": "PIX", "amount": "20.00", "due_date": "0001-01-02"},
        {"method": "BOLETO", "amount": "30.00", "due_date": "9999-12-31"},
    ):
        r = await client.post(f"{API}/customers/{customer}/payments", json=body, headers=h)
        assert r.status_code == 201, (body, r.text)
    r = await client.post(
        f"{API}/customers/{customer}/payments/cheque-batch",
        json={
            "due_date": "9999-12-31",
            "cheques": [
                {
                    "amount": "5.00",
                    "predated_to": day,
                    "issuer_tax_id": "529.982.247-25",
                    "issuer_name": "Ana",
                    "bank": "001",
                    "branch": "1",
                    "account": "2",
                    "cheque_number": f"{n}",
                }
                for n, day in enumerate(("0001-01-01", "9999-12-31"))
            ],
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    for day in ("9999-12-31", "0001-01-01"):
        r = await client.patch(
            f"{API}/customers/{customer}", json={"next_invoice_date": day}, headers=h
        )
        assert r.status_code == 200, r.text
    return customer


async def test_every_date_at_the_ends_of_the_calendar_is_answered(client, owner) -> None:
    customer = await _history_at_the_ends_of_the_calendar(client, owner)
    document = (await client.get(f"{API}/openapi.json")).json()
    asked = 0
    for path, operation, names in _date_queries(document):
        url = path.replace("{customer_id}", str(customer))
        if re.search(r"\{[^}]+\}", url):
            continue  # a path of another record (a payment, an order, a tax id)
        queries = [{}] + [{name: day} for name in names for day in EXTREMES]
        if operation == "statement-export":
            queries += [{"format": "pdf", **query} for query in queries]
        for query in queries:
            r = await client.get(url, params=query, headers=owner.headers)
            assert r.status_code < 500, (operation, query, r.status_code, r.text[:300])
            if query:
                assert r.status_code in (200, 422), (operation, query, r.text[:300])
            asked += 1
    assert asked > 30


async def test_ageing_as_of_the_first_days_of_the_calendar(client, owner) -> None:
    """As of 0001-01-01 the delivery of that day is current and nothing is older; as of the
    next day it is one day old."""
    await _history_at_the_ends_of_the_calendar(client, owner)
    url = f"{API}/reports/receivables-ageing"
    r = await client.get(url, params={"as_of": "0001-01-01"}, headers=owner.headers)
    assert r.status_code == 200, r.text
    totals = r.json()["totals"]
    # 60.00 delivered, 10.00 received that day.
    assert (totals["current"], totals["days_1_30"], totals["total"]) == ("50.00", "0.00", "50.00")
    r = await client.get(url, params={"as_of": "0001-01-02"}, headers=owner.headers)
    totals = r.json()["totals"]
    assert (totals["current"], totals["days_1_30"], totals["total"]) == ("60.00", "50.00", "110.00")
    r = await client.get(
        url, params={"as_of": "0001-01-01", "format": "csv"}, headers=owner.headers
    )
    assert r.status_code == 200, r.text
    assert r.text.splitlines()[-1].endswith(",50.00,0.00,0.00,0.00,0.00,50.00")


async def test_every_date_query_takes_only_an_iso_date(client, owner) -> None:
    """`0`, `"0.0"` (a Unix timestamp to Pydantic) and a datetime are 422 on every date query of
    every GET: the document says `format: date`. Found by `make fuzz` on `GET /cheques`."""
    document = (await client.get(f"{API}/openapi.json")).json()
    asked = 0
    for path, operation, names in _date_queries(document):
        if re.search(r"\{[^}]+\}", path):
            continue
        for name in names:
            for value in ("0", "0.0", "2026-03-01T00:00:00"):
                r = await client.get(path, params={name: value}, headers=owner.headers)
                assert r.status_code == 422, (operation, name, value, r.status_code)
                asked += 1
    assert asked >= 9
