"""Paging back through the statement: complete, in order, no gaps or repeats, and every running
balance equal to a whole-history computation, over randomised histories."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custledger.kit.money import format_money
from tests.statement.helpers import cents, fetch_pages, new_ledger, statement_url

START = date(2024, 1, 1)

# Days cluster on a few dates (many same-day ties) and spread over months (monthly totals).
days = st.one_of(st.integers(0, 3), st.integers(25, 35), st.integers(0, 430))
amounts = st.integers(1, 500_00)

payment_op = st.tuples(st.just("payment"), days, amounts, st.booleans())
# A cheque received on a day and returned 0–40 days later (same day, same month, months later).
returned_op = st.tuples(st.just("returned"), days, amounts, st.integers(0, 40))
order_op = st.tuples(
    st.just("order"),
    days,
    st.sampled_from(["single", "partial", "collected", "awaiting_collection", "unspecified"]),
    st.sampled_from(["deliver", "deliver", "open", "cancelled", "quote", "consumed"]),
    st.lists(st.tuples(st.integers(0, 40), amounts), min_size=1, max_size=3),
)
histories = st.lists(st.one_of(payment_op, order_op, returned_op), min_size=0, max_size=14)

RANDOMISED = settings(
    max_examples=20,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


async def arrange(ledger, history):
    for op in history:
        if op[0] == "payment":
            _, day, amount, received = op
            await ledger.payment(amount, START + timedelta(days=day) if received else None)
            continue
        if op[0] == "returned":
            _, day, amount, later = op
            received_on = START + timedelta(days=day)
            await ledger.returned_cheque(amount, received_on, received_on + timedelta(days=later))
            continue
        _, day, delivery_type, fate, deliveries = op
        placed = START + timedelta(days=day)
        if fate in ("cancelled", "quote", "consumed"):
            await ledger.order(placed, 100_00, status=fate, delivery_type=delivery_type)
            continue
        total = sum(amount for _, amount in deliveries)
        order = await ledger.order(
            placed, total + (0 if fate == "deliver" else 1_00), delivery_type=delivery_type
        )
        for delay, amount in deliveries:
            await ledger.deliver(order, amount, placed + timedelta(days=delay))


def check_pages(pages, expected, *, limit):
    """The pages put together are exactly the expected statement; each page's totals and
    period are what a client that loaded pages down to it has on screen."""
    entries = [entry for page in pages for entry in page["entries"]]
    assert entries == expected
    assert all(len(page["entries"]) <= limit for page in pages)
    assert all(page["next_cursor"] for page in pages[:-1])
    assert pages[-1]["next_cursor"] is None
    newest = expected[0]["date"] if expected else None
    received = delivered = returned = 0
    for page in pages:
        for entry in page["entries"]:
            received += cents(entry["credit"] or "0")
            if entry["type"] == "returned_cheque":
                returned += cents(entry["debit"])
            else:
                delivered += cents(entry["debit"] or "0")
        assert page["total_received"] == format_money(received)
        assert page["total_delivered"] == format_money(delivered)
        assert page["total_returned"] == format_money(returned)
        if page["entries"]:
            assert page["period"] == {"from": page["entries"][-1]["date"], "to": newest}


@RANDOMISED
@given(history=histories, limit=st.integers(1, 6), financial_only=st.booleans())
async def test_paged_statement_equals_the_whole_history_computation(
    client, owner, session, history, limit, financial_only
):
    ledger = await new_ledger(session, owner.id, owner.store_id)
    await arrange(ledger, history)

    pages = await fetch_pages(
        client, owner.headers, ledger.customer_id, limit=limit, financial_only=financial_only
    )

    check_pages(pages, ledger.expected(financial_only=financial_only), limit=limit)
    # One page of 50 agrees with the small pages (same rows, same balances).
    whole = await fetch_pages(
        client, owner.headers, ledger.customer_id, limit=50, financial_only=financial_only
    )
    assert [e for p in whole for e in p["entries"]] == [e for p in pages for e in p["entries"]]


@settings(RANDOMISED, max_examples=10)
@given(history=histories, backdated=st.tuples(st.integers(0, 430), amounts))
async def test_backdated_payment_in_a_random_history_rebalances_every_later_row(
    client, owner, session, ledger_consistent, history, backdated
):
    ledger = await new_ledger(session, owner.id, owner.store_id)
    await arrange(ledger, history)
    before = ledger.expected()

    day, amount = backdated
    payment = await ledger.payment(amount, START + timedelta(days=day))
    pages = await fetch_pages(client, owner.headers, ledger.customer_id, limit=3)
    check_pages(pages, ledger.expected(), limit=3)

    await ledger.delete_payment(payment)
    pages = await fetch_pages(client, owner.headers, ledger.customer_id, limit=3)
    check_pages(pages, before, limit=3)
    await ledger_consistent()


async def test_many_rows_on_one_date_page_back_without_gaps_or_repeats(client, owner, session):
    ledger = await new_ledger(session, owner.id, owner.store_id)
    day = date(2025, 3, 31)
    for i in range(40):
        if i % 3 == 0:
            await ledger.order(day, 10_00, status="quote")
        order = await ledger.order(day, 20_00, delivery_type="partial")
        await ledger.deliver(order, 5_00, day)
        await ledger.payment(3_00 + i, day)
    await ledger.payment(1_00, day - timedelta(days=1))
    expected = ledger.expected()
    assert len(expected) == 40 * 3 + 14 + 1

    for limit in (1, 7, 50):
        pages = await fetch_pages(client, owner.headers, ledger.customer_id, limit=limit)
        check_pages(pages, expected, limit=limit)
    pages = await fetch_pages(
        client, owner.headers, ledger.customer_id, limit=7, financial_only=True
    )
    check_pages(pages, ledger.expected(financial_only=True), limit=7)


async def test_rows_added_after_the_first_page_do_not_shift_the_earlier_pages(
    client, owner, session
):
    ledger = await new_ledger(session, owner.id, owner.store_id)
    for month in range(1, 9):
        await ledger.payment(month * 1_00, date(2025, month, 1))
    first = (
        await client.get(
            statement_url(ledger.customer_id), params={"limit": 3}, headers=owner.headers
        )
    ).json()
    await ledger.payment(50_00, date(2025, 9, 1))  # newer than everything loaded

    second = (
        await client.get(
            statement_url(ledger.customer_id),
            params={"limit": 3, "cursor": first["next_cursor"]},
            headers=owner.headers,
        )
    ).json()

    assert [e["date"] for e in second["entries"]] == ["2025-05-01", "2025-04-01", "2025-03-01"]
    assert [e["balance"] for e in second["entries"]] == ["15.00", "10.00", "6.00"]
    # The totals and period now reach the newest row of the statement, the new payment too.
    assert second["period"] == {"from": "2025-03-01", "to": "2025-09-01"}
    assert second["total_received"] == format_money(sum(m * 1_00 for m in range(3, 9)) + 50_00)


@settings(RANDOMISED, max_examples=10)
@given(history=histories, cheque=st.tuples(st.integers(0, 400), amounts, st.integers(0, 30)))
async def test_backdated_return_in_a_random_history_rebalances_every_later_row(
    client, owner, session, ledger_consistent, history, cheque
):
    """A cheque returned weeks ago, recorded now: every row after its return date moves by its
    amount on every page, and the stored balance still equals the entries."""
    ledger = await new_ledger(session, owner.id, owner.store_id)
    await arrange(ledger, history)

    day, amount, later = cheque
    received_on = START + timedelta(days=day)
    await ledger.returned_cheque(amount, received_on, received_on + timedelta(days=later))
    pages = await fetch_pages(client, owner.headers, ledger.customer_id, limit=3)
    check_pages(pages, ledger.expected(), limit=3)
    await ledger_consistent()
