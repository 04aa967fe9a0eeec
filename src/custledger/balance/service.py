"""The balance rule: balance = Σ received payments − Σ deliveries − Σ returned cheques,
stored on the customer row, with ``total_purchases`` = Σ deliveries beside it.

A returned (bounced) cheque keeps its payment, received on its date, and adds a debit of its
amount on its return date (``payments/lifecycle.py``).

Every money change goes through ``move`` with the customer row locked (``lock_customer``), so
two terminals never lose an update; the monthly totals beside it are kept in the same
transaction. ``recompute_all`` re-derives everything from the entries and reports differences.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.dml import Insert, Update

from custledger.balance.models import MonthlyTotal
from custledger.customers.models import Customer
from custledger.kit import audit
from custledger.kit.db import Prepared, lift_statement_timeout, table, utcnow
from custledger.kit.errors import NotFound
from custledger.kit.money import format_money
from custledger.orders.models import Delivery
from custledger.payments.models import Cheque, Payment


def month_of(day: date) -> date:
    return day.replace(day=1)


# Built once: every money write starts here.
_LOCK_CUSTOMER = (
    select(Customer)
    .where(Customer.id == bindparam("customer_id"))
    .with_for_update()
    .execution_options(populate_existing=True)
)


async def lock_customer(session: AsyncSession, customer_id: int) -> Customer:
    """The customer row, locked until the transaction ends (a no-op lock on SQLite, whose
    writers are serialised anyway)."""
    customer = await session.scalar(_LOCK_CUSTOMER, {"customer_id": customer_id})
    if customer is None:
        raise NotFound(f"No customer with id {customer_id}.", type="customer-not-found")
    return customer


async def lock_customers(session: AsyncSession, customer_ids: Iterable[int]) -> list[Customer]:
    """Several customers locked in ascending id order, so two transactions locking the same
    pair can never deadlock. Returned in ascending id order."""
    return [await lock_customer(session, cid) for cid in sorted(set(customer_ids))]


def _add_to_month(insert: Any) -> Insert:
    """Add to a month's totals, creating the row on the month's first entry: one statement."""
    totals = table(MonthlyTotal)
    values = insert(totals).values(
        customer_id=bindparam("customer_id"),
        month=bindparam("month"),
        received=bindparam("received"),
        delivered=bindparam("delivered"),
        returned=bindparam("returned"),
    )
    upsert: Insert = values.on_conflict_do_update(
        index_elements=[totals.c.customer_id, totals.c.month],
        set_={
            "received": totals.c.received + values.excluded.received,
            "delivered": totals.c.delivered + values.excluded.delivered,
            "returned": totals.c.returned + values.excluded.returned,
        },
    )
    return upsert


_customers = table(Customer)
_move_balance = (
    update(_customers)
    .where(_customers.c.id == bindparam("customer_id"))
    .values(
        balance=_customers.c.balance + bindparam("amount"),
        # What the customer bought is what was delivered: every delivery moves it too (a
        # payment adds 0, which leaves the row's indexed value, and a HOT update, alone).
        total_purchases=_customers.c.total_purchases + bindparam("delivered"),
        updated_at=bindparam("now"),
    )
    .returning(_customers.c.balance)
)


def move_statement() -> Update:
    """PostgreSQL's move: the month's totals and the balance in one statement (the upsert as a
    data-modifying WITH), returning the balance; a caller may add writes of its own to it
    (``add_cte``) to make its whole money write one round trip. Its values: ``move_values``."""
    return _move_balance.add_cte(_add_to_month(postgresql.insert).cte("month"))


# Built once: every money write runs them. SQLite, whose WITH cannot write, takes two.
_MOVE = {
    "postgresql": (Prepared(move_statement()),),
    "sqlite": (Prepared(_add_to_month(sqlite.insert)), Prepared(_move_balance)),
}


def move_values(
    customer: Customer, on: date, *, received: int = 0, delivered: int = 0, returned: int = 0
) -> dict[str, Any]:
    """The values of a move (its statements bind them by name)."""
    return {
        "customer_id": customer.id,
        "month": month_of(on),
        "received": received,
        "delivered": delivered,
        "returned": returned,
        "amount": received - delivered - returned,
        "now": utcnow(),
    }


async def move(
    session: AsyncSession,
    customer: Customer,
    on: date,
    *,
    received: int = 0,
    delivered: int = 0,
    returned: int = 0,
) -> None:
    """Apply a received amount, a delivered amount and/or a returned cheque's amount (negative
    to undo) dated ``on``; a delivered amount moves ``total_purchases`` as well.

    The customer must have been locked with ``lock_customer`` in this transaction. The month's
    totals and the balance are moved without a read first (one statement on PostgreSQL).
    """
    if received == 0 and delivered == 0 and returned == 0:
        return
    values = move_values(customer, on, received=received, delivered=delivered, returned=returned)
    for statement in _MOVE[session.get_bind().dialect.name]:
        rows = await statement.all(session, values)
    await moved(session, customer, rows[0]["balance"], values)


async def moved(
    session: AsyncSession, customer: Customer, balance: int, values: dict[str, Any]
) -> None:
    """After a move made with ``values``: the customer object is told the balance the database
    now has (the row is locked by this transaction), and a settled customer's invoicing is
    cleared."""
    set_committed_value(customer, "balance", balance)
    if values["delivered"]:
        purchases = customer.total_purchases + values["delivered"]
        set_committed_value(customer, "total_purchases", purchases)
    set_committed_value(customer, "updated_at", values["now"])
    await clear_invoicing_if_settled(session, customer)
    await session.flush()


async def clear_invoicing_if_settled(session: AsyncSession, customer: Customer) -> None:
    """Out of debt, the invoice follow-up is moot: clear it, audited as a system change."""
    if customer.balance < 0:
        return
    if customer.next_invoice_date is None and customer.billing_instructions is None:
        return
    before = {
        "next_invoice_date": customer.next_invoice_date,
        "billing_instructions": customer.billing_instructions,
    }
    customer.next_invoice_date = None
    customer.billing_instructions = None
    customer.version += 1
    await audit.record(
        session,
        principal_id=None,
        action="customer.invoicing_cleared",
        entity_type="customer",
        entity_id=customer.id,
        customer_id=customer.id,
        before=before,
        after={"next_invoice_date": None, "billing_instructions": None},
        extra={"reason": f"balance is {format_money(customer.balance)}"},
    )


async def derived_balance(session: AsyncSession, customer_id: int) -> int:
    received = await session.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0)).where(
            Payment.customer_id == customer_id, Payment.received_on.is_not(None)
        )
    )
    delivered = await session.scalar(
        select(func.coalesce(func.sum(Delivery.amount), 0)).where(
            Delivery.customer_id == customer_id
        )
    )
    returned = await session.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0))
        .join(Cheque, Cheque.payment_id == Payment.id)
        .where(Cheque.customer_id == customer_id, Cheque.returned_on.is_not(None))
    )
    return int(received or 0) - int(delivered or 0) - int(returned or 0)


def _returned_cheques() -> Any:
    """Returned cheques as (customer_id, returned_on, amount): the amount is the payment's."""
    return (
        select(Cheque.customer_id, Cheque.returned_on, Payment.amount)
        .join(Payment, Payment.id == Cheque.payment_id)
        .where(Cheque.returned_on.is_not(None))
    )


