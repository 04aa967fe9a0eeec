"""Every query of the customers domain.

The list, search, duplicates and export paths select plain columns with Core (no ORM objects):
they are the POS's hot path. Quick-sale customers never come out of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    RowMapping,
    Select,
    and_,
    bindparam,
    case,
    delete,
    false,
    literal,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from custledger.auth.models import PrincipalRow
from custledger.balance.models import MonthlyTotal
from custledger.customers.models import Customer
from custledger.kit.audit import AuditEntry
from custledger.kit.db import Prepared, RowData
from custledger.kit.text import digits, fold
from custledger.orders.models import Delivery, Order
from custledger.payments.models import Cheque, Payment

# What a customer response is built from (``schemas.customer_out``).
OUT_COLUMNS: tuple[InstrumentedAttribute[Any], ...] = (
    Customer.id,
    Customer.number,
    Customer.store_id,
    Customer.is_quick_sale,
    Customer.name,
    Customer.trade_name,
    Customer.contact,
    Customer.phone,
    Customer.email,
    Customer.address,
    Customer.address_number,
    Customer.complement,
    Customer.neighbourhood,
    Customer.city,
    Customer.state,
    Customer.postal_code,
    Customer.country,
    Customer.tax_id,
    Customer.legacy_rg_ie,
    Customer.legacy_registration,
    Customer.notes,
    Customer.active,
    Customer.blocked,
    Customer.credit_limit,
    Customer.next_invoice_date,
    Customer.billing_instructions,
    Customer.production,
    Customer.balance,
    Customer.credit_reserved,
    Customer.total_purchases,
    Customer.created_at,
    Customer.updated_at,
    Customer.version,
)
# The list also needs the folded name for the default order's cursor.
LIST_COLUMNS = (*OUT_COLUMNS, Customer.sort_name)

MAX_NUMBER = 2**31 - 1
MAX_SEARCH_TERMS = 10
# A term made only of digits and the punctuation of phones and tax ids is searched as digits:
# "(31)" or "529.982.247-25" are found in the digits-only part of the search text.
_NUMERIC_TERM = re.compile(r"^[0-9().\-/+]+$")
_ALL_DIGITS = re.compile(r"^[0-9]+$")


@dataclass(frozen=True, slots=True)
class CustomerFilters:
    q: str | None = None
    status: str = "all"
    blocked: bool | None = None
    store_id: int | None = None


def _like(column: InstrumentedAttribute[str], term: str) -> ColumnElement[bool]:
    """``column`` contains ``term`` (LIKE wildcards in the term taken literally)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape="\\")


def _contains(term: str) -> ColumnElement[bool]:
    """The folded search text contains ``term``: on PostgreSQL the trigram index serves it."""
    return _like(Customer.search_text, term)


def search_condition(q: str) -> ColumnElement[bool] | None:
    """Every word of ``q`` is contained in the folded search text (name, trade name, contact,
    e-mail, city, phone digits, tax id digits); an all-digit ``q`` also matches the number."""
    terms = q.split()
    conditions: list[ColumnElement[bool]] = []
    for term in terms:
        number = digits(term)
        if number and _NUMERIC_TERM.match(term):
            # Phones and tax ids are stored as digits: "(31)", "529.982.247-25" → digits.
            conditions.append(_contains(number))
            continue
        folded = fold(term)
        if folded:
            conditions.append(_contains(folded))
    if not terms:
        return None
    if not conditions:
        return false()  # words that fold to nothing (symbols only) match no one
    condition = and_(*conditions)
    stripped = q.strip()
    if _ALL_DIGITS.match(stripped) and int(stripped) <= MAX_NUMBER:
        condition = or_(condition, Customer.number == int(stripped))
    return condition


def listed() -> ColumnElement[bool]:
    """Never a quick-sale customer in a list, a search or an export (``= false`` so the
    listing index serves it)."""
    return Customer.is_quick_sale == false()


