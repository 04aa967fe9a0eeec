"""The customer registry: create, read, edit under the row lock with optimistic versions,
delete only without history, search, duplicates, CSV export and the audit trail."""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.auth.principal import Principal
from custledger.balance.service import lock_customer
from custledger.customers import repository
from custledger.customers.models import Customer
from custledger.customers.repository import CustomerFilters
from custledger.customers.schemas import (
    EDITABLE_FIELDS,
    AuditEntryOut,
    CustomerCreate,
    CustomerOut,
    CustomerPatch,
    DuplicateOut,
    PrincipalRef,
    customer_out,
    duplicate_out,
    format_tax_id,
    response_values,
)
from custledger.kit import audit
from custledger.kit.db import RowData, get_database, next_number
from custledger.kit.errors import (
    Conflict,
    NotFound,
    Unprocessable,
    field_error,
    invalid,
)
from custledger.kit.etag import check_version
from custledger.kit.money import format_money
from custledger.kit.pagination import Page, decode_cursor, encode_cursor
from custledger.kit.text import digits, fold

log = logging.getLogger("custledger.customers")

ENTITY = "customer"
NUMBER_SEQUENCE = "customer_number_seq"
MONEY_COLUMNS = frozenset({"credit_limit", "balance", "credit_reserved", "total_purchases"})


def _not_found(customer_id: int) -> NotFound:
    return NotFound(f"No customer with id {customer_id}.", type="customer-not-found")


# --- what is stored besides the fields ---------------------------------------------------------


def search_text_of(customer: Customer) -> str:
    """Folded words of the searchable fields, then the digits of phone and tax id (so "3199"
    finds "(31) 99..." and "529.982" finds the CPF). Not the city: "paulo" is a name, and
    would otherwise find every customer living in São Paulo (migration 0005)."""
    fields = (customer.name, customer.trade_name, customer.contact, customer.email)
    words = [fold(v) for v in fields if v]
    numbers = [n for n in (digits(customer.phone), customer.tax_id or "") if n]
    return " ".join([*words, *numbers])


def _refresh_search_columns(customer: Customer) -> None:
    customer.sort_name = fold(customer.name)[:200]
    customer.search_text = search_text_of(customer)


def _plain(column: str, value: Any) -> Any:
    if column in MONEY_COLUMNS and value is not None:
        return format_money(value)
    return value


def snapshot(customer: Customer) -> dict[str, Any]:
    """What the audit log compares: the editable fields plus number and store."""
    values = {"number": customer.number, "store_id": customer.store_id}
    values.update({f: _plain(f, getattr(customer, f)) for f in EDITABLE_FIELDS})
    return values


def whole_row(customer: Customer) -> dict[str, Any]:
    """Every column, for the audit entry of a deletion."""
    columns = Customer.__table__.columns.keys()
    return {c: _plain(c, getattr(customer, c)) for c in columns}


def out_of(customer: Customer) -> CustomerOut:
    return customer_out({c.key: getattr(customer, c.key) for c in repository.OUT_COLUMNS})


# --- guards ------------------------------------------------------------------------------------


def _refuse_quick_sale(customer: Customer, doing: str) -> None:
    if customer.is_quick_sale:
        raise Conflict(
            f"Customer {customer.id} is a store's quick-sale (walk-in) customer; it cannot be "
            f"{doing}. It is managed with its store.",
            type="quick-sale-customer",
        )


def _tax_id_taken(tax_id: str, holder: RowMapping) -> Conflict:
    return Conflict(
        f"The tax id {format_tax_id(tax_id)} is already used by customer "
        f"#{holder['number']} ({holder['name']}).",
        type="tax-id-taken",
        existing_customer={
            "id": holder["id"],
            "number": holder["number"],
            "name": holder["name"],
        },
    )


async def _refuse_taken_tax_id(session: AsyncSession, tax_id: str, other_than: int | None) -> None:
    holder = await repository.holder_of_tax_id(session, tax_id, other_than=other_than)
    if holder is not None:
        raise _tax_id_taken(tax_id, holder)


async def _explain_integrity_error(
    session: AsyncSession, exc: IntegrityError, tax_id: str | None, other_than: int | None
) -> None:
    """A parallel request took the tax id between our check and our write: say so."""
    if tax_id:
        holder = await repository.holder_of_tax_id(session, tax_id, other_than=other_than)
        if holder is not None:
            raise _tax_id_taken(tax_id, holder) from exc


# --- reads -------------------------------------------------------------------------------------


def check_filters(filters: CustomerFilters) -> None:
    if filters.q and len(filters.q.split()) > repository.MAX_SEARCH_TERMS:
        raise invalid("q", f"at most {repository.MAX_SEARCH_TERMS} words", "query")


def _cursor_kind(sort: str | None) -> str:
    return f"customers:{sort or 'default'}"