async def _derived_months(
    session: AsyncSession, customer_id: int
) -> dict[date, tuple[int, int, int]]:
    months: dict[date, list[int]] = {}
    payments = await session.execute(
        select(Payment.received_on, Payment.amount).where(
            Payment.customer_id == customer_id, Payment.received_on.is_not(None)
        )
    )
    for received_on, amount in payments:
        assert received_on is not None
        months.setdefault(month_of(received_on), [0, 0, 0])[0] += amount
    deliveries = await session.execute(
        select(Delivery.delivered_on, Delivery.amount).where(Delivery.customer_id == customer_id)
    )
    for delivered_on, amount in deliveries:
        months.setdefault(month_of(delivered_on), [0, 0, 0])[1] += amount
    returned = await session.execute(_returned_cheques().where(Cheque.customer_id == customer_id))
    for _customer, returned_on, amount in returned:
        months.setdefault(month_of(returned_on), [0, 0, 0])[2] += amount
    return {m: (r, d, x) for m, (r, d, x) in months.items() if r or d or x}


async def rebuild(session: AsyncSession, customer: Customer) -> None:
    """Re-derive the customer's balance, total purchases (Σ deliveries) and monthly totals
    from its entries (after a merge or a repair). The customer must be locked."""
    months = await _derived_months(session, customer.id)
    existing = {
        t.month: t
        for t in await session.scalars(
            select(MonthlyTotal)
            .where(MonthlyTotal.customer_id == customer.id)
            # The money writes move the totals without the ORM: never trust a loaded copy.
            .execution_options(populate_existing=True)
        )
    }
    for month, total in existing.items():
        if month not in months:
            await session.delete(total)
    for month, (received, delivered, returned) in months.items():
        current = existing.get(month)
        if current is None:
            session.add(
                MonthlyTotal(
                    customer_id=customer.id,
                    month=month,
                    received=received,
                    delivered=delivered,
                    returned=returned,
                )
            )
        else:
            current.received, current.delivered = received, delivered
            current.returned = returned
    customer.balance = sum(r - d - x for r, d, x in months.values())
    customer.total_purchases = sum(d for _r, d, _x in months.values())
    await clear_invoicing_if_settled(session, customer)
    await session.flush()


