"""Every query of the customers domain.

The list, search, duplicates and export paths select plain columns with Core (no ORM objects):
they are the POS's hot path. Quick-sale customers never come out of them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    RowMapping,
    Select,
    Text,
    and_,
    bindparam,
    case,
    delete,
    false,
    func,
    literal,
    or_,
    select,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from custledger.auth.models import PrincipalRow
from custledger.balance.models import MonthlyTotal
from custledger.customers.models import Customer, CustomerMerge
from custledger.kit.audit import AuditEntry
from custledger.kit.db import Prepared, RowData, is_postgres
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
# The length of the grams of the grams index (migration 0006): a word at least this long is
# looked up there on PostgreSQL.
GRAM = 4
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
    owing: bool | None = None


def _pattern(term: str) -> str:
    """The LIKE pattern of "contains ``term``" (LIKE wildcards in the term taken literally)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _like(column: InstrumentedAttribute[str], term: str) -> ColumnElement[bool]:
    """``column`` contains ``term``."""
    return column.like(_pattern(term), escape="\\")


def _is_digits(term: str) -> bool:
    """A word made of digits and the punctuation of phones and tax ids."""
    return bool(_NUMERIC_TERM.match(term)) and bool(digits(term))


def _word(term: str) -> str:
    """What a search word is looked for as: phones and tax ids are stored as digits, so a word
    made of digits and their punctuation ("(31)", "529.982.247-25") is its digits; any other
    word is folded (lower case, no accents). Empty for a word of symbols only."""
    return digits(term) if _is_digits(term) else fold(term)


def _index_grams(word: str) -> str:
    """What of a word (``GRAM`` characters or more) the grams index is asked for: the index
    only narrows the candidates that the word itself then decides, so each gram asked is a
    posting list read to save candidates. A word's first gram (the start of a name, as a clerk
    types it) narrows most of what its later grams would: they mostly come with it (``oliv``,
    ``live``) or are common (``eira`` of Oliveira, Pereira, Ferreira...). Digits are the
    other way round: every gram narrows, so the first and the last."""
    if _ALL_DIGITS.match(word) and len(word) > GRAM:
        return f"{word[:GRAM]} {word[-GRAM:]}"
    return word[:GRAM]


def _is_number(q: str) -> bool:
    stripped = q.strip()
    return bool(_ALL_DIGITS.match(stripped)) and int(stripped) <= MAX_NUMBER


def listed() -> ColumnElement[bool]:
    """Never a quick-sale customer in a list, a search or an export (``= false`` so the
    listing index serves it)."""
    return Customer.is_quick_sale == false()


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
    "balance": (Customer.balance, False),
    "-balance": (Customer.balance, True),
}

# An order: columns with their direction, the id last.
SortOrder = Sequence[tuple[InstrumentedAttribute[Any], bool]]
# The default order: active first, then by folded name.
DEFAULT_ORDER: SortOrder = (
    (Customer.active, True),
    (Customer.sort_name, False),
    (Customer.id, False),
)

# How many customers of the default order a search reads in order before it asks the trigram
# index instead (well under 1 µs each, index-only): enough for a common word, whose matches the
# trigram index would all fetch and sort (tens of milliseconds at 1,000,000 customers), to
# fill a page.
SEARCH_WINDOW = 8_000