def filter_conditions(filters: CustomerFilters) -> list[ColumnElement[bool]]:
    conditions = [listed()]
    if filters.q:
        search = search_condition(filters.q)
        if search is not None:
            conditions.append(search)
    if filters.status == "active":
        conditions.append(Customer.active == true())
    elif filters.status == "inactive":
        conditions.append(Customer.active == false())
    if filters.blocked is not None:
        conditions.append(Customer.blocked == (true() if filters.blocked else false()))
    if filters.store_id is not None:
        conditions.append(Customer.store_id == filters.store_id)
    return conditions


# Each explicit sort: (column, descending); the id breaks ties in the same direction.
SORTS: dict[str, tuple[InstrumentedAttribute[Any], bool]] = {
    "name": (Customer.sort_name, False),
    "-name": (Customer.sort_name, True),
    "number": (Customer.number, False),
    "-number": (Customer.number, True),
    "created_at": (Customer.created_at, False),
    "-created_at": (Customer.created_at, True),
    "total_purchases": (Customer.total_purchases, False),
    "-total_purchases": (Customer.total_purchases, True),
}


def page_query(
    conditions: Sequence[ColumnElement[bool]],
    column: InstrumentedAttribute[Any],
    descending: bool,
    after: tuple[Any, int] | None,
    limit: int,
) -> Select[Any]:
    """One keyset range of the list: ``(column, id)`` after ``after`` in one direction."""
    query: Select[Any] = select(*LIST_COLUMNS).where(*conditions)
    if after is not None:
        key = tuple_(column, Customer.id)
        bound = tuple_(literal(after[0], column.type), literal(after[1]))
        query = query.where(key < bound if descending else key > bound)
    if descending:
        query = query.order_by(column.desc(), Customer.id.desc())
    else:
        query = query.order_by(column.asc(), Customer.id.asc())
    return query.limit(limit)


async def _fetch(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    column: InstrumentedAttribute[Any],
    descending: bool,
    after: tuple[Any, int] | None,
    limit: int,
) -> list[RowMapping]:
    query = page_query(conditions, column, descending, after, limit)
    return list((await session.execute(query)).mappings().all())


async def list_rows(
    session: AsyncSession,
    filters: CustomerFilters,
    sort: str | None,
    after: list[Any] | None,
    limit: int,
) -> list[RowMapping]:
    """Up to ``limit`` rows after the keyset position ``after`` (the sort key of the last row
    of the previous page, as ``sort_key`` gives it)."""
    conditions = filter_conditions(filters)
    if sort is not None:
        column, descending = SORTS[sort]
        position = (after[0], after[1]) if after is not None else None
        return await _fetch(session, conditions, column, descending, position, limit)
    # Default: active first, then inactive, each by folded name. Two range scans of the
    # listing index (is_quick_sale, active, sort_name, id) instead of one mixed-direction sort.
    phases = {"active": [True], "inactive": [False]}.get(filters.status, [True, False])
    rows: list[RowMapping] = []
    for active in phases:
        if after is not None and after[0] is False and active is True:
            continue
        position = (after[1], after[2]) if after is not None and after[0] is active else None
        rows += await _fetch(
            session,
            [*conditions, Customer.active == (true() if active else false())],
            Customer.sort_name,
            False,
            position,
            limit - len(rows),
        )
        if len(rows) >= limit:
            break
    return rows


def position(row: RowMapping, sort: str | None) -> list[Any]:
    """The keyset position of ``row`` in the order ``sort``: ``after`` of ``list_rows``."""
    if sort is None:
        return [bool(row["active"]), row["sort_name"], row["id"]]
    column, _ = SORTS[sort]
    return [row[column.key], row["id"]]


def sort_key(row: RowMapping, sort: str | None) -> list[Any]:
    """``position`` as JSON values, for a cursor (``parse_sort_key`` reverses it)."""
    return [v.isoformat() if isinstance(v, datetime) else v for v in position(row, sort)]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_sort_key(sort: str | None, key: list[Any]) -> list[Any]:
    """``sort_key``'s output back into column values; ValueError if it is not one."""
    if sort is None:
        active, name, last_id = key
        if isinstance(active, bool) and isinstance(name, str) and _is_int(last_id):
            return key
        raise ValueError("not a position of the default order")
    value, last_id = key
    if not _is_int(last_id):
        raise ValueError("not a position")
    column, _ = SORTS[sort]
    if column is Customer.sort_name and isinstance(value, str):
        return key
    if column is Customer.created_at and isinstance(value, str):
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("not a position")
        return [moment, last_id]
    if (column is Customer.number or column is Customer.total_purchases) and _is_int(value):
        return key
    raise ValueError("not a position")