async def recompute_all(session: AsyncSession, *, fix: bool = False) -> list[str]:
    """One line per customer whose stored balance, total purchases or monthly totals differ
    from the entries."""
    await lift_statement_timeout(session)
    received = (
        select(Payment.customer_id, func.sum(Payment.amount).label("amount"))
        .where(Payment.received_on.is_not(None))
        .group_by(Payment.customer_id)
        .subquery()
    )
    delivered = (
        select(Delivery.customer_id, func.sum(Delivery.amount).label("amount"))
        .group_by(Delivery.customer_id)
        .subquery()
    )
    returned_rows = _returned_cheques().subquery()
    returned = (
        select(returned_rows.c.customer_id, func.sum(returned_rows.c.amount).label("amount"))
        .group_by(returned_rows.c.customer_id)
        .subquery()
    )
    monthly = (
        select(
            MonthlyTotal.customer_id,
            func.sum(MonthlyTotal.received - MonthlyTotal.delivered - MonthlyTotal.returned).label(
                "net"
            ),
        )
        .group_by(MonthlyTotal.customer_id)
        .subquery()
    )
    derived = (
        func.coalesce(received.c.amount, 0)
        - func.coalesce(delivered.c.amount, 0)
        - func.coalesce(returned.c.amount, 0)
    )
    purchases = func.coalesce(delivered.c.amount, 0)
    rows = await session.execute(
        select(
            Customer.id,
            Customer.balance,
            derived.label("derived"),
            monthly.c.net,
            Customer.total_purchases,
            purchases.label("purchases"),
        )
        .outerjoin(received, received.c.customer_id == Customer.id)
        .outerjoin(delivered, delivered.c.customer_id == Customer.id)
        .outerjoin(returned, returned.c.customer_id == Customer.id)
        .outerjoin(monthly, monthly.c.customer_id == Customer.id)
        .where(
            (Customer.balance != derived)
            | (func.coalesce(monthly.c.net, 0) != derived)
            | (Customer.total_purchases != purchases)
        )
        .order_by(Customer.id)
    )
    lines = []
    for customer_id, stored, derived_value, net, stored_purchases, purchased in rows:
        lines.append(
            f"customer {customer_id}: stored {format_money(stored)}, "
            f"derived {format_money(int(derived_value))}, "
            f"monthly totals {format_money(int(net or 0))}, "
            f"total purchases stored {format_money(stored_purchases)}, "
            f"delivered {format_money(int(purchased))}" + (" (fixed)" if fix else "")
        )
        if fix:
            await rebuild(session, await lock_customer(session, customer_id))
    return lines


def available_credit(credit_limit: int | None, balance: int, credit_reserved: int) -> int | None:
    """Credit limit − debt − undelivered open credit orders; None when the customer has no
    credit at all (no limit). Can be negative when a limit was lowered below the debt."""
    if credit_limit is None:
        return None
    debt = max(0, -balance)
    return credit_limit - debt - credit_reserved
