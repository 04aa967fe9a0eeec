"""The Payments tab: newest first, 20 a page with a cursor, status filter, recorder and cheque."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from custledger.payments.models import Payment
from tests.payments.support import API, CHEQUE, HELD, TODAY, make_customer, paid


def url(customer_id: int) -> str:
    return f"{API}/customers/{customer_id}/payments"


async def insert_payments(session, customer_id: int, recorder_id: int, count: int) -> None:
    """``count`` pending payments arranged in one statement (amounts 1.00, 2.00, ...)."""
    await session.execute(
        insert(Payment),
        [
            {
                "customer_id": customer_id,
                "recorded_by_id": recorder_id,
                "method": "BOLETO",
                "amount": (n + 1) * 100,
                "due_date": TODAY,
                "version": 1,
            }
            for n in range(count)
        ],
    )
    await session.commit()


async def test_pages_of_20_newest_first_across_every_payment_once(client, clerk, session):
    customer_id = await make_customer(session)
    other_id = await make_customer(session, "Someone Else")
    await insert_payments(session, customer_id, clerk.id, 45)
    await insert_payments(session, other_id, clerk.id, 3)
    seen: list[int] = []
    sizes = []
    cursor = None
    while True:
        params = {"cursor": cursor} if cursor else {}
        r = await client.get(url(customer_id), params=params, headers=clerk.headers)
        assert r.status_code == 200, r.text
        page = r.json()
        sizes.append(len(page["items"]))
        seen += [p["id"] for p in page["items"]]
        assert all(p["customer_id"] == customer_id for p in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sizes == [20, 20, 5]
    assert len(seen) == len(set(seen)) == 45
    assert seen == sorted(seen, reverse=True)


async def test_a_page_ends_without_a_cursor_when_nothing_is_left(client, clerk, session):
    customer_id = await make_customer(session)
    await insert_payments(session, customer_id, clerk.id, 20)
    r = await client.get(url(customer_id), headers=clerk.headers)
    assert len(r.json()["items"]) == 20
    assert r.json()["next_cursor"] is None


async def test_limit_is_bounded(client, clerk, session):
    customer_id = await make_customer(session)
    await insert_payments(session, customer_id, clerk.id, 5)
    r = await client.get(url(customer_id), params={"limit": 2}, headers=clerk.headers)
    assert len(r.json()["items"]) == 2
    assert r.json()["next_cursor"] is not None
    assert (
        await client.get(url(customer_id), params={"limit": 100}, headers=clerk.headers)
    ).status_code == 200
    for bad in (101, 0, -1, "x"):
        r = await client.get(url(customer_id), params={"limit": bad}, headers=clerk.headers)
        assert r.status_code == 422, bad


@pytest.mark.parametrize("cursor", ["garbage", "eyJhIjoxfQ", "WyJjdXN0b21lcnMiLDFd"])
async def test_a_foreign_or_broken_cursor_is_422(client, clerk, session, cursor):
    customer_id = await make_customer(session)
    r = await client.get(url(customer_id), params={"cursor": cursor}, headers=clerk.headers)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "cursor"


async def test_status_filter_received_and_pending(client, clerk, session):
    customer_id = await make_customer(session)
    received = await paid(client, clerk, customer_id, received_on=TODAY.isoformat())
    pending = await paid(client, clerk, customer_id, method="BOLETO")

    async def ids(status: str | None) -> list[int]:
        params = {"status": status} if status else {}
        r = await client.get(url(customer_id), params=params, headers=clerk.headers)
        assert r.status_code == 200
        return [p["id"] for p in r.json()["items"]]

    assert await ids(None) == [pending["id"], received["id"]]
    assert await ids("all") == [pending["id"], received["id"]]
    assert await ids("received") == [received["id"]]
    assert await ids("pending") == [pending["id"]]
    r = await client.get(url(customer_id), params={"status": "paid"}, headers=clerk.headers)
    assert r.status_code == 422


async def test_rows_carry_the_recorders_name_and_the_cheque(client, clerk, pos, session):
    customer_id = await make_customer(session)
    await paid(client, clerk, customer_id, method="CHEQUE", cheque=CHEQUE)
    await paid(client, pos, customer_id, method="CARD")
    r = await client.get(url(customer_id), headers=clerk.headers)
    card, cheque = r.json()["items"]
    assert card["recorded_by"] == {"id": pos.id, "name": "pos"}
    assert card["cheque"] is None
    assert cheque["recorded_by"] == {"id": clerk.id, "name": "clerk"}
    assert cheque["cheque"] == {**CHEQUE, "issuer_tax_id": "12345678909", **HELD}
    assert set(cheque) >= {
        "id",
        "order_number",
        "recorded_by",
        "method",
        "amount",
        "due_date",
        "received_on",
        "details",
        "cheque",
    }


async def test_listing_an_unknown_customer_is_404(client, clerk):
    r = await client.get(url(999_999), headers=clerk.headers)
    assert r.status_code == 404
    assert r.json()["type"] == "customer-not-found"


async def test_listing_needs_payments_read(client, make_actor, session):
    customer_id = await make_customer(session)
    nobody = await make_actor("clerk", permissions=["customers:read"])
    assert (await client.get(url(customer_id), headers=nobody.headers)).status_code == 403
    assert (await client.get(url(customer_id))).status_code == 401
