"""The cheque lifecycle: held → deposited → cleared or returned, each step dated, by whom,
audited; every illegal step refused with nothing changed; a return debits the balance on its
date and keeps the payment. (Business clock pinned at 2026-03-10.)"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from tests.payments.support import (
    API,
    CHEQUE,
    TODAY,
    audit_entries,
    deliver,
    make_customer,
    paid,
    quick_sale_customer_id,
    step,
    stepped,
    stored_balance,
)

# A cheque received on 1 March, pre-dated to 3 March: depositable from the 3rd.
RECEIVED = date(2026, 3, 1)
PREDATED = date(2026, 3, 3)


async def cheque_payment(
    client: httpx.AsyncClient,
    actor: Any,
    customer_id: int,
    *,
    amount: str = "250.00",
    received_on: date | None = RECEIVED,
    number: str = "000101",
) -> dict[str, Any]:
    """A CHEQUE payment recorded by ``actor`` (backdated: a manager or owner)."""
    fields: dict[str, Any] = {
        "method": "CHEQUE",
        "amount": amount,
        "cheque": {**CHEQUE, "predated_to": PREDATED.isoformat(), "cheque_number": number},
    }
    if received_on is not None:
        fields["received_on"] = received_on.isoformat()
    return await paid(client, actor, customer_id, **fields)


async def read(client, actor, payment_id) -> httpx.Response:
    return await client.get(f"{API}/payments/{payment_id}", headers=actor.headers)


async def statement(client, actor, customer_id) -> list[dict[str, Any]]:
    r = await client.get(f"{API}/customers/{customer_id}/statement", headers=actor.headers)
    assert r.status_code == 200, r.text
    return r.json()["entries"]


async def test_a_cheque_is_held_then_deposited_then_cleared_each_step_dated_and_audited(
    client, manager, clerk, session, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await cheque_payment(client, manager, customer_id)
    assert payment["cheque"]["status"] == "held"
    balance = await stored_balance(session, customer_id)

    deposited = await stepped(
        client, clerk, payment["id"], "deposit", on=date(2026, 3, 4), reason="Banco do Brasil"
    )
    assert deposited["cheque"]["status"] == "deposited"
    assert deposited["cheque"]["deposited_on"] == "2026-03-04"
    assert deposited["cheque"]["deposited_by_id"] == clerk.id
    assert deposited["version"] == payment["version"] + 1

    cleared = await stepped(client, clerk, payment["id"], "clear")  # default: today
    assert cleared["cheque"]["status"] == "cleared"
    assert cleared["cheque"]["cleared_on"] == TODAY.isoformat()
    assert cleared["cheque"]["cleared_by_id"] == clerk.id
    assert cleared["cheque"]["deposited_on"] == "2026-03-04"

    r = await read(client, clerk, payment["id"])
    assert r.json() == cleared
    assert r.headers["etag"] == f'"{cleared["version"]}"'
    # Depositing and clearing move no money.
    assert await stored_balance(session, customer_id) == balance
    deposit_audit = await audit_entries(session, "cheque.deposit")
    assert [(a.entity_id, a.principal_id) for a in deposit_audit] == [(payment["id"], clerk.id)]
    assert deposit_audit[0].changes == {
        "before": {"status": "held", "deposited_on": None},
        "after": {"status": "deposited", "deposited_on": "2026-03-04"},
        "reason": "Banco do Brasil",
    }
    assert len(await audit_entries(session, "cheque.clear")) == 1
    await ledger_consistent()


async def test_a_returned_cheque_keeps_its_payment_and_debits_the_balance_on_its_return_date(
    client, manager, session, ledger_consistent
):
    customer_id = await make_customer(session)
    await deliver(session, customer_id, 40000, date(2026, 2, 20), manager.id)
    payment = await cheque_payment(client, manager, customer_id, amount="250.00")
    assert await stored_balance(session, customer_id) == -15000
    await stepped(client, manager, payment["id"], "deposit", on=date(2026, 3, 3))

    returned = await stepped(
        client,
        manager,
        payment["id"],
        "return",
        on=date(2026, 3, 6),
        reason="alínea 11: insufficient funds",
    )
    assert returned["cheque"]["status"] == "returned"
    assert returned["cheque"]["returned_on"] == "2026-03-06"
    assert returned["cheque"]["returned_by_id"] == manager.id
    assert returned["cheque"]["return_reason"] == "alínea 11: insufficient funds"
    # The payment stays, received on its date.
    assert returned["received_on"] == RECEIVED.isoformat()
    assert returned["amount"] == "250.00"
    assert await stored_balance(session, customer_id) == -40000

    entries = await statement(client, manager, customer_id)
    assert [(e["date"], e["type"], e["debit"], e["credit"], e["balance"]) for e in entries] == [
        ("2026-03-06", "returned_cheque", "250.00", None, "-400.00"),
        ("2026-03-01", "payment", None, "250.00", "-150.00"),
        ("2026-02-20", "delivery", "400.00", None, "-400.00"),
        ("2026-02-20", "order", None, None, None),
    ][: len(entries)]
    assert entries[0]["reference"] == payment["id"]
    assert entries[0]["description"] == "Returned cheque"
    [entry] = await audit_entries(session, "cheque.return")
    assert entry.changes["after"] == {
        "status": "returned",
        "returned_on": "2026-03-06",
        "return_reason": "alínea 11: insufficient funds",
    }
    assert entry.changes["reason"] == "alínea 11: insufficient funds"
    await ledger_consistent()


# Every (state, step) pair the transition table refuses.
ILLEGAL = [
    ("held", "clear"),
    ("held", "return"),
    ("deposited", "deposit"),
    ("cleared", "deposit"),
    ("cleared", "clear"),
    ("cleared", "return"),
    ("returned", "deposit"),
    ("returned", "clear"),
    ("returned", "return"),
]
PATH_TO = {"held": [], "deposited": ["deposit"], "cleared": ["deposit", "clear"]}
PATH_TO["returned"] = ["deposit", "return"]


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
async def test_an_illegal_step_is_409_and_changes_nothing(
    client, manager, session, state, action, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await cheque_payment(client, manager, customer_id)
    for earlier in PATH_TO[state]:
        await stepped(client, manager, payment["id"], earlier)
    before = (await read(client, manager, payment["id"])).json()
    balance = await stored_balance(session, customer_id)

    r = await step(client, manager, payment["id"], action)
    assert r.status_code == 409, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "cheque-status-conflict"
    assert r.json()["cheque_status"] == state
    assert (await read(client, manager, payment["id"])).json() == before
    assert await stored_balance(session, customer_id) == balance
    assert len(await audit_entries(session, f"cheque.{action}")) == PATH_TO[state].count(action)
    await ledger_consistent()


@pytest.mark.parametrize("role", ["clerk", "pos-terminal"])
async def test_returning_needs_sales_manage(client, manager, make_actor, session, role):
    actor = await make_actor(role)
    customer_id = await make_customer(session)
    payment = await cheque_payment(client, manager, customer_id)
    await stepped(client, actor, payment["id"], "deposit")  # payments:write may deposit
    balance = await stored_balance(session, customer_id)

    r = await step(client, actor, payment["id"], "return")
    assert r.status_code == 403, r.text
    assert r.headers["content-type"] == "application/problem+json"
    after = (await read(client, manager, payment["id"])).json()
    assert after["cheque"]["status"] == "deposited"
    assert await stored_balance(session, customer_id) == balance
    assert await audit_entries(session, "cheque.return") == []


@pytest.mark.parametrize("action", ["deposit", "clear", "return"])
async def test_each_step_needs_payments_write(client, manager, make_actor, session, action):
    reader = await make_actor("clerk", permissions=["customers:read", "payments:read"])
    customer_id = await make_customer(session)
    payment = await cheque_payment(client, manager, customer_id)
    r = await step(client, reader, payment["id"], action)
    assert r.status_code == 403, r.text
    assert (await read(client, manager, payment["id"])).json() == payment


@pytest.mark.parametrize("action", ["deposit", "clear", "return"])
async def test_a_step_on_an_unknown_payment_is_404(client, manager, action):
    r = await step(client, manager, 987654, action)
    assert r.status_code == 404
    assert r.json()["type"] == "payment-not-found"


@pytest.mark.parametrize("action", ["deposit", "clear", "return"])
async def test_a_payment_that_is_not_a_cheque_has_no_lifecycle(client, manager, session, action):
    customer_id = await make_customer(session)
    payment = await paid(client, manager, customer_id, method="PIX", received_on="2026-03-10")
    balance = await stored_balance(session, customer_id)
    r = await step(client, manager, payment["id"], action)
    assert r.status_code == 409
    assert r.json()["type"] == "not-a-cheque"
    assert await stored_balance(session, customer_id) == balance
    assert (await read(client, manager, payment["id"])).json() == payment


@pytest.mark.parametrize(
    ("path", "action", "on", "problem"),
    [
        ([], "deposit", date(2026, 3, 11), "cheque-date-in-future"),
        ([], "deposit", date(2026, 3, 2), "cheque-date-too-early"),  # before pre-dated day
        (["deposit"], "clear", date(2026, 3, 11), "cheque-date-in-future"),
        (["deposit"], "clear", date(2026, 3, 4), "cheque-date-too-early"),  # before deposit
        (["deposit"], "return", date(2026, 3, 4), "cheque-date-too-early"),
        (["deposit"], "return", date(2026, 3, 11), "cheque-date-in-future"),
    ],
)
async def test_a_step_dated_in_the_future_or_before_the_previous_one_is_422(
    client, manager, session, path, action, on, problem, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await cheque_payment(client, manager, customer_id)
    for earlier in path:
        await stepped(client, manager, payment["id"], earlier, on=date(2026, 3, 5))
    before = (await read(client, manager, payment["id"])).json()
    balance = await stored_balance(session, customer_id)

    r = await step(client, manager, payment["id"], action, on=on)
    assert r.status_code == 422, r.text
    assert r.json()["type"] == problem
    assert r.json()["errors"][0]["field"] == "on"
    assert (await read(client, manager, payment["id"])).json() == before
    assert await stored_balance(session, customer_id) == balance
    await ledger_consistent()


async def test_a_deposit_is_never_dated_before_the_cheque_was_received(client, manager, session):
    customer_id = await make_customer(session)
    payment = await cheque_payment(client, manager, customer_id, received_on=date(2026, 3, 8))
    r = await step(client, manager, payment["id"], "deposit", on=date(2026, 3, 7))
    assert r.status_code == 422
    assert r.json()["type"] == "cheque-date-too-early"
    assert "2026-03-08" in r.json()["detail"]
    await stepped(client, manager, payment["id"], "deposit", on=date(2026, 3, 8))


async def test_a_step_body_is_strict(client, manager, session):
    customer_id = await make_customer(session)
    payment = await cheque_payment(client, manager, customer_id)
    for body in ({"on": "10/03/2026"}, {"when": "2026-03-10"}, {"reason": ""}):
        r = await client.post(
            f"{API}/cheques/{payment['id']}/deposit", json=body, headers=manager.headers
        )
        assert r.status_code == 422, body
        assert r.headers["content-type"] == "application/problem+json"
    assert (await read(client, manager, payment["id"])).json() == payment


async def test_a_pending_cheque_can_be_deposited_but_not_returned(
    client, manager, session, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await cheque_payment(client, manager, customer_id, received_on=None)
    await stepped(client, manager, payment["id"], "deposit")
    r = await step(client, manager, payment["id"], "return")
    assert r.status_code == 409
    assert r.json()["type"] == "cheque-not-received"
    assert await stored_balance(session, customer_id) == 0
    assert (await read(client, manager, payment["id"])).json()["cheque"]["status"] == "deposited"
    await ledger_consistent()


async def test_a_stale_if_match_is_412_and_the_current_one_passes(client, manager, session):
    customer_id = await make_customer(session)
    payment = await cheque_payment(client, manager, customer_id)
    deposited = await stepped(client, manager, payment["id"], "deposit")
    stale = {"If-Match": f'"{payment["version"]}"'}
    r = await step(client, manager, payment["id"], "return", headers=stale)
    assert r.status_code == 412
    assert (await read(client, manager, payment["id"])).json() == deposited
    current = {"If-Match": f'"{deposited["version"]}"'}
    await stepped(client, manager, payment["id"], "return", headers=current)


@pytest.mark.parametrize("action", ["deposit", "clear", "return"])
async def test_a_malformed_idempotency_key_is_422_before_a_stale_if_match(
    client, manager, session, action
):
    """Found by `make fuzz`: the version was judged (412) before the header was validated."""
    customer_id = await make_customer(session)
    payment = await cheque_payment(client, manager, customer_id)
    if action != "deposit":
        payment = await stepped(client, manager, payment["id"], "deposit")
    headers = {"If-Match": '"999"', "Idempotency-Key": "with spaces"}
    r = await step(client, manager, payment["id"], action, headers=headers)
    assert r.status_code == 422, r.text
    assert (await read(client, manager, payment["id"])).json() == payment


async def test_a_retried_return_with_its_idempotency_key_debits_once(
    client, manager, session, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await cheque_payment(client, manager, customer_id)
    await stepped(client, manager, payment["id"], "deposit")
    key = {"Idempotency-Key": "return-8812"}
    first = await step(client, manager, payment["id"], "return", headers=key)
    again = await step(client, manager, payment["id"], "return", headers=key)
    assert first.status_code == again.status_code == 200
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert await stored_balance(session, customer_id) == 0
    assert len(await audit_entries(session, "cheque.return")) == 1
    await ledger_consistent()


async def test_a_payment_whose_cheque_left_the_drawer_keeps_its_money_fields(
    client, manager, session, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await cheque_payment(client, manager, customer_id)
    await stepped(client, manager, payment["id"], "deposit")
    url = f"{API}/payments/{payment['id']}"
    for change in (
        {"amount": "300.00"},
        {"received_on": None},
        {"method": "PIX", "cheque": None},
        {"cheque": {"cheque_number": "999"}},
    ):
        r = await client.patch(url, json=change, headers=manager.headers)
        assert r.status_code == 409, (change, r.text)
        assert r.json()["type"] == "cheque-not-held"
    r = await client.delete(url, headers=manager.headers)
    assert r.status_code == 409
    assert r.json()["type"] == "cheque-not-held"
    # What does not touch the money may still change.
    r = await client.patch(url, json={"details": "deposited at BB"}, headers=manager.headers)
    assert r.status_code == 200, r.text
    assert r.json()["amount"] == "250.00"
    assert r.json()["cheque"]["status"] == "deposited"
    await ledger_consistent()


async def test_a_quick_sale_cheque_cannot_be_returned(client, manager, clerk, session):
    quick = await quick_sale_customer_id(session)
    r = await client.post(
        f"{API}/sales",
        json={
            "total": "80.00",
            "delivery": "now",
            "payments": [
                {
                    "method": "CHEQUE",
                    "amount": "80.00",
                    "cheque": {**CHEQUE, "predated_to": "2026-03-10"},
                }
            ],
        },
        headers=clerk.headers,
    )
    assert r.status_code == 201, r.text
    [payment] = r.json()["payments"]
    await stepped(client, clerk, payment["id"], "deposit")
    r = await step(client, manager, payment["id"], "return")
    assert r.status_code == 409
    assert r.json()["type"] == "quick-sale-customer"
    assert await stored_balance(session, quick) == 0