@dataclass(frozen=True, slots=True)
class ListShape:
    """What the SQL of a page of the list depends on; every value is a bound parameter
    (``word0``.. as ``LIKE`` patterns, ``text0``.. and ``grams`` for the grams index,
    ``number``, ``store_id``, ``after_value``, ``after_id``, ``limit``, ``window``). Each
    statement is built once per shape and kept: building this SQL tree costs more CPU than
    PostgreSQL spends on most searches."""

    words: int  # search words (0: no search)
    number: bool  # an all-digit search also matches the customer number
    grams: bool  # on PostgreSQL, a word of ``GRAM`` characters or more: the grams index
    status: str
    blocked: bool | None
    store: bool
    sort: str | None
    owing: bool | None = None

    @property
    def order(self) -> SortOrder:
        if self.sort is None:
            return DEFAULT_ORDER
        column, descending = SORTS[self.sort]
        return ((column, descending), (Customer.id, descending))

    def search(self, text: Any, *, grams: bool = False) -> ColumnElement[bool]:
        """The text ``text`` (the folded search text) holds every word, or the number is
        the one asked for.

        ``grams``: also the grams index's condition, that the search text's grams hold those
        asked of the long words (``_index_grams``); it only narrows the candidates, and each
        word is then checked with ``strpos``, which the trigram index cannot take over (with
        a ``LIKE`` the planner may read both indexes and recheck the grams of every
        candidate: 120 ms for ``clau estev``). With a number the two are ANDed as
        ``(grams OR number) AND (words OR number)``, the same matches: the first is then the
        index scans' own condition, which PostgreSQL does not evaluate again row by row (the
        grams of one row cost about 0.1 ms), and the second is the cheap check."""
        number = Customer.number == bindparam("number", type_=Integer)
        if not grams:
            words = and_(
                *(
                    text.like(bindparam(f"word{i}", type_=Text), escape="\\")
                    for i in range(self.words)
                )
            )
            return or_(words, number) if self.number else words
        asked = func.search_grams(bindparam("grams", type_=Text))
        candidate = func.search_grams(text).op("@>", is_comparison=True)(asked)
        words = and_(
            *(func.strpos(text, bindparam(f"text{i}", type_=Text)) > 0 for i in range(self.words))
        )
        if self.number:
            return and_(or_(candidate, number), or_(words, number))
        return and_(candidate, words)

    def conditions(self, *, search: bool = True, grams: bool = True) -> list[ColumnElement[bool]]:
        """The filters, with or without the search words (looked up in the grams index if the
        shape says so and ``grams``)."""
        found = [listed()]
        if search and self.words:
            found.append(self.search(Customer.search_text, grams=grams and self.grams))
        if self.status != "all":
            found.append(Customer.active == (true() if self.status == "active" else false()))
        if self.blocked is not None:
            found.append(Customer.blocked == (true() if self.blocked else false()))
        if self.store:
            found.append(Customer.store_id == bindparam("store_id", type_=Integer))
        if self.owing is not None:
            # Owes: a balance below zero (the owing indexes of migration 0007 carry it).
            found.append(Customer.balance < 0 if self.owing else Customer.balance >= 0)
        return found


def _after(column: InstrumentedAttribute[Any], descending: bool) -> ColumnElement[bool]:
    """``(column, id)`` strictly after the bound position in one direction."""
    key = tuple_(column, Customer.id)
    bound = tuple_(
        bindparam("after_value", type_=column.type), bindparam("after_id", type_=Integer)
    )
    return key < bound if descending else key > bound


def _default_after(active: bool) -> ColumnElement[bool]:
    """After the bound position ``[active, sort_name, id]`` of the default order."""
    rest = _after(Customer.sort_name, False)
    if active:
        return or_(and_(Customer.active == true(), rest), Customer.active == false())
    return and_(Customer.active == false(), rest)


def _limit() -> Any:
    return bindparam("limit", type_=Integer)


def list_query(shape: ListShape, phase: bool | None, keyed: bool) -> Select[Any]:
    """A range of the list without a search, read in index order: in the default order one
    phase (``phase``: the active or the inactive customers) at a time, so each range is one
    scan of the listing index (is_quick_sale, active, sort_name, id) instead of a
    mixed-direction sort."""
    conditions = shape.conditions()
    order = shape.order
    if phase is not None:
        conditions.append(Customer.active == (true() if phase else false()))
        order = order[1:]
    if keyed:
        conditions.append(_after(*order[0]))
    query = select(*LIST_COLUMNS).where(*conditions)
    return query.order_by(*(c.desc() if d else c.asc() for c, d in order)).limit(_limit())