# Built once: a customer read is the busiest query of the API.
_OUT_ROW = Prepared(select(*OUT_COLUMNS).where(Customer.id == bindparam("customer_id")))


async def out_row(session: AsyncSession, customer_id: int) -> RowData | None:
    return await _OUT_ROW.first(session, {"customer_id": customer_id})


async def exists(session: AsyncSession, customer_id: int) -> bool:
    found = await session.scalar(select(Customer.id).where(Customer.id == customer_id))
    return found is not None


async def holder_of_tax_id(
    session: AsyncSession, tax_id: str, *, other_than: int | None = None
) -> RowMapping | None:
    query = select(Customer.id, Customer.number, Customer.name).where(Customer.tax_id == tax_id)
    if other_than is not None:
        query = query.where(Customer.id != other_than)
    return (await session.execute(query.limit(1))).mappings().one_or_none()


async def has_history(session: AsyncSession, customer_id: int) -> bool:
    """Any payment, cheque, order or delivery at all."""
    for model in (Payment, Cheque, Order, Delivery):
        query = select(literal(1)).where(model.customer_id == customer_id).limit(1)
        if await session.scalar(query) is not None:
            return True
    return False


async def delete_monthly_totals(session: AsyncSession, customer_id: int) -> None:
    """Empty month rows a customer without history may still carry (an undone move)."""
    await session.execute(delete(MonthlyTotal).where(MonthlyTotal.customer_id == customer_id))


# --- duplicates --------------------------------------------------------------------------------

DUPLICATE_CANDIDATES = 200


async def with_tax_id(session: AsyncSession, tax_id: str) -> list[RowMapping]:
    query = select(*LIST_COLUMNS).where(listed(), Customer.tax_id == tax_id)
    return list((await session.execute(query.limit(DUPLICATE_CANDIDATES))).mappings().all())


async def with_email(session: AsyncSession, email: str) -> list[RowMapping]:
    query = select(*LIST_COLUMNS).where(listed(), Customer.email == email)
    return list((await session.execute(query.limit(DUPLICATE_CANDIDATES))).mappings().all())


async def with_phone_digits(session: AsyncSession, phone_digits: str) -> list[RowMapping]:
    """Candidates whose search text holds these digits (the caller compares the phones)."""
    query = select(*LIST_COLUMNS).where(listed(), _contains(phone_digits))
    return list((await session.execute(query.limit(DUPLICATE_CANDIDATES))).mappings().all())


async def with_name_tokens(session: AsyncSession, tokens: Sequence[str]) -> list[RowMapping]:
    """Candidates whose folded name holds any of ``tokens``, those holding most first."""
    matches = [and_(_contains(token), _like(Customer.sort_name, token)) for token in tokens]
    score = sum((case((m, 1), else_=0) for m in matches), literal(0))
    query = (
        select(*LIST_COLUMNS)
        .where(listed(), or_(*matches))
        .order_by(score.desc(), Customer.id)
        .limit(DUPLICATE_CANDIDATES)
    )
    return list((await session.execute(query)).mappings().all())


# --- audit -------------------------------------------------------------------------------------


async def audit_page(
    session: AsyncSession, customer_id: int, before_id: int | None, limit: int
) -> list[RowMapping]:
    """Audit entries about a customer, newest first (the customer may no longer exist)."""
    query = (
        select(
            AuditEntry.id,
            AuditEntry.occurred_at,
            AuditEntry.action,
            AuditEntry.entity_type,
            AuditEntry.entity_id,
            AuditEntry.customer_id,
            AuditEntry.principal_id,
            PrincipalRow.name.label("principal_name"),
            AuditEntry.changes,
            AuditEntry.request_id,
        )
        .outerjoin(PrincipalRow, PrincipalRow.id == AuditEntry.principal_id)
        .where(AuditEntry.customer_id == customer_id)
    )
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    query = query.order_by(AuditEntry.id.desc()).limit(limit)
    return list((await session.execute(query)).mappings().all())
