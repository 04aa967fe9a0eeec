"""Merging a duplicate customer: everything moves, balances add up, owner only, audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, inspect, select, text

from custledger.customers.models import Customer
from custledger.kit.audit import AuditEntry
from custledger.merge import repository
from custledger.models import Base
from custledger.orders.models import Order
from tests.merge.helpers import (
    API,
    arrange_full_pair,
    count_rows,
    customer_row,
    make_customer,
    monthly_totals,
    quick_sale_customer_id,
    record_ids,
    simple_customer,
)

KINDS = ("payments", "cheques", "orders", "deliveries", "idempotency_keys")


def merge_url(survivor: int) -> str:
    return f"{API}/customers/{survivor}/merge"


def preview_url(survivor: int, source: int) -> str:
    return f"{API}/customers/{survivor}/merge-preview?source_id={source}"


async def test_merge_moves_every_record_of_the_source_to_the_survivor(
    client, owner, session, ledger_consistent
):
    pair = await arrange_full_pair(session, owner.id)
    assert {k: len(v) for k, v in pair.source_ids.items()} == {
        "payments": 5,
        "cheques": 2,
        "orders": 5,
        "deliveries": 2,
        "idempotency_keys": 1,
    }

    r = await client.post(
        merge_url(pair.survivor), json={"source_id": pair.source}, headers=owner.headers
    )

    assert r.status_code == 200, r.text
    body = r.json()
    assert body["moved"] == {k: len(pair.source_ids[k]) for k in KINDS}
    assert body["survivor"]["id"] == pair.survivor
    assert body["survivor"]["balance"] == "-380.00"
    assert body["survivor"]["total_purchases"] == "650.00"
    # The survivor now holds the union of both customers' records; the source holds nothing.
    after = await record_ids(session, pair.survivor)
    assert after == {k: pair.survivor_ids[k] | pair.source_ids[k] for k in KINDS}
    assert await record_ids(session, pair.source) == {k: set() for k in KINDS}
    assert await customer_row(session, pair.source) is None
    # Order numbers are the POS's references: they stay as they were.
    numbers = set(await session.scalars(select(Order.number)))
    assert numbers == pair.order_numbers
    survivor = await customer_row(session, pair.survivor)
    assert survivor is not None
    assert survivor.balance == -38_000  # −200.00 + −180.00
    assert survivor.total_purchases == 65_000  # Σ deliveries: 300.00 + 350.00
    assert survivor.credit_reserved == 30_000  # the open credit order's undelivered 300.00
    # Still owing: the invoice follow-up stays; the survivor keeps its own details.
    assert survivor.next_invoice_date == date(2026, 4, 1)
    assert survivor.tax_id == "11122233344"
    assert survivor.name == "Maria Silva"
    await ledger_consistent()


async def test_merge_rebuilds_the_survivors_monthly_totals_from_both_histories(
    client, owner, session, ledger_consistent
):
    pair = await arrange_full_pair(session, owner.id)

    r = await client.post(
        merge_url(pair.survivor), json={"source_id": pair.source}, headers=owner.headers
    )

    assert r.status_code == 200, r.text
    # The statement's running balances come from these: they must be both histories summed.
    assert await monthly_totals(session, pair.survivor) == {
        date(2026, 1, 1): (15_000, 0),  # 100.00 + cheque 50.00
        date(2026, 2, 1): (0, 50_000),  # 300.00 + 200.00 delivered
        date(2026, 3, 1): (12_000, 15_000),
    }
    assert await monthly_totals(session, pair.source) == {}
    await ledger_consistent()


async def full_statement(client, actor, customer_id: int) -> list[dict]:
    """Every statement row of a customer, oldest first, following the cursors back."""
    entries: list[dict] = []
    cursor = None
    while True:
        params = {"limit": 50} | ({"cursor": cursor} if cursor else {})
        r = await client.get(
            f"{API}/customers/{customer_id}/statement", params=params, headers=actor.headers
        )
        assert r.status_code == 200, r.text
        entries.extend(r.json()["entries"])
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return list(reversed(entries))


def cents(value: str | None) -> int:
    if value is None:
        return 0
    units, _, fraction = value.lstrip("-").partition(".")
    amount = int(units) * 100 + int(fraction or 0)
    return -amount if value.startswith("-") else amount


def row_key(entry: dict) -> tuple:
    return (
        entry["date"],
        entry["type"],
        entry["reference"],
        entry["description"],
        entry["debit"],
        entry["credit"],
    )


async def test_survivor_statement_is_the_union_of_both_with_correct_running_balances(
    client, owner, session, ledger_consistent
):
    pair = await arrange_full_pair(session, owner.id)
    survivor_rows = await full_statement(client, owner, pair.survivor)
    source_rows = await full_statement(client, owner, pair.source)

    r = await client.post(
        merge_url(pair.survivor), json={"source_id": pair.source}, headers=owner.headers
    )

    assert r.status_code == 200, r.text
    merged = await full_statement(client, owner, pair.survivor)
    assert sorted(map(row_key, merged)) == sorted(map(row_key, survivor_rows + source_rows))
    # Dates never go backwards, and each financial row carries the balance as of that row.
    assert [e["date"] for e in merged] == sorted(e["date"] for e in merged)
    running = 0
    financial = 0
    for entry in merged:
        if entry["type"] in ("payment", "delivery"):
            financial += 1
            running += cents(entry["credit"]) - cents(entry["debit"])
            assert cents(entry["balance"]) == running, entry
        else:
            assert entry["balance"] is None
    assert financial == 6
    assert running == -38_000
    gone = await client.get(f"{API}/customers/{pair.source}/statement", headers=owner.headers)
    assert gone.status_code == 404
    await ledger_consistent()


async def test_preview_counts_equal_what_the_merge_moves(client, owner, session, ledger_consistent):
    pair = await arrange_full_pair(session, owner.id)

    preview = await client.get(preview_url(pair.survivor, pair.source), headers=owner.headers)

    assert preview.status_code == 200, preview.text
    shown = preview.json()
    assert shown["survivor"]["id"] == pair.survivor
    assert shown["survivor"]["name"] == "Maria Silva"
    assert shown["survivor"]["balance"] == "-200.00"
    assert shown["source"]["id"] == pair.source
    assert shown["source"]["tax_id"] == "555.666.777-88"
    assert shown["source"]["email"] == "maria@example.com"
    assert shown["source"]["balance"] == "-180.00"
    assert shown["source"]["active"] is True and shown["source"]["blocked"] is False
    assert shown["survivor_balance_after"] == "-380.00"
    # A preview changes nothing.
    assert await record_ids(session, pair.source) == pair.source_ids
    await session.commit()

    merged = await client.post(
        merge_url(pair.survivor), json={"source_id": pair.source}, headers=owner.headers
    )

    assert merged.status_code == 200, merged.text
    assert shown["moves"] == merged.json()["moved"]
    assert shown["moves"] == {k: len(pair.source_ids[k]) for k in KINDS}
    assert merged.json()["survivor"]["balance"] == shown["survivor_balance_after"]
    await ledger_consistent()


async def test_merge_audits_the_source_snapshot_and_names_the_survivor(client, owner, session):
    pair = await arrange_full_pair(session, owner.id)
    source = await customer_row(session, pair.source)
    assert source is not None
    source_number = source.number
    await session.commit()

    r = await client.post(
        merge_url(pair.survivor), json={"source_id": pair.source}, headers=owner.headers
    )

    assert r.status_code == 200, r.text
    entries = list(
        await session.scalars(select(AuditEntry).where(AuditEntry.action == "customer.merge"))
    )
    on_source = [e for e in entries if e.customer_id == pair.source]
    on_survivor = [e for e in entries if e.customer_id == pair.survivor]
    assert len(on_source) == 1 and len(on_survivor) == 1
    entry = on_source[0]
    assert entry.id == r.json()["audit_id"]
    assert entry.principal_id == owner.id
    assert (entry.entity_type, entry.entity_id) == ("customer", pair.source)
    snapshot = entry.changes["before"]
    # Every column of the deleted row is kept.
    assert set(snapshot) == {c.key for c in inspect(Customer).column_attrs}
    assert snapshot["id"] == pair.source
    assert snapshot["number"] == source_number
    assert snapshot["name"] == "Maria da Silva"
    assert snapshot["tax_id"] == "55566677788"
    assert snapshot["notes"] == "duplicate made at the counter"
    assert snapshot["balance"] == "-180.00"
    assert snapshot["credit_limit"] == "1000.00"
    assert entry.changes["merged_into"] == pair.survivor
    assert entry.changes["moved"] == {k: len(pair.source_ids[k]) for k in KINDS}
    survivor_entry = on_survivor[0]
    assert survivor_entry.entity_id == pair.survivor
    assert survivor_entry.changes["merged_from"] == pair.source
    assert survivor_entry.changes["merged_from_number"] == source_number
    assert survivor_entry.changes["before"]["balance"] == "-200.00"
    assert survivor_entry.changes["after"]["balance"] == "-380.00"


async def test_merged_source_history_stays_readable_by_its_old_id(client, owner, session):
    pair = await arrange_full_pair(session, owner.id)
    r = await client.post(
        merge_url(pair.survivor), json={"source_id": pair.source}, headers=owner.headers
    )
    assert r.status_code == 200, r.text

    history = await client.get(f"{API}/customers/{pair.source}/audit", headers=owner.headers)

    assert history.status_code == 200, history.text
    merges = [e for e in history.json()["items"] if e["action"] == "customer.merge"]
    assert len(merges) == 1
    assert merges[0]["changes"]["merged_into"] == pair.survivor
    assert merges[0]["changes"]["before"]["name"] == "Maria da Silva"
    assert merges[0]["principal"]["id"] == owner.id
    survivor_history = await client.get(
        f"{API}/customers/{pair.survivor}/audit", headers=owner.headers
    )
    assert survivor_history.status_code == 200, survivor_history.text
    received = [e for e in survivor_history.json()["items"] if e["action"] == "customer.merge"]
    assert [e["changes"]["merged_from"] for e in received] == [pair.source]


async def test_merge_clears_invoicing_when_the_survivor_ends_out_of_debt(
    client, owner, session, ledger_consistent
):
    survivor = await simple_customer(session, owner.id, "Owes", received=1_000, delivered=5_000)
    owing = await customer_row(session, survivor)
    assert owing is not None and owing.balance == -4_000
    owing.next_invoice_date = date(2026, 4, 1)
    owing.billing_instructions = "Call first"
    source = await simple_customer(session, owner.id, "Owes too", received=9_000, delivered=0)
    await session.commit()

    r = await client.post(merge_url(survivor), json={"source_id": source}, headers=owner.headers)

    assert r.status_code == 200, r.text
    assert r.json()["survivor"]["balance"] == "50.00"
    row = await customer_row(session, survivor)
    assert row is not None
    assert row.next_invoice_date is None and row.billing_instructions is None
    cleared = list(
        await session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "customer.invoicing_cleared",
                AuditEntry.customer_id == survivor,
            )
        )
    )
    assert len(cleared) == 1
    assert cleared[0].changes["before"]["billing_instructions"] == "Call first"
    await ledger_consistent()


@pytest.mark.parametrize("role", ["manager", "clerk", "pos-terminal"])
async def test_only_the_owner_may_merge_or_preview(client, make_actor, owner, session, role):
    pair = await arrange_full_pair(session, owner.id)
    actor = await make_actor(role)
    before = await count_rows(session)
    await session.commit()

    preview = await client.get(preview_url(pair.survivor, pair.source), headers=actor.headers)
    merged = await client.post(
        merge_url(pair.survivor), json={"source_id": pair.source}, headers=actor.headers
    )

    assert preview.status_code == 403, preview.text
    assert merged.status_code == 403, merged.text
    assert merged.headers["content-type"].startswith("application/problem+json")
    assert await customer_row(session, pair.source) is not None
    assert await record_ids(session, pair.source) == pair.source_ids
    assert await count_rows(session) == before


async def test_merge_without_a_token_is_unauthorized(client, owner, session):
    pair = await arrange_full_pair(session, owner.id)
    r = await client.post(merge_url(pair.survivor), json={"source_id": pair.source})
    assert r.status_code == 401
    assert await customer_row(session, pair.source) is not None


async def test_merging_a_customer_into_itself_is_refused(client, owner, session):
    customer = await simple_customer(session, owner.id, "Alone", received=1_000, delivered=0)
    await session.commit()

    merged = await client.post(
        merge_url(customer), json={"source_id": customer}, headers=owner.headers
    )
    preview = await client.get(preview_url(customer, customer), headers=owner.headers)

    for r, where in ((merged, "body"), (preview, "query")):
        assert r.status_code == 422, r.text
        assert r.json()["type"] == "merge-into-itself"
        assert r.json()["errors"] == [
            {
                "field": "source_id",
                "location": where,
                "message": "must differ from the surviving customer",
            }
        ]
    assert await customer_row(session, customer) is not None


@pytest.mark.parametrize("quick_sale_side", ["survivor", "source"])
async def test_quick_sale_customer_cannot_be_merged_on_either_side(
    client, owner, session, quick_sale_side
):
    quick_sale = await quick_sale_customer_id(session)
    regular = await simple_customer(session, owner.id, "Regular", received=1_000, delivered=0)
    await session.commit()
    survivor, source = (
        (quick_sale, regular) if quick_sale_side == "survivor" else (regular, quick_sale)
    )

    merged = await client.post(
        merge_url(survivor), json={"source_id": source}, headers=owner.headers
    )
    preview = await client.get(preview_url(survivor, source), headers=owner.headers)

    for r in (merged, preview):
        assert r.status_code == 409, r.text
        assert r.json()["type"] == "quick-sale-customer"
        assert r.json()["customer_id"] == quick_sale
    assert await customer_row(session, quick_sale) is not None
    assert await customer_row(session, regular) is not None


async def test_merging_the_same_source_twice_is_not_found(
    client, owner, session, ledger_consistent
):
    pair = await arrange_full_pair(session, owner.id)
    first = await client.post(
        merge_url(pair.survivor), json={"source_id": pair.source}, headers=owner.headers
    )
    assert first.status_code == 200, first.text
    before = await count_rows(session)
    await session.commit()

    again = await client.post(
        merge_url(pair.survivor), json={"source_id": pair.source}, headers=owner.headers
    )
    preview = await client.get(preview_url(pair.survivor, pair.source), headers=owner.headers)

    for r in (again, preview):
        assert r.status_code == 404, r.text
        assert r.json()["type"] == "customer-not-found"
        assert "merged" in r.json()["detail"]
    assert await count_rows(session) == before
    await ledger_consistent()


async def test_merging_into_a_missing_survivor_is_not_found(client, owner, session):
    source = await simple_customer(session, owner.id, "Exists", received=1_000, delivered=0)
    await session.commit()

    r = await client.post(merge_url(999_999), json={"source_id": source}, headers=owner.headers)

    assert r.status_code == 404
    assert r.json()["type"] == "customer-not-found"
    assert await customer_row(session, source) is not None


async def test_merge_request_must_name_a_valid_source(client, owner, session):
    survivor = await make_customer(session, "Survivor")
    await session.commit()

    missing = await client.post(merge_url(survivor), json={}, headers=owner.headers)
    extra = await client.post(
        merge_url(survivor), json={"source_id": 1, "balance": "0.00"}, headers=owner.headers
    )
    out_of_range = await client.post(
        merge_url(survivor), json={"source_id": 2**40}, headers=owner.headers
    )
    no_query = await client.get(f"{API}/customers/{survivor}/merge-preview", headers=owner.headers)

    for r in (missing, extra, out_of_range, no_query):
        assert r.status_code == 422, r.text
        assert r.json()["type"] == "validation-error"


async def test_a_failed_merge_leaves_both_customers_exactly_as_they_were(
    client, owner, session, ledger_consistent
):
    """A row the merge does not know about still references the source, so deleting the
    source fails at the very end: everything done before must be rolled back."""
    pair = await arrange_full_pair(session, owner.id)
    before_rows = {c: await record_ids(session, c) for c in (pair.survivor, pair.source)}
    before_totals = {c: await monthly_totals(session, c) for c in (pair.survivor, pair.source)}
    before_customers = {}
    for c in (pair.survivor, pair.source):
        row = await customer_row(session, c)
        assert row is not None
        before_customers[c] = (row.balance, row.total_purchases, row.credit_reserved, row.version)
    await session.execute(
        text(
            "CREATE TABLE merge_test_blocker (id INTEGER PRIMARY KEY, "
            "customer_id INTEGER NOT NULL REFERENCES customers (id))"
        )
    )
    await session.execute(
        text("INSERT INTO merge_test_blocker (id, customer_id) VALUES (1, :c)"), {"c": pair.source}
    )
    await session.commit()
    try:
        r = await client.post(
            merge_url(pair.survivor), json={"source_id": pair.source}, headers=owner.headers
        )

        assert r.status_code == 409, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        for c in (pair.survivor, pair.source):
            assert await record_ids(session, c) == before_rows[c]
            assert await monthly_totals(session, c) == before_totals[c]
            row = await customer_row(session, c)
            assert row is not None
            assert (
                row.balance,
                row.total_purchases,
                row.credit_reserved,
                row.version,
            ) == before_customers[c]
        merges = await session.scalar(
            select(func.count()).where(AuditEntry.action == "customer.merge")
        )
        assert merges == 0
        await session.commit()
    finally:
        await session.rollback()
        await session.execute(text("DROP TABLE merge_test_blocker"))
        await session.commit()
    await ledger_consistent()


async def test_merge_retried_with_the_same_idempotency_key_returns_the_first_answer(
    client, owner, session
):
    pair = await arrange_full_pair(session, owner.id)
    headers = owner.headers | {"Idempotency-Key": "merge-once-123"}

    first = await client.post(
        merge_url(pair.survivor), json={"source_id": pair.source}, headers=headers
    )
    retry = await client.post(
        merge_url(pair.survivor), json={"source_id": pair.source}, headers=headers
    )

    assert first.status_code == 200, first.text
    assert retry.status_code == 200, retry.text
    assert retry.headers.get("Idempotent-Replayed") == "true"
    assert retry.json() == first.json()
    merges = await session.scalar(
        select(func.count()).where(
            AuditEntry.action == "customer.merge", AuditEntry.customer_id == pair.source
        )
    )
    assert merges == 1


def test_every_table_referencing_customers_is_handled_by_the_merge():
    """A table added later that holds customer records must be moved by merges (or excluded
    on purpose): otherwise deleting the source fails or loses its rows."""
    referencing = set()
    for table in Base.metadata.sorted_tables:
        references = any(fk.column.table.name == "customers" for fk in table.foreign_keys)
        if references or "customer_id" in table.columns:
            referencing.add(table.name)
    moved = {column.class_.__tablename__ for column in repository.MOVED.values()}
    handled = moved | set(repository.NOT_MOVED)
    assert referencing | {"customers"} == handled
    assert not moved & set(repository.NOT_MOVED)