def _in_order(columns: Any, order: SortOrder) -> list[Any]:
    """``order`` applied to the same-named ``columns`` of a subquery."""
    return [columns[c.key].desc() if d else columns[c.key] for c, d in order]


def _read_whole(first: Any, order: SortOrder) -> Select[Any]:
    """The customers of the subquery ``first`` (ids and sort columns), read whole, in order."""
    return (
        select(*LIST_COLUMNS)
        .join(first, first.c.id == Customer.id)
        .order_by(*_in_order(first.c, order))
    )


def window_query(shape: ListShape, keyed: bool) -> Select[Any]:
    """The first matches of a search among the next ``window`` active customers of the default
    order, read in order from the listing index, which carries the search text."""
    keyset = [_after(Customer.sort_name, False)] if keyed else []
    window = (
        select(Customer.id, Customer.sort_name, Customer.search_text)
        .where(*shape.conditions(search=False), Customer.active == true(), *keyset)
        .order_by(Customer.sort_name, Customer.id)
        .limit(bindparam("window", type_=Integer))
        .subquery("window")
    )
    order = DEFAULT_ORDER[1:]
    first = (
        select(window.c.id, window.c.sort_name)
        .where(shape.search(window.c.search_text))
        .order_by(*_in_order(window.c, order))
        .limit(_limit())
        .subquery("first")
    )
    return _read_whole(first, order)


