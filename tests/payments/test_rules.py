"""The payment rules (DESIGN "Payments"), through HTTP, for each principal kind.

privileged = sales:manage or owner (the owner and manager roles; not clerks or POS terminals).
1. received date after today → 422 for everyone;
2. received date before today, on create or edit → 403 without privilege;
3. without privilege, edit/delete only one's own payment received today, later, or pending.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from custledger.kit import clock
from tests.payments.conftest import PRIVILEGED
from tests.payments.support import (
    API,
    LATE_EVENING,
    NOON,
    TODAY,
    TOMORROW,
    YESTERDAY,
    make_customer,
    paid,
    pay,
    payment_count,
    stored_balance,
)


def privileged(actor) -> bool:
    return actor.role in PRIVILEGED


async def patch(client, actor, payment_id, **fields):
    return await client.patch(f"{API}/payments/{payment_id}", json=fields, headers=actor.headers)


async def delete(client, actor, payment_id):
    return await client.delete(f"{API}/payments/{payment_id}", headers=actor.headers)


async def stored_payment(client, owner, payment_id):
    r = await client.get(f"{API}/payments/{payment_id}", headers=owner.headers)
    return r.json() if r.status_code == 200 else None


async def recorded_yesterday(client, actor, customer_id, **fields):
    """A payment ``actor`` recorded yesterday as received that day (not backdated then)."""
    with clock.pinned(NOON - timedelta(days=1)):
        return await paid(client, actor, customer_id, received_on=YESTERDAY.isoformat(), **fields)


# --- rule 1: never after today -------------------------------------------------------------


async def test_received_date_after_today_is_refused_for_everyone(
    client, anyone, session, ledger_consistent
):
    customer_id = await make_customer(session)
    r = await pay(client, anyone, customer_id, received_on=TOMORROW.isoformat())
    assert r.status_code == 422
    problem = r.json()
    assert problem["type"] == "received-date-in-future"
    assert [e["field"] for e in problem["errors"]] == ["received_on"]
    assert await payment_count(session) == 0
    assert await stored_balance(session, customer_id) == 0
    await ledger_consistent()


async def test_received_date_after_today_is_refused_on_edit_for_everyone(
    client, anyone, session, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await paid(client, anyone, customer_id, method="BOLETO")
    r = await patch(client, anyone, payment["id"], received_on=TOMORROW.isoformat())
    assert r.status_code == 422
    assert r.json()["type"] == "received-date-in-future"
    assert (await stored_payment(client, anyone, payment["id"]))["received_on"] is None
    assert await stored_balance(session, customer_id) == 0
    await ledger_consistent()


# --- rule 2: backdating needs privilege ----------------------------------------------------


async def test_receiving_today_is_allowed_for_everyone(client, anyone, session, ledger_consistent):
    customer_id = await make_customer(session)
    r = await pay(client, anyone, customer_id, received_on=TODAY.isoformat(), amount="30.00")
    assert r.status_code == 201, r.text
    assert await stored_balance(session, customer_id) == 3000
    await ledger_consistent()


async def test_backdating_on_create_needs_sales_manage_or_owner(
    client, anyone, session, ledger_consistent
):
    customer_id = await make_customer(session)
    r = await pay(client, anyone, customer_id, received_on=YESTERDAY.isoformat(), amount="30.00")
    if privileged(anyone):
        assert r.status_code == 201, r.text
        assert r.json()["received_on"] == YESTERDAY.isoformat()
        assert await stored_balance(session, customer_id) == 3000
    else:
        assert r.status_code == 403
        problem = r.json()
        assert problem["type"] == "backdating-not-allowed"
        assert [e["field"] for e in problem["errors"]] == ["received_on"]
        assert await payment_count(session) == 0
        assert await stored_balance(session, customer_id) == 0
    await ledger_consistent()


async def test_backdating_on_edit_needs_sales_manage_or_owner(
    client, anyone, session, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await paid(client, anyone, customer_id, method="BOLETO", amount="30.00")
    r = await patch(client, anyone, payment["id"], received_on=YESTERDAY.isoformat())
    if privileged(anyone):
        assert r.status_code == 200, r.text
        assert r.json()["received_on"] == YESTERDAY.isoformat()
        assert await stored_balance(session, customer_id) == 3000
    else:
        assert r.status_code == 403
        assert r.json()["type"] == "backdating-not-allowed"
        assert (await stored_payment(client, anyone, payment["id"]))["received_on"] is None
        assert await stored_balance(session, customer_id) == 0
    await ledger_consistent()


async def test_moving_a_todays_receipt_back_a_day_is_backdating(
    client, anyone, session, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await paid(client, anyone, customer_id, received_on=TODAY.isoformat())
    r = await patch(client, anyone, payment["id"], received_on=YESTERDAY.isoformat())
    expected = 200 if privileged(anyone) else 403
    assert r.status_code == expected, r.text
    if not privileged(anyone):
        assert r.json()["type"] == "backdating-not-allowed"
    await ledger_consistent()


# --- rule 3: who may edit or delete what ----------------------------------------------------


async def test_anyone_may_edit_their_own_payment_received_today(
    client, anyone, session, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await paid(client, anyone, customer_id, received_on=TODAY.isoformat())
    r = await patch(client, anyone, payment["id"], amount="150.00", details="corrected")
    assert r.status_code == 200, r.text
    assert r.json()["amount"] == "150.00"
    assert await stored_balance(session, customer_id) == 15000
    await ledger_consistent()


async def test_anyone_may_edit_and_receive_their_own_pending_payment(
    client, anyone, session, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await paid(client, anyone, customer_id, method="BOLETO", amount="40.00")
    r = await patch(client, anyone, payment["id"], received_on=TODAY.isoformat())
    assert r.status_code == 200, r.text
    assert await stored_balance(session, customer_id) == 4000
    await ledger_consistent()


async def test_anyone_may_delete_their_own_payment_received_today(
    client, anyone, session, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await paid(client, anyone, customer_id, received_on=TODAY.isoformat())
    r = await delete(client, anyone, payment["id"])
    assert r.status_code == 204
    assert await payment_count(session) == 0
    assert await stored_balance(session, customer_id) == 0
    await ledger_consistent()


async def test_editing_another_principals_payment_needs_sales_manage_or_owner(
    client, anyone, make_actor, session, ledger_consistent
):
    other = await make_actor("clerk", name="other-clerk")
    customer_id = await make_customer(session)
    payment = await paid(client, other, customer_id, received_on=TODAY.isoformat())
    r = await patch(client, anyone, payment["id"], amount="1.00")
    if privileged(anyone):
        assert r.status_code == 200, r.text
        assert await stored_balance(session, customer_id) == 100
    else:
        assert r.status_code == 403
        assert r.json()["type"] == "payment-not-editable"
        assert await stored_balance(session, customer_id) == 10000
        assert (await stored_payment(client, other, payment["id"]))["amount"] == "100.00"
    await ledger_consistent()


async def test_deleting_another_principals_payment_needs_sales_manage_or_owner(
    client, anyone, make_actor, session, ledger_consistent
):
    other = await make_actor("pos-terminal", name="other-pos")
    customer_id = await make_customer(session)
    payment = await paid(client, other, customer_id, received_on=TODAY.isoformat())
    r = await delete(client, anyone, payment["id"])
    if privileged(anyone):
        assert r.status_code == 204
        assert await payment_count(session) == 0
        assert await stored_balance(session, customer_id) == 0
    else:
        assert r.status_code == 403
        assert r.json()["type"] == "payment-not-editable"
        assert await payment_count(session) == 1
        assert await stored_balance(session, customer_id) == 10000
    await ledger_consistent()


async def test_another_principals_pending_payment_is_not_editable_without_privilege(
    client, anyone, make_actor, session
):
    other = await make_actor("clerk", name="other-clerk")
    customer_id = await make_customer(session)
    payment = await paid(client, other, customer_id, method="BOLETO")
    r = await patch(client, anyone, payment["id"], details="mine now")
    assert r.status_code == (200 if privileged(anyone) else 403)


async def test_editing_own_payment_received_before_today_needs_sales_manage_or_owner(
    client, anyone, session, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await recorded_yesterday(client, anyone, customer_id)
    r = await patch(client, anyone, payment["id"], amount="70.00")
    if privileged(anyone):
        assert r.status_code == 200, r.text
        assert await stored_balance(session, customer_id) == 7000
    else:
        assert r.status_code == 403
        assert r.json()["type"] == "payment-not-editable"
        assert await stored_balance(session, customer_id) == 10000
    await ledger_consistent()


async def test_clearing_the_received_date_of_a_past_receipt_needs_privilege(
    client, anyone, session, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await recorded_yesterday(client, anyone, customer_id)
    r = await patch(client, anyone, payment["id"], received_on=None)
    if privileged(anyone):
        assert r.status_code == 200, r.text
        assert r.json()["received_on"] is None
        assert await stored_balance(session, customer_id) == 0
    else:
        assert r.status_code == 403
        assert r.json()["type"] == "payment-not-editable"
        assert await stored_balance(session, customer_id) == 10000
    await ledger_consistent()


async def test_deleting_own_payment_received_before_today_needs_sales_manage_or_owner(
    client, anyone, session, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await recorded_yesterday(client, anyone, customer_id)
    r = await delete(client, anyone, payment["id"])
    if privileged(anyone):
        assert r.status_code == 204
        assert await payment_count(session) == 0
    else:
        assert r.status_code == 403
        assert r.json()["type"] == "payment-not-editable"
        assert await payment_count(session) == 1
    await ledger_consistent()


async def test_a_clerk_cannot_touch_a_managers_backdated_payment(
    client, clerk, manager, session, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await paid(client, manager, customer_id, received_on="2026-02-01")
    assert (await patch(client, clerk, payment["id"], details="x")).status_code == 403
    assert (await delete(client, clerk, payment["id"])).status_code == 403
    assert (await patch(client, manager, payment["id"], details="x")).status_code == 200
    await ledger_consistent()


async def test_one_pos_terminal_cannot_edit_another_terminals_payment(client, make_actor, session):
    first = await make_actor("pos-terminal", name="pos-1")
    second = await make_actor("pos-terminal", name="pos-2")
    customer_id = await make_customer(session)
    payment = await paid(client, first, customer_id, received_on=TODAY.isoformat())
    r = await patch(client, second, payment["id"], amount="5.00")
    assert r.status_code == 403
    assert r.json()["type"] == "payment-not-editable"
    assert (await patch(client, first, payment["id"], amount="5.00")).status_code == 200


async def test_editing_or_deleting_a_missing_payment_is_404(client, owner):
    r = await patch(client, owner, 999_999, amount="1.00")
    assert r.status_code == 404
    assert r.json()["type"] == "payment-not-found"
    assert (await delete(client, owner, 999_999)).status_code == 404
    assert (await client.get(f"{API}/payments/999999", headers=owner.headers)).status_code == 404


async def test_editing_needs_payments_write(client, make_actor, owner, session):
    reader = await make_actor("clerk", permissions=["payments:read"])
    customer_id = await make_customer(session)
    payment = await paid(client, owner, customer_id)
    assert (await patch(client, reader, payment["id"], details="x")).status_code == 403
    assert (await delete(client, reader, payment["id"])).status_code == 403
    r = await client.patch(f"{API}/payments/{payment['id']}", json={"details": "x"})
    assert r.status_code == 401


# --- the time-zone edge: 23:30 in São Paulo is already tomorrow in UTC ------------------------


async def test_late_evening_in_sao_paulo_the_utc_date_is_still_in_the_future(
    client, anyone, session, ledger_consistent
):
    customer_id = await make_customer(session)
    with clock.pinned(LATE_EVENING):  # 2026-03-10 02:30 UTC = 2026-03-09 23:30 in São Paulo
        r = await pay(client, anyone, customer_id, received_on="2026-03-10")
        assert r.status_code == 422
        assert r.json()["type"] == "received-date-in-future"
        r = await pay(client, anyone, customer_id, received_on="2026-03-09")
        assert r.status_code == 201, r.text  # today in São Paulo: no privilege needed
        assert r.json()["due_date"] == "2026-03-09"
        pending = await paid(client, anyone, customer_id, method="BOLETO")
        assert pending["due_date"] == "2026-03-09"
    assert await stored_balance(session, customer_id) == 10000
    await ledger_consistent()


async def test_a_clerks_receipt_stops_being_editable_at_midnight_in_sao_paulo(
    client, clerk, session, ledger_consistent
):
    customer_id = await make_customer(session)
    with clock.pinned(LATE_EVENING):
        payment = await paid(client, clerk, customer_id, received_on="2026-03-09")
        r = await patch(client, clerk, payment["id"], amount="90.00")
        assert r.status_code == 200, r.text
    # 03:30 UTC = 00:30 on 2026-03-10 in São Paulo: the receipt is now in the past.
    with clock.pinned(datetime(2026, 3, 10, 3, 30, tzinfo=UTC)):
        r = await patch(client, clerk, payment["id"], amount="80.00")
        assert r.status_code == 403
        assert r.json()["type"] == "payment-not-editable"
    assert await stored_balance(session, customer_id) == 9000
    await ledger_consistent()


async def test_late_evening_backdating_is_judged_by_the_sao_paulo_date(client, clerk, session):
    customer_id = await make_customer(session)
    with clock.pinned(LATE_EVENING):
        r = await pay(client, clerk, customer_id, received_on="2026-03-08")
        assert r.status_code == 403
        assert r.json()["type"] == "backdating-not-allowed"