async def list_customers(
    session: AsyncSession,
    filters: CustomerFilters,
    sort: str | None,
    cursor: str | None,
    limit: int,
) -> dict[str, Any]:
    """A page of customers: the JSON values of a ``Page[CustomerOut]``, unvalidated like
    ``get_customer`` (the POS search runs this on every keystroke pause)."""
    check_filters(filters)
    kind = _cursor_kind(sort)
    number = repository.number_asked(filters)
    if number is not None and cursor and _is_start_cursor(kind, cursor):
        return await _numbered_page(session, filters, sort, None, limit, number, first=False)
    raw = decode_cursor(kind, cursor, 3 if sort is None else 2)
    after = None
    if raw is not None:
        try:
            after = repository.parse_sort_key(sort, raw)
        except (ValueError, TypeError):
            raise invalid("cursor", "not a cursor this list returned", "query") from None
    if number is not None:
        first = raw is None
        return await _numbered_page(session, filters, sort, after, limit, number, first=first)
    rows = await repository.list_rows(session, filters, sort, after, limit + 1)
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor(kind, repository.sort_key(rows[limit - 1], sort))
    return {"items": [_listed(r) for r in rows[:limit]], "next_cursor": next_cursor}


def _start_kind(kind: str) -> str:
    return f"{kind}:after-number"


def _is_start_cursor(kind: str, cursor: str) -> bool:
    """The cursor of a first page that held only the customer of the number asked."""
    try:
        return decode_cursor(_start_kind(kind), cursor, 0) is not None
    except Unprocessable:
        return False


async def _numbered_page(
    session: AsyncSession,
    filters: CustomerFilters,
    sort: str | None,
    after: list[Any] | None,
    limit: int,
    number: int,
    *,
    first: bool,
) -> dict[str, Any]:
    """A page of an all-digit search: the customer with that number leads the first page and
    is left out of the order everywhere else, so it is listed exactly once."""
    kind = _cursor_kind(sort)
    rows = await repository.list_rows(session, filters, sort, after, limit + 2)
    in_order = [r for r in rows if r["number"] != number]
    page: list[RowData] = list(in_order)
    if first:
        numbered = next((r for r in rows if r["number"] == number), None)
        if numbered is None:
            numbered = await repository.numbered_row(session, filters, number)
        if numbered is not None:
            page.insert(0, numbered)
    next_cursor = None
    if len(page) > limit:
        last = [r for r in page[:limit] if r["number"] != number]
        next_cursor = (
            encode_cursor(kind, repository.sort_key(last[-1], sort))
            if last
            else encode_cursor(_start_kind(kind), [])
        )
    return {"items": [_listed(r) for r in page[:limit]], "next_cursor": next_cursor}


async def count_customers(session: AsyncSession, filters: CustomerFilters) -> dict[str, int]:
    """The list's tab counts (never a quick-sale customer)."""
    check_filters(filters)
    return await repository.counts(session, filters)


def _listed(row: RowData) -> dict[str, Any]:
    values = response_values(row)
    del values["sort_name"]  # read for the cursor only
    return values


async def get_customer(session: AsyncSession, customer_id: int) -> dict[str, Any]:
    """Any customer by id, a store's quick-sale customer included (the POS sells to it): the
    JSON values of a ``CustomerOut``, unvalidated (the busiest read: the row is already what
    the model would check, and the schema tests hold it to the model)."""
    row = await repository.out_row(session, customer_id)
    if row is None:
        survivor = await repository.merged_into(session, customer_id)
        if survivor is not None:
            raise NotFound(
                f"Customer {customer_id} was merged into customer #{survivor['number']} "
                f"({survivor['name']}); its records are there now.",
                type="customer-merged",
                title="Customer merged",
                merged_into={
                    "id": survivor["id"],
                    "number": survivor["number"],
                    "name": survivor["name"],
                },
            )
        raise _not_found(customer_id)
    return response_values(row)


# --- writes ------------------------------------------------------------------------------------


async def create_customer(
    session: AsyncSession, principal: Principal, body: CustomerCreate
) -> Customer:
    """A new customer of the principal's store with the next number; audited."""
    # Attribute values, not model_dump(): money must stay integer cents.
    values = {f: getattr(body, f) for f in EDITABLE_FIELDS}
    if body.tax_id:
        await _refuse_taken_tax_id(session, body.tax_id, None)
    customer = Customer(
        number=await next_number(session, NUMBER_SEQUENCE),
        store_id=principal.store_id,
        is_quick_sale=False,
        balance=0,
        credit_reserved=0,
        total_purchases=0,
        version=1,
        **values,
    )
    _refresh_search_columns(customer)
    try:
        async with session.begin_nested():
            session.add(customer)
            await session.flush()
    except IntegrityError as exc:
        await _explain_integrity_error(session, exc, body.tax_id, None)
        raise
    await audit.record(
        session,
        principal_id=principal.id,
        action="customer.create",
        entity_type=ENTITY,
        entity_id=customer.id,
        customer_id=customer.id,
        after=snapshot(customer),
    )
    return customer