def search_query(shape: ListShape, keyed: bool | None) -> Select[Any]:
    """A range of a search's matches: every match is found through the trigram index, the
    first ``limit`` in the order are kept, and only those are read whole. The matches are a
    materialized set so that PostgreSQL cannot walk an ordered index instead, filtering as
    it goes: for words whose matches are few and late in the alphabet that reads most of the
    table (3.5 s at 1,000,000 customers). ``keyed``: after a position (in the default order,
    the position's ``active``)."""
    conditions = shape.conditions()
    order = shape.order
    if keyed is not None:
        conditions.append(_default_after(keyed) if shape.sort is None else _after(*order[0]))
    matches = (
        select(Customer.id, *(c for c, _ in order if c is not Customer.id))
        .where(*conditions)
        .cte("matches")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    first = select(matches).order_by(*_in_order(matches.c, order)).limit(_limit())
    return _read_whole(first.subquery("first"), order)


def estimate_query(shape: ListShape) -> CompoundSelect[Any]:
    """What the planner is asked before a window is read: how many active customers match,
    and how many there are (the window's customers), as two branches of one statement. The
    words are asked as ``LIKE``s: the planner estimates them from the search text's
    statistics, and ``strpos`` it could only guess."""
    active = Customer.active == true()
    return union_all(
        select(literal(1)).where(*shape.conditions(grams=False), active),
        select(literal(1)).where(*shape.conditions(search=False), active),
    )


@cache
def _prepared(shape: ListShape, kind: str, phase: bool | None, keyed: bool | None) -> Prepared:
    if kind == "estimate":
        return Prepared(estimate_query(shape), explain=True)
    if kind == "window":
        return Prepared(window_query(shape, bool(keyed)))
    if kind == "search":
        return Prepared(search_query(shape, keyed))
    return Prepared(list_query(shape, phase, bool(keyed)))


def shape_of(
    filters: CustomerFilters, sort: str | None, *, indexed: bool
) -> tuple[ListShape, dict[str, Any]]:
    """The shape of a page query and the values it binds. ``indexed``: the database has the
    grams index (PostgreSQL)."""
    q = filters.q or ""
    words = [w for w in (_word(term) for term in q.split()) if w]
    params: dict[str, Any] = {f"word{i}": _pattern(w) for i, w in enumerate(words)}
    # A word of three characters narrows the matches only in the trigram index (the grams
    # index has no gram of it): `mari sil` read every Maria through the grams index (249 ms
    # at 1,000,000 customers) and takes 13 ms through the trigram index.
    grams = indexed and all(len(w) != GRAM - 1 for w in words)
    long_words = [w for w in words if len(w) >= GRAM] if grams else []
    if long_words:
        # No gram spans the space between two words.
        params["grams"] = " ".join(_index_grams(w) for w in long_words)
        params.update((f"text{i}", w) for i, w in enumerate(words))
    number = bool(words) and _is_number(q)
    if number:
        params["number"] = int(q.strip())
    if filters.store_id is not None:
        params["store_id"] = filters.store_id
    shape = ListShape(
        words=len(words),
        number=number,
        grams=bool(long_words),
        status=filters.status,
        blocked=filters.blocked,
        store=filters.store_id is not None,
        sort=sort,
        owing=filters.owing,
    )
    return shape, params


async def list_rows(
    session: AsyncSession,
    filters: CustomerFilters,
    sort: str | None,
    after: list[Any] | None,
    limit: int,
) -> list[RowData]:
    """Up to ``limit`` rows after the keyset position ``after`` (the sort key of the last row
    of the previous page, as ``sort_key`` gives it)."""
    shape, params = shape_of(filters, sort, indexed=is_postgres(session))
    if filters.q and filters.q.split() and not shape.words:
        return []  # words that fold to nothing (symbols only) match no one
    params["limit"] = limit
    if after is not None:
        params["after_value"], params["after_id"] = after[-2], after[-1]

    async def run(kind: str, phase: bool | None, keyed: bool | None) -> list[RowData]:
        return list(await _prepared(shape, kind, phase, keyed).all(session, params))

    if shape.words:
        default = sort is None
        # A search in the default order first reads a window of the active customers in
        # order; digits go straight to the trigram index, which finds them fast.
        numeric = any(_is_digits(term) for term in (filters.q or "").split())
        if default and not numeric and shape.status != "inactive" and (after is None or after[0]):
            params["window"] = SEARCH_WINDOW
            if await window_may_fill(session, shape, params, limit):
                found = await run("window", None, after is not None)
                if len(found) == limit:
                    return found
        keyed = None if after is None else (bool(after[0]) if default else True)
        return await run("search", None, keyed)
    if sort is not None:
        return await run("list", None, after is not None)
    phases = {"active": [True], "inactive": [False]}.get(filters.status, [True, False])
    rows: list[RowData] = []
    for active in phases:
        if after is not None and after[0] is False and active is True:
            continue
        params["limit"] = limit - len(rows)
        rows += await run("list", active, after is not None and after[0] is active)
        if len(rows) >= limit:
            break
    return rows


# The planner's estimates of recent searches, kept by each worker: tills search the same
# beginnings of names all day, and an estimate only chooses between two reads that give the
# same page, so one some minutes old does no harm.
ESTIMATES_KEPT = 4_096
ESTIMATE_SECONDS = 600.0
_estimates: dict[tuple[Any, ...], tuple[float, float, float]] = {}


async def window_may_fill(
    session: AsyncSession, shape: ListShape, params: dict[str, Any], limit: int
) -> bool:
    """Whether the window is worth reading first: on PostgreSQL, whether the planner expects
    two pages of matches among the window's customers (from its statistics, in a fraction of
    a millisecond; kept ``ESTIMATE_SECONDS`` for the same search). With fewer the window
    seldom fills the page, and then both reads are paid: most searches match too few
    customers, and for them the window's 8,000 rows (3-5 ms at 1,000,000 customers) would be
    read for nothing. Elsewhere (SQLite: small data) always."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return True
    key = (shape, *(params.get(name) for name in ("number", "store_id")))
    key += tuple(params[f"word{i}"] for i in range(shape.words))
    now = time.monotonic()
    kept = _estimates.get(key)
    if kept is None or now - kept[0] >= ESTIMATE_SECONDS:
        matches, customers = await _prepared(shape, "estimate", None, None).planned_rows(
            session, params
        )
        if len(_estimates) >= ESTIMATES_KEPT:
            del _estimates[next(iter(_estimates))]  # the oldest
        kept = _estimates[key] = (now, matches, customers)
    _, matches, customers = kept
    return matches * SEARCH_WINDOW >= customers * limit * 2


def position(row: RowData, sort: str | None) -> list[Any]:
    """The keyset position of ``row`` in the order ``sort``: ``after`` of ``list_rows``."""
    if sort is None:
        return [bool(row["active"]), row["sort_name"], row["id"]]
    column, _ = SORTS[sort]
    return [row[column.key], row["id"]]


def sort_key(row: RowData, sort: str | None) -> list[Any]:
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
    integer_columns = (Customer.number, Customer.total_purchases, Customer.balance)
    if any(column is c for c in integer_columns) and _is_int(value):
        return key
    raise ValueError("not a position")


def number_asked(filters: CustomerFilters) -> int | None:
    """The customer number an all-digit ``q`` names (that customer leads the first page)."""
    q = filters.q or ""
    return int(q.strip()) if _is_number(q) else None


async def numbered_row(
    session: AsyncSession, filters: CustomerFilters, number: int
) -> RowData | None:
    """The listed customer with this number, if it passes the list's other filters."""
    shape, params = shape_of(filters, None, indexed=is_postgres(session))
    query = select(*LIST_COLUMNS).where(
        *shape.conditions(search=False), Customer.number == bindparam("number_asked")
    )
    found = (await session.execute(query, {**params, "number_asked": number})).mappings()
    row = found.first()
    return None if row is None else dict(row)


async def counts(session: AsyncSession, filters: CustomerFilters) -> dict[str, int]:
    """How many customers of the list, by the list's tabs: one pass over the matches."""
    shape, params = shape_of(filters, None, indexed=is_postgres(session))
    if filters.q and filters.q.split() and not shape.words:
        return {"active": 0, "inactive": 0, "blocked": 0, "owing": 0}
    query = select(
        func.count().filter(Customer.active == true()).label("active"),
        func.count().filter(Customer.active == false()).label("inactive"),
        func.count().filter(Customer.blocked == true()).label("blocked"),
        func.count().filter(Customer.balance < 0).label("owing"),
    ).where(*shape.conditions())
    row = (await session.execute(query, params)).mappings().one()
    return {name: int(row[name] or 0) for name in ("active", "inactive", "blocked", "owing")}


async def merged_into(session: AsyncSession, customer_id: int) -> RowMapping | None:
    """The customer a merged-away customer now lives on, following merges of merges."""
    seen = {customer_id}
    current = customer_id
    while True:
        survivor = await session.scalar(
            select(CustomerMerge.survivor_id).where(CustomerMerge.source_id == current)
        )
        if survivor is None or survivor in seen:
            break
        seen.add(survivor)
        current = survivor
    if current == customer_id:
        return None
    query = select(Customer.id, Customer.number, Customer.name).where(Customer.id == current)
    return (await session.execute(query)).mappings().one_or_none()


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


async def forget_merges_into(session: AsyncSession, customer_id: int) -> None:
    """A deleted customer is no one's survivor any more (SQLite may give its id to another)."""
    await session.execute(delete(CustomerMerge).where(CustomerMerge.survivor_id == customer_id))


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
    query = select(*LIST_COLUMNS).where(listed(), _like(Customer.search_text, phone_digits))
    return list((await session.execute(query.limit(DUPLICATE_CANDIDATES))).mappings().all())


async def with_name_tokens(session: AsyncSession, tokens: Sequence[str]) -> list[RowMapping]:
    """Candidates whose folded name holds any of ``tokens``, those holding most first."""
    matches = [
        and_(_like(Customer.search_text, token), _like(Customer.sort_name, token))
        for token in tokens
    ]
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
