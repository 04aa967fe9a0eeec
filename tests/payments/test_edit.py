"""Editing and deleting payments: partial changes, cheques, versions (ETag / If-Match), audit."""

from __future__ import annotations

import pytest

from tests.payments.support import (
    API,
    CHEQUE,
    TODAY,
    audit_entries,
    cheque_count,
    make_customer,
    paid,
    payment_count,
    stored_balance,
)


async def patch(client, actor, payment_id, body, **headers):
    return await client.patch(
        f"{API}/payments/{payment_id}", json=body, headers=actor.headers | headers
    )


async def test_get_returns_the_version_as_etag(client, clerk, session):
    customer_id = await make_customer(session)
    payment = await paid(client, clerk, customer_id)
    r = await client.get(f"{API}/payments/{payment['id']}", headers=clerk.headers)
    assert r.status_code == 200
    assert r.headers["etag"] == '"1"'
    assert r.json() == payment


async def test_patch_changes_only_the_fields_sent_and_bumps_the_version(
    client, clerk, session, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await paid(
        client, clerk, customer_id, order_number=77, details="first", due_date="2026-03-20"
    )
    r = await patch(client, clerk, payment["id"], {"details": "second"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["details"] == "second"
    assert body["order_number"] == 77
    assert body["due_date"] == "2026-03-20"
    assert body["amount"] == "100.00"
    assert body["version"] == 2
    assert r.headers["etag"] == '"2"'
    r = await patch(client, clerk, payment["id"], {"order_number": None, "details": None})
    assert r.json()["order_number"] is None
    assert r.json()["details"] is None
    await ledger_consistent()


async def test_an_empty_patch_changes_nothing(client, clerk, session):
    customer_id = await make_customer(session)
    payment = await paid(client, clerk, customer_id)
    r = await patch(client, clerk, payment["id"], {})
    assert r.status_code == 200
    assert r.json()["version"] == 1
    assert await audit_entries(session, "payment.update") == []


async def test_stale_if_match_is_refused_with_412_and_nothing_changes(client, clerk, session):
    customer_id = await make_customer(session)
    payment = await paid(client, clerk, customer_id, received_on=TODAY.isoformat())
    assert (await patch(client, clerk, payment["id"], {"details": "a"})).status_code == 200
    r = await patch(client, clerk, payment["id"], {"amount": "5.00"}, **{"If-Match": '"1"'})
    assert r.status_code == 412
    assert r.json()["type"] == "precondition-failed"
    assert await stored_balance(session, customer_id) == 10000
    r = await patch(client, clerk, payment["id"], {"amount": "5.00"}, **{"If-Match": '"2"'})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 3
    assert await stored_balance(session, customer_id) == 500


async def test_stale_if_match_on_delete_is_refused(client, clerk, session):
    customer_id = await make_customer(session)
    payment = await paid(client, clerk, customer_id)
    r = await client.delete(
        f"{API}/payments/{payment['id']}", headers=clerk.headers | {"If-Match": '"7"'}
    )
    assert r.status_code == 412
    assert await payment_count(session) == 1


@pytest.mark.parametrize("field", ["method", "amount", "due_date"])
async def test_required_fields_cannot_be_nulled(client, clerk, session, field):
    customer_id = await make_customer(session)
    payment = await paid(client, clerk, customer_id)
    r = await patch(client, clerk, payment["id"], {field: None})
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == [field]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"method": None}, "method"),
        ({"amount": None}, "amount"),
        ({"due_date": None}, "due_date"),
        ({"cheque": {"bank": None}}, "cheque.bank"),
        ({"details": " " * 2001}, "details"),  # over maxLength as sent, blank once trimmed
    ],
)
async def test_a_schema_violating_body_is_judged_before_a_stale_if_match(
    client, clerk, session, body, field
):
    """The body first (422), then the version (412): a client told "changed since you read
    it" reloads and sends the same broken body again."""
    customer_id = await make_customer(session)
    payment = await paid(client, clerk, customer_id)
    r = await patch(client, clerk, payment["id"], body, **{"If-Match": '"9"'})
    assert r.status_code == 422, r.text
    assert [e["field"] for e in r.json()["errors"]] == [field]
    unchanged = await client.get(f"{API}/payments/{payment['id']}", headers=clerk.headers)
    assert unchanged.json() == payment