async def update_customer(
    session: AsyncSession,
    principal: Principal,
    customer_id: int,
    body: CustomerPatch,
    expected_versions: frozenset[int] | None,
) -> Customer:
    """Apply the fields the body sets, under the customer's row lock, if the version the
    caller read (``If-Match``) is still current. Bumps the version when anything changed."""
    customer = await lock_customer(session, customer_id)
    _refuse_quick_sale(customer, "edited")
    check_version("customer", customer.version, expected_versions)
    changes = {k: v for k, v in body.changes().items() if getattr(customer, k) != v}
    if not changes:
        return customer
    new_tax_id = changes.get("tax_id")
    if new_tax_id:
        await _refuse_taken_tax_id(session, new_tax_id, customer.id)
    before = snapshot(customer)
    try:
        async with session.begin_nested():
            for name, value in changes.items():
                setattr(customer, name, value)
            customer.version += 1
            _refresh_search_columns(customer)
            await session.flush()
    except IntegrityError as exc:
        await _explain_integrity_error(session, exc, new_tax_id, customer.id)
        raise
    await audit.record(
        session,
        principal_id=principal.id,
        action="customer.update",
        entity_type=ENTITY,
        entity_id=customer.id,
        customer_id=customer.id,
        before=before,
        after=snapshot(customer),
    )
    return customer


def _has_history(customer: Customer) -> Conflict:
    return Conflict(
        f"Customer #{customer.number} has payments, orders or deliveries, so it cannot be "
        "deleted. Deactivate it instead (PATCH with active=false).",
        type="customer-has-history",
    )


async def delete_customer(
    session: AsyncSession,
    principal: Principal,
    customer_id: int,
    expected_versions: frozenset[int] | None,
) -> None:
    """Delete a customer that has no history at all; the audit entry keeps the whole row."""
    customer = await lock_customer(session, customer_id)
    _refuse_quick_sale(customer, "deleted")
    check_version("customer", customer.version, expected_versions)
    if await repository.has_history(session, customer.id):
        raise _has_history(customer)
    before = whole_row(customer)
    try:
        async with session.begin_nested():
            await repository.delete_monthly_totals(session, customer.id)
            await repository.forget_merges_into(session, customer.id)
            await session.delete(customer)
            await session.flush()
    except IntegrityError:
        # History written in parallel by a path that did not lock the customer.
        raise _has_history(customer) from None
    await audit.record(
        session,
        principal_id=principal.id,
        action="customer.delete",
        entity_type=ENTITY,
        entity_id=customer_id,
        customer_id=customer_id,
        before=before,
    )


# --- duplicates --------------------------------------------------------------------------------

MAX_DUPLICATES = 20
SAME_TAX_ID, SAME_PHONE, SAME_EMAIL, SAME_NAME, SIMILAR_NAME = 100, 50, 50, 40, 30
# Words that say nothing about who a person is ("Maria da Silva" ~ "Maria Silva").
_NAME_PARTICLES = frozenset({"da", "das", "de", "do", "dos", "e", "di", "du", "del", "la"})
_PHONE_MIN_DIGITS = 8


def name_tokens(name: str | None) -> set[str]:
    words = re.split(r"[^a-z0-9]+", fold(name))
    return {w for w in words if w and w not in _NAME_PARTICLES}


