"""Merging a duplicate customer (the source) into the one that stays (the survivor).

One transaction, both customer rows locked in ascending id order (so A→B and B→A at once
cannot deadlock: the second waits, then finds its source or survivor gone and gets a 404).
Every record of the source is reassigned with one bulk UPDATE per table, the survivor's
balance and monthly totals are rebuilt from the entries it now holds, an audit entry keeps the
source's full row, and the source is deleted. Any error rolls all of it back.

A payment or delivery written to the source at the same moment locks the source first (the
balance rule), so it either commits before the merge takes the lock (and is moved) or waits
and then finds the source gone (404): it is never left on a deleted customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.auth.principal import Principal
from custledger.balance import service as balance
from custledger.customers.models import Customer
from custledger.kit import audit
from custledger.kit.errors import Conflict, NotFound, Unprocessable
from custledger.kit.money import format_money
from custledger.merge import repository

ACTION = "customer.merge"
# Customer columns holding cents: the snapshot shows them as the API does ("1250.00").
MONEY_COLUMNS = frozenset({"balance", "credit_limit", "credit_reserved", "total_purchases"})


@dataclass(frozen=True)
class Preview:
    survivor: Customer
    source: Customer
    moves: dict[str, int]
    survivor_balance_after: int


@dataclass(frozen=True)
class Outcome:
    survivor: Customer
    moved: dict[str, int]
    audit_id: int


def snapshot(customer: Customer) -> dict[str, Any]:
    """Every column of the customer row (money as decimal strings, dates as ISO text)."""
    row: dict[str, Any] = {}
    for attribute in inspect(Customer).column_attrs:
        value = getattr(customer, attribute.key)
        if attribute.key in MONEY_COLUMNS and value is not None:
            value = format_money(value)
        row[attribute.key] = value
    return row


def _gone(customer_id: int) -> NotFound:
    return NotFound(
        f"No customer with id {customer_id}. It may have been merged into another customer "
        "already; its history stays readable under GET /customers/{id}/audit.",
        type="customer-not-found",
        customer_id=customer_id,
    )


async def _refuse_quick_sale(session: AsyncSession, customer: Customer) -> None:
    if customer.is_quick_sale or await repository.is_store_quick_sale(session, customer.id):
        raise Conflict(
            f"Customer {customer.id} is a store's quick-sale (walk-in) customer; it can be "
            "neither merged into another customer nor receive one.",
            type="quick-sale-customer",
            customer_id=customer.id,
        )


async def _checked_pair(
    session: AsyncSession, survivor_id: int, source_id: int, source_location: str
) -> tuple[Customer, Customer]:
    """The refusals every merge and preview makes, in the order a client would fix them."""
    if survivor_id == source_id:
        raise Unprocessable(
            "A customer cannot be merged into itself: choose the duplicate as the source.",
            type="merge-into-itself",
            errors=[
                {
                    "field": "source_id",
                    "location": source_location,
                    "message": "must differ from the surviving customer",
                }
            ],
        )
    survivor = await repository.customer(session, survivor_id)
    if survivor is None:
        raise _gone(survivor_id)
    source = await repository.customer(session, source_id)
    if source is None:
        raise _gone(source_id)
    await _refuse_quick_sale(session, survivor)
    await _refuse_quick_sale(session, source)
    return survivor, source


async def preview(session: AsyncSession, survivor_id: int, source_id: int) -> Preview:
    """What ``merge`` would do now (no locks: the figures may change before the merge)."""
    survivor, source = await _checked_pair(session, survivor_id, source_id, "query")
    return Preview(
        survivor=survivor,
        source=source,
        moves=await repository.count_records(session, source.id),
        survivor_balance_after=survivor.balance + source.balance,
    )


async def _lock_pair(
    session: AsyncSession, survivor_id: int, source_id: int
) -> tuple[Customer, Customer]:
    """Both rows locked in ascending id order (``balance.lock_customers``' order), naming the
    one that vanished while this transaction waited for the lock."""
    locked: dict[int, Customer] = {}
    for customer_id in sorted((survivor_id, source_id)):
        try:
            locked[customer_id] = await balance.lock_customer(session, customer_id)
        except NotFound:
            raise _gone(customer_id) from None
    return locked[survivor_id], locked[source_id]


async def merge(
    session: AsyncSession, principal: Principal, survivor_id: int, source_id: int
) -> Outcome:
    # The refusals first, without locks; then the locks. Waiting for them, a concurrent merge
    # may delete either customer (a 404 then), and the balances read before are refreshed.
    # Being a quick-sale customer never changes, so that check need not be repeated.
    await _checked_pair(session, survivor_id, source_id, "body")
    survivor, source = await _lock_pair(session, survivor_id, source_id)

    source_row = snapshot(source)
    survivor_before = {
        "balance": format_money(survivor.balance),
        "total_purchases": format_money(survivor.total_purchases),
        "credit_reserved": format_money(survivor.credit_reserved),
    }

    moved = await repository.move_records(session, source.id, survivor.id)
    survivor.total_purchases += source.total_purchases
    survivor.credit_reserved += source.credit_reserved
    await repository.delete_monthly_totals(session, source.id)
    # Balance = Σ of both customers' entries, monthly totals re-derived, invoice follow-up
    # cleared if the survivor is out of debt.
    await balance.rebuild(session, survivor)

    audit_id = await audit.record(
        session,
        principal_id=principal.id,
        action=ACTION,
        entity_type="customer",
        entity_id=source.id,
        customer_id=source.id,
        before=source_row,
        extra={"merged_into": survivor.id, "moved": moved},
    )
    await audit.record(
        session,
        principal_id=principal.id,
        action=ACTION,
        entity_type="customer",
        entity_id=survivor.id,
        customer_id=survivor.id,
        before=survivor_before,
        after={
            "balance": format_money(survivor.balance),
            "total_purchases": format_money(survivor.total_purchases),
            "credit_reserved": format_money(survivor.credit_reserved),
        },
        extra={
            "merged_from": source.id,
            "merged_from_number": source.number,
            "merged_from_name": source.name,
            "moved": moved,
        },
    )
    await session.flush()
    await repository.delete_customer(session, source)
    await repository.record_merge(session, source.id, survivor.id)
    return Outcome(survivor=survivor, moved=moved, audit_id=audit_id)