@pytest.mark.parametrize("body", [{"customer_id": 2}, {"recorded_by": 1}, {"amount": "0"}])
async def test_patch_refuses_read_only_and_invalid_fields(client, clerk, session, body):
    customer_id = await make_customer(session)
    payment = await paid(client, clerk, customer_id)
    r = await patch(client, clerk, payment["id"], body)
    assert r.status_code == 422


async def test_changing_method_to_cheque_needs_a_complete_cheque(client, clerk, session):
    customer_id = await make_customer(session)
    payment = await paid(client, clerk, customer_id)
    r = await patch(client, clerk, payment["id"], {"method": "CHEQUE"})
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["cheque"]
    r = await patch(client, clerk, payment["id"], {"method": "CHEQUE", "cheque": {"bank": "341"}})
    assert r.status_code == 422
    assert "cheque.issuer_name" in [e["field"] for e in r.json()["errors"]]
    assert await cheque_count(session) == 0
    r = await patch(client, clerk, payment["id"], {"method": "CHEQUE", "cheque": CHEQUE})
    assert r.status_code == 200, r.text
    assert r.json()["cheque"]["issuer_tax_id"] == "12345678909"
    assert await cheque_count(session) == 1


async def test_cheque_fields_can_be_corrected_one_at_a_time(client, clerk, session):
    customer_id = await make_customer(session)
    payment = await paid(client, clerk, customer_id, method="CHEQUE", cheque=CHEQUE)
    r = await patch(client, clerk, payment["id"], {"cheque": {"cheque_number": "000202"}})
    assert r.status_code == 200, r.text
    cheque = r.json()["cheque"]
    assert cheque["cheque_number"] == "000202"
    assert cheque["bank"] == CHEQUE["bank"]
    r = await patch(client, clerk, payment["id"], {"cheque": {"bank": None}})
    assert r.status_code == 422
    r = await patch(client, clerk, payment["id"], {"cheque": None})
    assert r.status_code == 422


async def test_leaving_the_cheque_method_drops_the_cheque(client, clerk, session):
    customer_id = await make_customer(session)
    payment = await paid(client, clerk, customer_id, method="CHEQUE", cheque=CHEQUE)
    r = await patch(client, clerk, payment["id"], {"method": "PIX", "cheque": CHEQUE})
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["cheque"]
    r = await patch(client, clerk, payment["id"], {"method": "PIX"})
    assert r.status_code == 200, r.text
    assert r.json()["cheque"] is None
    assert await cheque_count(session) == 0


async def test_edit_is_audited_with_the_changed_fields(client, clerk, session):
    customer_id = await make_customer(session)
    payment = await paid(client, clerk, customer_id)
    await patch(client, clerk, payment["id"], {"amount": "12.34", "received_on": "2026-03-10"})
    [entry] = await audit_entries(session, "payment.update")
    assert entry.principal_id == clerk.id
    assert entry.entity_id == payment["id"]
    assert entry.customer_id == customer_id
    assert entry.changes["before"] == {"amount": "100.00", "received_on": None}
    assert entry.changes["after"] == {"amount": "12.34", "received_on": "2026-03-10"}


async def test_delete_is_audited_with_the_whole_row_and_its_cheque(
    client, clerk, session, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await paid(
        client,
        clerk,
        customer_id,
        method="CHEQUE",
        cheque=CHEQUE,
        received_on="2026-03-10",
        order_number=12,
        details="to delete",
    )
    r = await client.delete(f"{API}/payments/{payment['id']}", headers=clerk.headers)
    assert r.status_code == 204
    assert r.content == b""
    assert await payment_count(session) == 0
    assert await cheque_count(session) == 0
    assert await stored_balance(session, customer_id) == 0
    [entry] = await audit_entries(session, "payment.delete")
    assert entry.principal_id == clerk.id
    assert entry.entity_id == payment["id"]
    assert entry.customer_id == customer_id
    assert entry.changes["after"] is None
    before = entry.changes["before"]
    assert before["id"] == payment["id"]
    assert before["amount"] == "100.00"
    assert before["method"] == "CHEQUE"
    assert before["received_on"] == "2026-03-10"
    assert before["order_number"] == 12
    assert before["details"] == "to delete"
    assert before["recorded_by_id"] == clerk.id
    assert before["cheque"] == {**CHEQUE, "issuer_tax_id": "12345678909", "status": "held"}
    r = await client.get(f"{API}/payments/{payment['id']}", headers=clerk.headers)
    assert r.status_code == 404
    await ledger_consistent()