def name_similarity(a: set[str], b: set[str]) -> float:
    """Jaccard overlap of the folded name words."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _same_phone(a: str, b: str) -> bool:
    """Equal digits, or one ends with the other (with or without area or country code)."""
    if len(a) < _PHONE_MIN_DIGITS or len(b) < _PHONE_MIN_DIGITS:
        return False
    return a.endswith(b) or b.endswith(a)


@dataclass
class _Candidate:
    row: RowMapping
    score: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, points: int, reason: str) -> None:
        if reason not in self.reasons:
            self.score += points
            self.reasons.append(reason)


async def find_duplicates(
    session: AsyncSession,
    *,
    name: str | None,
    tax_id: str | None,
    phone: str | None,
    email: str | None,
) -> list[DuplicateOut]:
    """Likely duplicates of a prospective customer, best first: the same tax id beats the
    same phone or e-mail, which beat a similar name."""
    name, email = (name or "").strip(), (email or "").strip().lower()
    tax_digits, phone_digits = digits(tax_id), digits(phone)
    if not (name or tax_digits or phone_digits or email):
        raise Unprocessable(
            "Give at least one of name, tax_id, phone or email.",
            errors=[
                field_error(f, "give at least one of name, tax_id, phone, email", "query")
                for f in ("name", "tax_id", "phone", "email")
            ],
        )
    found: dict[int, _Candidate] = {}

    def candidate(row: RowMapping) -> _Candidate:
        return found.setdefault(row["id"], _Candidate(row))

    if tax_digits:
        for row in await repository.with_tax_id(session, tax_digits):
            candidate(row).add(SAME_TAX_ID, "same tax id")
    if len(phone_digits) >= _PHONE_MIN_DIGITS:
        # The last 8 digits are the subscriber's; match with or without area/country code.
        for row in await repository.with_phone_digits(session, phone_digits[-8:]):
            if _same_phone(digits(row["phone"]), phone_digits):
                candidate(row).add(SAME_PHONE, "same phone")
    if email:
        for row in await repository.with_email(session, email):
            candidate(row).add(SAME_EMAIL, "same email")
    wanted = name_tokens(name)
    if wanted:
        searchable = sorted(t for t in wanted if len(t) >= 3) or sorted(wanted)
        for row in await repository.with_name_tokens(session, searchable):
            theirs = name_tokens(row["name"])
            if theirs == wanted:
                candidate(row).add(SAME_NAME, "same name")
                continue
            similarity = name_similarity(wanted, theirs)
            if similarity >= 0.5:
                candidate(row).add(round(SIMILAR_NAME * similarity), "similar name")
    best = sorted(found.values(), key=lambda c: (-c.score, c.row["id"]))[:MAX_DUPLICATES]
    return [duplicate_out(c.row, c.score, c.reasons) for c in best]


# --- export ------------------------------------------------------------------------------------

EXPORT_BATCH = 1000
CSV_COLUMNS = (
    "id",
    "number",
    "name",
    "trade_name",
    "contact",
    "phone",
    "email",
    "address",
    "address_number",
    "complement",
    "neighbourhood",
    "city",
    "state",
    "postal_code",
    "country",
    "tax_id",
    "legacy_rg_ie",
    "legacy_registration",
    "notes",
    "active",
    "blocked",
    "credit_limit",
    "available_credit",
    "balance",
    "total_purchases",
    "next_invoice_date",
    "billing_instructions",
    "production",
    "store_id",
    "created_at",
    "updated_at",
    "version",
)
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def _csv_row(row: RowData) -> list[str]:
    data: dict[str, Any] = customer_out(row).model_dump(mode="json")
    return [csv_cell(data[c]) for c in CSV_COLUMNS]


async def export_csv(
    filters: CustomerFilters, sort: str | None, *, batch_size: int = EXPORT_BATCH
) -> AsyncIterator[bytes]:
    """The CSV, header first, then one chunk per keyset batch of rows.

    Runs after the request's session is closed, so it opens its own; each batch is read in a
    short transaction of its own, so a slow client never holds a connection or a snapshot.
    Memory stays at one batch whatever the number of customers.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def drain() -> bytes:
        chunk = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        return chunk

    writer.writerow(CSV_COLUMNS)
    yield drain()
    after: list[Any] | None = None
    async with get_database().sessionmaker() as session:
        while True:
            rows = await repository.list_rows(session, filters, sort, after, batch_size)
            await session.rollback()  # end the read; the connection goes back to the pool
            writer.writerows(_csv_row(row) for row in rows)
            if rows:
                yield drain()
            if len(rows) < batch_size:
                break
            after = repository.position(rows[-1], sort)


# --- audit -------------------------------------------------------------------------------------

AUDIT_CURSOR = "customer-audit"


async def audit_entries(
    session: AsyncSession, customer_id: int, cursor: str | None, limit: int
) -> Page[AuditEntryOut]:
    """The audit trail about a customer, newest first. It outlives the customer: the entries
    of a merged or deleted customer stay readable by its old id."""
    raw = decode_cursor(AUDIT_CURSOR, cursor, 1)
    before_id = None
    if raw is not None:
        if not isinstance(raw[0], int) or isinstance(raw[0], bool):
            raise invalid("cursor", "not a cursor this list returned", "query")
        before_id = raw[0]
    rows = await repository.audit_page(session, customer_id, before_id, limit + 1)
    if not rows and before_id is None and not await repository.exists(session, customer_id):
        raise _not_found(customer_id)
    items = [
        AuditEntryOut(
            id=r["id"],
            occurred_at=r["occurred_at"],
            action=r["action"],
            entity_type=r["entity_type"],
            entity_id=r["entity_id"],
            customer_id=r["customer_id"],
            principal=None
            if r["principal_id"] is None
            else PrincipalRef(id=r["principal_id"], name=r["principal_name"] or ""),
            changes=r["changes"],
            request_id=r["request_id"],
        )
        for r in rows[:limit]
    ]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor(AUDIT_CURSOR, [rows[limit - 1]["id"]])
    return Page(items=items, next_cursor=next_cursor)
