"""GET /cheques: the cheques to deposit by a date, by store, oldest first; what was returned in
a period; keyset pages. (Business clock pinned at 2026-03-10.)"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from custledger.kit.pagination import encode_cursor
from tests.payments.support import API, CHEQUE, make_customer, paid, stepped


async def cheque(client, actor, customer_id, predated: str, number: str, **fields) -> int:
    body = {
        "method": "CHEQUE",
        "amount": "10.00",
        "received_on": "2026-03-01",
        "cheque": {**CHEQUE, "predated_to": predated, "cheque_number": number},
        **fields,
    }
    return int((await paid(client, actor, customer_id, **body))["id"])


async def listed(client, actor, **params: Any) -> list[dict[str, Any]]:
    r = await client.get(f"{API}/cheques", params=params, headers=actor.headers)
    assert r.status_code == 200, r.text
    assert r.json()["next_cursor"] is None
    return r.json()["items"]


async def test_the_cheques_to_deposit_by_a_date_oldest_first(client, manager, session):
    ana = await make_customer(session, "Ana")
    bia = await make_customer(session, "Bia")
    later = await cheque(client, manager, ana, "2026-03-08", "1")
    due = await cheque(client, manager, bia, "2026-03-02", "2")
    future = await cheque(client, manager, ana, "2026-04-01", "3")
    same_day = await cheque(client, manager, bia, "2026-03-08", "4")
    deposited = await cheque(client, manager, ana, "2026-03-01", "5")
    await stepped(client, manager, deposited, "deposit")
    await paid(client, manager, ana, method="PIX", received_on="2026-03-10")  # not a cheque

    items = await listed(client, manager, status="held", predated_to_before="2026-03-10")
    assert [i["payment_id"] for i in items] == [due, later, same_day]
    first = items[0]
    assert first["customer"]["name"] == "Bia"
    assert first["amount"] == "10.00"
    assert first["received_on"] == "2026-03-01"
    assert first["cheque"]["predated_to"] == "2026-03-02"
    assert first["cheque"]["status"] == "held"
    # The bound is inclusive; without filters every cheque, oldest pre-dated first.
    assert [
        i["payment_id"] for i in await listed(client, manager, predated_to_before="2026-03-02")
    ] == [
        deposited,
        due,
    ]
    assert [i["payment_id"] for i in await listed(client, manager)] == [
        deposited,
        due,
        later,
        same_day,
        future,
    ]
    assert [i["payment_id"] for i in await listed(client, manager, status="deposited")] == [
        deposited
    ]
    assert [i["payment_id"] for i in await listed(client, manager, customer_id=bia)] == [
        due,
        same_day,
    ]


async def test_the_cheques_of_a_store(client, owner, manager, make_actor, session):
    r = await client.post(
        f"{API}/stores", json={"code": "NORTE", "name": "Loja Norte"}, headers=owner.headers
    )
    assert r.status_code == 201, r.text
    north = r.json()["id"]
    north_manager = await make_actor("manager", store_id=north)
    r = await client.post(f"{API}/customers", json={"name": "Nora"}, headers=north_manager.headers)
    assert r.status_code == 201, r.text
    nora = r.json()["id"]
    main = await make_customer(session, "Ana")
    in_main = await cheque(client, manager, main, "2026-03-02", "1")
    in_north = await cheque(client, north_manager, nora, "2026-03-03", "2")

    assert [i["payment_id"] for i in await listed(client, manager, store_id=north)] == [in_north]
    main_items = await listed(client, manager, store_id=manager.store_id)
    assert [i["payment_id"] for i in main_items] == [in_main]
    assert main_items[0]["store_id"] == manager.store_id


async def test_what_was_returned_in_a_period(client, manager, session):
    ana = await make_customer(session, "Ana")
    kept = await cheque(client, manager, ana, "2026-03-02", "1")
    february = await cheque(client, manager, ana, "2026-02-10", "2", received_on="2026-02-10")
    march = await cheque(client, manager, ana, "2026-02-11", "3", received_on="2026-02-11")
    await stepped(client, manager, kept, "deposit")
    for payment_id, deposit_on, return_on in (
        (february, "2026-02-12", "2026-02-27"),
        (march, "2026-02-12", "2026-03-04"),
    ):
        await stepped(client, manager, payment_id, "deposit", on=date.fromisoformat(deposit_on))
        await stepped(client, manager, payment_id, "return", on=date.fromisoformat(return_on))

    in_march = await listed(
        client, manager, status="returned", returned_from="2026-03-01", returned_to="2026-03-31"
    )
    assert [i["payment_id"] for i in in_march] == [march]
    assert in_march[0]["cheque"]["returned_on"] == "2026-03-04"
    everything_returned = await listed(client, manager, status="returned")
    assert [i["payment_id"] for i in everything_returned] == [february, march]
    assert [i["payment_id"] for i in await listed(client, manager, returned_to="2026-02-28")] == [
        february
    ]


async def test_pages_follow_the_keyset_without_gaps_or_repeats(client, manager, session):
    ana = await make_customer(session, "Ana")
    ids = []
    for n, day in enumerate(["03", "01", "02", "02", "01", "03", "02"]):
        ids.append((f"2026-03-{day}", await cheque(client, manager, ana, f"2026-03-{day}", str(n))))
    expected = [payment_id for _day, payment_id in sorted(ids)]

    seen, cursor = [], None
    for _ in range(10):
        params: dict[str, Any] = {"limit": 2}
        if cursor is not None:
            params["cursor"] = cursor
        r = await client.get(f"{API}/cheques", params=params, headers=manager.headers)
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= 2
        seen += [i["payment_id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == expected


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 201},
        {"status": "bounced"},
        {"predated_to_before": "10/03/2026"},
        {"cursor": "not-a-cursor"},
        {"cursor": encode_cursor("cheques", ["2026-03-01", 2**63])},
        {"cursor": encode_cursor("cheques", ["March", 1])},
        {"cursor": encode_cursor("payments", [1])},
        {"store_id": 0},
        {"returned_from": "2026-03-10", "returned_to": "2026-03-01"},
    ],
)
async def test_bad_filters_are_a_422_problem(client, manager, params):
    r = await client.get(f"{API}/cheques", params=params, headers=manager.headers)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"


async def test_listing_cheques_needs_payments_read(client, make_actor):
    outsider = await make_actor("clerk", permissions=["customers:read"])
    r = await client.get(f"{API}/cheques", headers=outsider.headers)
    assert r.status_code == 403
    assert r.json()["permission"] == "payments:read"
