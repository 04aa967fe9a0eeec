"""Every query of the payments domain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.auth.models import PrincipalRow
from custledger.balance import service as balance
from custledger.customers.models import Customer
from custledger.kit import audit
from custledger.kit.db import Prepared, RowData, insert_row, prefixed, table
from custledger.payments.models import Cheque, Payment

# A flat result row of a Core select (columns by name).
AnyRow = Row[*tuple[Any, ...]]


def _rows() -> Select[*tuple[Any, ...]]:
    """Payments as flat rows with the recorder's name and the cheque: no ORM hydration on the
    list path (the hot read path of the Payments tab)."""
    return (
        select(
            Payment.id,
            Payment.customer_id,
            Payment.order_number,
            Payment.recorded_by_id,
            PrincipalRow.name.label("recorded_by_name"),
            Payment.method,
            Payment.amount,
            Payment.due_date,
            Payment.received_on,
            Payment.details,
            Payment.created_at,
            Payment.updated_at,
            Payment.version,
            Cheque.id.label("cheque_id"),
            Cheque.predated_to,
            Cheque.issuer_tax_id,
            Cheque.issuer_name,
            Cheque.bank,
            Cheque.branch,
            Cheque.account,
            Cheque.cheque_number,
            Cheque.status,
            Cheque.deposited_on,
            Cheque.deposited_by_id,
            Cheque.cleared_on,
            Cheque.cleared_by_id,
            Cheque.returned_on,
            Cheque.returned_by_id,
            Cheque.return_reason,
        )
        .join(PrincipalRow, PrincipalRow.id == Payment.recorded_by_id)
        .outerjoin(Cheque, Cheque.payment_id == Payment.id)
    )


# Built once: the busiest write (the service gives every column's value).
_INSERT = Prepared(insert_row(Payment).returning(table(Payment).c.id))


async def insert_payment(session: AsyncSession, values: dict[str, Any]) -> int:
    """Write a payment row; its id."""
    row = await _INSERT.first(session, values)
    assert row is not None
    return int(row["id"])


# The rows' parameters in the statement that writes them together.
_PAYMENT, _CHEQUE = "payment_", "cheque_"


def _written_together(moves: bool, has_cheque: bool) -> Prepared:
    payment = insert_row(Payment, _PAYMENT).returning(table(Payment).c.id).cte("payment")
    payment_id = select(payment.c.id).scalar_subquery()
    writes = [payment, audit.insert_about(payment_id).cte("audit_entry")]
    returned = [payment_id.label("payment_id")]
    if has_cheque:
        cheque = (
            insert_row(Cheque, _CHEQUE, payment_id=payment_id)
            .returning(table(Cheque).c.id)
            .cte("cheque")
        )
        writes.append(cheque)
        returned.append(select(cheque.c.id).scalar_subquery().label("cheque_id"))
    if moves:
        return Prepared(balance.move_statement().add_cte(*writes).returning(*returned))
    return Prepared(select(*returned).add_cte(*writes))


# Built once, PostgreSQL only: a payment received or not, with a cheque or not.
_WRITTEN_TOGETHER = {
    (moves, has_cheque): _written_together(moves, has_cheque)
    for moves in (False, True)
    for has_cheque in (False, True)
}


async def insert_payment_together(
    session: AsyncSession,
    values: dict[str, Any],
    audit_entry: dict[str, Any],
    cheque: dict[str, Any] | None,
    move: dict[str, Any] | None,
) -> RowData:
    """PostgreSQL: a payment row, its audit row (``audit.entry``), its cheque row if any and,
    for a received payment, the balance's move (``balance.move_values``) in one statement
    (data-modifying WITHs: one round trip for the busiest write). Returns ``payment_id``,
    ``cheque_id`` if any and ``balance`` if moved."""
    params = {
        **prefixed(_PAYMENT, values),
        **prefixed(audit.PREFIX, audit_entry),
        **prefixed(_CHEQUE, cheque or {}),
        **(move or {}),
    }
    row = await _WRITTEN_TOGETHER[move is not None, cheque is not None].first(session, params)
    assert row is not None
    return row


async def customer_exists(session: AsyncSession, customer_id: int) -> bool:
    found = await session.scalar(select(Customer.id).where(Customer.id == customer_id))
    return found is not None


async def list_rows(
    session: AsyncSession,
    customer_id: int,
    *,
    status: str,
    before_id: int | None,
    limit: int,
) -> Sequence[AnyRow]:
    """Up to ``limit`` payments of the customer, newest (highest id) first, below ``before_id``."""
    query = _rows().where(Payment.customer_id == customer_id)
    if status == "received":
        query = query.where(Payment.received_on.is_not(None))
    elif status == "pending":
        query = query.where(Payment.received_on.is_(None))
    if before_id is not None:
        query = query.where(Payment.id < before_id)
    result = await session.execute(query.order_by(Payment.id.desc()).limit(limit))
    return result.all()


async def row(session: AsyncSession, payment_id: int) -> AnyRow | None:
    result = await session.execute(_rows().where(Payment.id == payment_id))
    return result.one_or_none()


async def rows_by_ids(session: AsyncSession, payment_ids: Sequence[int]) -> Sequence[AnyRow]:
    result = await session.execute(_rows().where(Payment.id.in_(payment_ids)).order_by(Payment.id))
    return result.all()


async def customer_of(session: AsyncSession, payment_id: int) -> int | None:
    return await session.scalar(select(Payment.customer_id).where(Payment.id == payment_id))


async def get_fresh(session: AsyncSession, payment_id: int) -> Payment | None:
    """The payment as stored now (read after its customer was locked)."""
    return await session.scalar(
        select(Payment).where(Payment.id == payment_id).execution_options(populate_existing=True)
    )


async def cheque_of(session: AsyncSession, payment_id: int) -> Cheque | None:
    return await session.scalar(
        select(Cheque)
        .where(Cheque.payment_id == payment_id)
        .execution_options(populate_existing=True)
    )


async def delete_cheque(session: AsyncSession, payment_id: int) -> None:
    await session.execute(delete(Cheque).where(Cheque.payment_id == payment_id))


async def delete_payment(session: AsyncSession, payment_id: int) -> None:
    await session.execute(delete(Cheque).where(Cheque.payment_id == payment_id))
    await session.execute(delete(Payment).where(Payment.id == payment_id))


async def latest_issuer(session: AsyncSession, tax_id: str) -> AnyRow | None:
    """Issuer details of the most recently recorded cheque with this tax id."""
    result = await session.execute(
        select(
            Cheque.issuer_tax_id,
            Cheque.issuer_name,
            Cheque.bank,
            Cheque.branch,
            Cheque.account,
        )
        .where(Cheque.issuer_tax_id == tax_id)
        .order_by(Cheque.id.desc())
        .limit(1)
    )
    return result.one_or_none()


@dataclass(frozen=True, slots=True)
class ChequeFilters:
    """``GET /cheques``: each set filter narrows the list (dates inclusive)."""

    status: str | None = None
    predated_to_before: date | None = None
    store_id: int | None = None
    customer_id: int | None = None
    returned_from: date | None = None
    returned_to: date | None = None


async def cheque_rows(
    session: AsyncSession,
    filters: ChequeFilters,
    *,
    after: tuple[date, int] | None,
    limit: int,
) -> Sequence[AnyRow]:
    """Cheques with their payment and customer, by (pre-dated day, payment id), after the
    keyset ``after``."""
    query = _rows().add_columns(
        Customer.number.label("customer_number"),
        Customer.name.label("customer_name"),
        Customer.store_id,
    )
    # _rows() outer-joins the cheque; here every row has one.
    query = query.join(Customer, Customer.id == Payment.customer_id).where(Cheque.id.is_not(None))
    if filters.status is not None:
        query = query.where(Cheque.status == filters.status)
    if filters.predated_to_before is not None:
        query = query.where(Cheque.predated_to <= filters.predated_to_before)
    if filters.store_id is not None:
        query = query.where(Customer.store_id == filters.store_id)
    if filters.customer_id is not None:
        query = query.where(Cheque.customer_id == filters.customer_id)
    if filters.returned_from is not None:
        query = query.where(Cheque.returned_on >= filters.returned_from)
    if filters.returned_to is not None:
        query = query.where(Cheque.returned_on <= filters.returned_to)
    if after is not None:
        query = query.where(tuple_(Cheque.predated_to, Cheque.payment_id) > tuple_(*after))
    query = query.order_by(Cheque.predated_to, Cheque.payment_id).limit(limit)
    return (await session.execute(query)).all()
