"""Payments (accounts receivable): cheques, the cheque batch, and the balance effect of every
create, edit and delete.

The payment rules (``payments.rules``) are applied before these functions run, by the permission
dependencies declared on the routes (``payments.dependencies``): a function here receives the
customer or the payment those dependencies locked and judged, in the request's transaction, and
does the writing and the arithmetic. The customer row stays locked (``balance.lock_customer``)
until the transaction ends; the balance moves through ``balance`` only (``move``, or its
statement with the payment's own rows on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from custledger.auth.principal import Principal
from custledger.balance import service as balance
from custledger.customers.models import Customer
from custledger.kit import audit, clock
from custledger.kit.db import is_postgres, utcnow
from custledger.kit.errors import Conflict, NotFound, Unprocessable, field_error, invalid
from custledger.kit.money import format_money
from custledger.kit.pagination import Page, decode_cursor, encode_cursor
from custledger.kit.text import digits
from custledger.payments import cheques, repository
from custledger.payments.models import Cheque, Payment
from custledger.payments.repository import AnyRow
from custledger.payments.schemas import (
    BatchCheque,
    ChequeBatch,
    ChequeIn,
    ChequeIssuerOut,
    ChequeOut,
    PaymentCreate,
    PaymentOut,
    PaymentPatch,
    RecordedBy,
)

CHEQUE = "CHEQUE"
CURSOR_KIND = "payments"
CHEQUE_FIELDS = (
    "predated_to",
    "issuer_tax_id",
    "issuer_name",
    "bank",
    "branch",
    "account",
    "cheque_number",
)
# The lifecycle (``payments.lifecycle``): a new cheque is held, with no step recorded yet.
CHEQUE_LIFECYCLE_FIELDS = (
    "status",
    "deposited_on",
    "deposited_by_id",
    "cleared_on",
    "cleared_by_id",
    "returned_on",
    "returned_by_id",
    "return_reason",
)
NEW_CHEQUE_LIFECYCLE: dict[str, Any] = {name: None for name in CHEQUE_LIFECYCLE_FIELDS} | {
    "status": "held"
}


# What a payment response shows of the payment row itself.
PAYMENT_OUT_FIELDS = (
    "id",
    "customer_id",
    "order_number",
    "recorded_by_id",
    "method",
    "amount",
    "due_date",
    "received_on",
    "details",
    "created_at",
    "updated_at",
    "version",
)


# --- reading -------------------------------------------------------------------------------


def to_out_cheque(row: AnyRow | SimpleNamespace) -> ChequeOut:
    """The cheque of a row that has one (the columns of ``repository._rows``)."""
    return ChequeOut(
        predated_to=row.predated_to,
        issuer_tax_id=row.issuer_tax_id,
        issuer_name=row.issuer_name,
        bank=row.bank,
        branch=row.branch,
        account=row.account,
        cheque_number=row.cheque_number,
        status=row.status,
        deposited_on=row.deposited_on,
        deposited_by_id=row.deposited_by_id,
        cleared_on=row.cleared_on,
        cleared_by_id=row.cleared_by_id,
        returned_on=row.returned_on,
        returned_by_id=row.returned_by_id,
        return_reason=row.return_reason,
    )


def to_out(row: AnyRow | SimpleNamespace) -> PaymentOut:
    cheque = None if row.cheque_id is None else to_out_cheque(row)
    return PaymentOut(
        id=row.id,
        customer_id=row.customer_id,
        order_number=row.order_number,
        recorded_by=RecordedBy(id=row.recorded_by_id, name=row.recorded_by_name),
        method=row.method,
        # The Money type parses its input as an amount, so hand it the decimal text of the
        # stored cents (an int would be read as whole units).
        amount=format_money(row.amount),
        due_date=row.due_date,
        received_on=row.received_on,
        details=row.details,
        cheque=cheque,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


async def list_payments(
    session: AsyncSession, customer_id: int, *, status: str, limit: int, cursor: str | None
) -> Page[PaymentOut]:
    key = decode_cursor(CURSOR_KIND, cursor, 1)
    before_id: int | None = None
    if key is not None:
        if not isinstance(key[0], int) or isinstance(key[0], bool):
            raise invalid("cursor", "not a cursor this list returned", "query")
        before_id = key[0]
    if not await repository.customer_exists(session, customer_id):
        raise _customer_not_found(customer_id)
    rows = await repository.list_rows(
        session, customer_id, status=status, before_id=before_id, limit=limit + 1
    )
    items = [to_out(r) for r in rows[:limit]]
    next_cursor = encode_cursor(CURSOR_KIND, [items[-1].id]) if len(rows) > limit else None
    return Page[PaymentOut](items=items, next_cursor=next_cursor)


def written_out(payment: Payment, cheque: Cheque | None, recorder_name: str) -> PaymentOut:
    """What ``get_payment`` would read back, from the objects just written (a query less on
    the busiest write)."""
    return to_out(
        SimpleNamespace(
            **{name: getattr(payment, name) for name in PAYMENT_OUT_FIELDS},
            recorded_by_name=recorder_name,
            cheque_id=None if cheque is None else cheque.id,
            **{
                name: getattr(cheque, name, None)
                for name in (*CHEQUE_FIELDS, *CHEQUE_LIFECYCLE_FIELDS)
            },
        )
    )


async def get_payment(session: AsyncSession, payment_id: int) -> PaymentOut:
    found = await repository.row(session, payment_id)
    if found is None:
        raise _payment_not_found(payment_id)
    return to_out(found)


async def get_payments(session: AsyncSession, payment_ids: Sequence[int]) -> list[PaymentOut]:
    return [to_out(r) for r in await repository.rows_by_ids(session, payment_ids)]


async def cheque_issuer(session: AsyncSession, tax_id: str) -> ChequeIssuerOut:
    """Issuer details of the latest cheque with this CPF/CNPJ (punctuation ignored)."""
    wanted = digits(tax_id)
    found = await repository.latest_issuer(session, wanted) if wanted else None
    if found is None:
        raise NotFound(
            f"No cheque has been recorded with issuer tax id {tax_id}.",
            type="cheque-issuer-not-found",
        )
    return ChequeIssuerOut(
        issuer_tax_id=found.issuer_tax_id,
        issuer_name=found.issuer_name,
        bank=found.bank,
        branch=found.branch,
        account=found.account,
    )


# --- what a write starts from: the records, locked ---------------------------------------


def _customer_not_found(customer_id: int) -> NotFound:
    return NotFound(f"No customer with id {customer_id}.", type="customer-not-found")


def _payment_not_found(payment_id: int) -> NotFound:
    return NotFound(f"No payment with id {payment_id}.", type="payment-not-found")


def _check_cheque_presence(method: str, has_cheque: bool, field: str = "cheque") -> None:
    if method == CHEQUE and not has_cheque:
        raise invalid(field, "a CHEQUE payment carries exactly one cheque")
    if method != CHEQUE and has_cheque:
        raise invalid(field, f"a {method} payment carries no cheque")


async def lock_payable_customer(session: AsyncSession, customer_id: int) -> Customer:
    """The customer a payment is recorded on, locked until the transaction ends: 404 if there
    is none, 409 ``quick-sale-customer`` for the walk-in customer (it has no receivables)."""
    try:
        customer = await balance.lock_customer(session, customer_id)
    except NotFound:
        raise _customer_not_found(customer_id) from None
    if customer.is_quick_sale:
        raise Conflict(
            "The quick-sale (walk-in) customer buys for cash only and has no receivables; "
            "record the payment on a registered customer.",
            type="quick-sale-customer",
            title="Quick-sale customer",
        )
    return customer


@dataclass(frozen=True, slots=True)
class LockedPayment:
    """A payment read as stored after its customer's row was locked, with that customer: what
    an edit or a delete starts from."""

    customer: Customer
    payment: Payment


async def lock_payment(session: AsyncSession, payment_id: int) -> LockedPayment:
    """The payment, read after locking its customer (so no other write of that customer's
    money runs until this transaction ends). A merge may move the payment to another customer
    between the two reads: then lock that one instead. 404 if there is no such payment."""
    for _attempt in range(3):
        customer_id = await repository.customer_of(session, payment_id)
        if customer_id is None:
            break
        try:
            customer = await balance.lock_customer(session, customer_id)
        except NotFound:
            continue  # merged away and deleted meanwhile: follow the payment
        payment = await repository.get_fresh(session, payment_id)
        if payment is None:
            break
        if payment.customer_id == customer.id:
            return LockedPayment(customer, payment)
    raise _payment_not_found(payment_id)


# --- audit snapshots -------------------------------------------------------------------------


def _cheque_snapshot(cheque: Cheque | None) -> dict[str, Any] | None:
    if cheque is None:
        return None
    return {
        "predated_to": cheque.predated_to.isoformat(),
        "issuer_tax_id": cheque.issuer_tax_id,
        "issuer_name": cheque.issuer_name,
        "bank": cheque.bank,
        "branch": cheque.branch,
        "account": cheque.account,
        "cheque_number": cheque.cheque_number,
        "status": cheque.status,
    }


def snapshot(payment: Payment, cheque: Cheque | None, *, whole: bool = False) -> dict[str, Any]:
    """What the audit log keeps of a payment (JSON-ready); ``whole`` adds the identity and
    timestamps, for a deletion."""
    data: dict[str, Any] = {
        "customer_id": payment.customer_id,
        "order_number": payment.order_number,
        "recorded_by_id": payment.recorded_by_id,
        "method": payment.method,
        "amount": format_money(payment.amount),
        "due_date": payment.due_date.isoformat(),
        "received_on": payment.received_on.isoformat() if payment.received_on else None,
        "details": payment.details,
        "cheque": _cheque_snapshot(cheque),
    }
    if whole:
        data = {
            "id": payment.id,
            **data,
            "version": payment.version,
            "created_at": payment.created_at.isoformat(),
            "updated_at": payment.updated_at.isoformat(),
        }
    return data


# --- the balance effect ------------------------------------------------------------------------

Effect = tuple[date, int] | None


def effect_of(received_on: date | None, amount: int) -> Effect:
    """What a payment adds to the balance: its amount on its received date; nothing if pending."""
    return None if received_on is None else (received_on, amount)


async def _rebalance(session: AsyncSession, customer: Customer, old: Effect, new: Effect) -> None:
    """Undo ``old`` and apply ``new`` (same date: one move by the difference)."""
    moves: dict[date, int] = {}
    if old is not None:
        moves[old[0]] = moves.get(old[0], 0) - old[1]
    if new is not None:
        moves[new[0]] = moves.get(new[0], 0) + new[1]
    for day, amount in moves.items():
        if amount:
            await balance.move(session, customer, day, received=amount)


# --- a cheque out of the drawer -----------------------------------------------------------

# What a payment's edit may no longer change once its cheque left the drawer: the bank has it
# (or had it), and a returned cheque's debit is its amount.
FROZEN_AFTER_DEPOSIT = ("method", "amount", "received_on", "cheque")

NOT_HELD_EXAMPLE = {
    "type": "cheque-not-held",
    "title": "Cheque no longer in the drawer",
    "detail": "This payment's cheque is deposited: its method, amount, received date and cheque "
    "can no longer change, and the payment cannot be deleted; refused: changed (amount).",
    "cheque_status": "deposited",
}


def cheque_not_held(status: str, changed: str | None = None) -> Conflict:
    """409: the payment of a cheque no longer held cannot be deleted (``changed`` None) nor
    have ``changed`` (a list of ``FROZEN_AFTER_DEPOSIT``) changed."""
    refused = "deleted" if changed is None else f"changed ({changed})"
    return Conflict(
        f"This payment's cheque is {status}: its method, amount, received date and cheque can "
        f"no longer change, and the payment cannot be deleted; refused: {refused}.",
        type="cheque-not-held",
        title="Cheque no longer in the drawer",
        cheque_status=status,
    )


# --- writing -------------------------------------------------------------------------------


async def _insert(
    session: AsyncSession,
    principal: Principal,
    customer: Customer,
    *,
    order_number: int | None,
    method: str,
    amount: int,
    due_date: date | None,
    received_on: date | None,
    details: str | None,
    cheque: ChequeIn | None,
) -> tuple[Payment, Cheque | None]:
    now = utcnow()
    values = {
        "customer_id": customer.id,
        "order_number": order_number,
        "recorded_by_id": principal.id,
        "method": method,
        "amount": amount,
        "due_date": due_date or received_on or clock.today(),
        "received_on": received_on,
        "details": details,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    # The objects are the rows as written (not in the session).
    payment = Payment(**values)
    stored_cheque = None
    cheque_values = None
    if cheque is not None:
        cheque_values = {
            "customer_id": customer.id,
            **{name: getattr(cheque, name) for name in CHEQUE_FIELDS},
            "duplicate_key": cheques.key_of(cheque),
            **NEW_CHEQUE_LIFECYCLE,
        }
        stored_cheque = Cheque(**cheque_values)
    about: audit.Fields = {
        "principal_id": principal.id,
        "action": "payment.create",
        "entity_type": "payment",
        "entity_id": None,
        "customer_id": customer.id,
        "after": snapshot(payment, stored_cheque),
    }
    effect = effect_of(received_on, amount)
    if is_postgres(session):
        # The busiest write: every row of it in one statement.
        move = None if effect is None else balance.move_values(customer, effect[0], received=amount)
        written = await repository.insert_payment_together(
            session, values, audit.entry(**about), cheque_values, move
        )
        payment.id = written["payment_id"]
        if stored_cheque is not None:
            stored_cheque.id, stored_cheque.payment_id = written["cheque_id"], payment.id
        if move is not None:
            await balance.moved(session, customer, written["balance"], move)
        return payment, stored_cheque
    payment.id = await repository.insert_payment(session, values)
    if stored_cheque is not None:
        stored_cheque.payment_id = payment.id
        session.add(stored_cheque)
        await session.flush()
    about["entity_id"] = payment.id
    await audit.record(session, **about)
    await _rebalance(session, customer, None, effect)
    return payment, stored_cheque


async def create_payment(
    session: AsyncSession, principal: Principal, customer: Customer, body: PaymentCreate
) -> PaymentOut:
    """Record one payment on ``customer`` (locked by ``lock_payable_customer``; ``body``'s
    received date passed the date rules); returns it as ``get_payment`` would."""
    _check_cheque_presence(body.method, body.cheque is not None)
    if body.cheque is not None:
        await cheques.check_new(session, [("cheque", body.cheque)])
    payment, cheque = await _insert(
        session,
        principal,
        customer,
        order_number=body.order_number,
        method=body.method,
        amount=body.amount,
        due_date=body.due_date,
        received_on=body.received_on,
        details=body.details,
        cheque=body.cheque,
    )
    return written_out(payment, cheque, principal.name)


async def record_received_today(
    session: AsyncSession,
    principal: Principal,
    customer: Customer,
    *,
    order_number: int,
    method: str,
    amount: int,
    details: str | None,
    cheque: ChequeIn | None,
) -> PaymentOut:
    """A payment taken at the till with a sale (``sales.service``): received today, for the
    sale's order, on the customer the caller has locked. The caller checks the cheque's
    presence and the duplicate rule for all the sale's cheques at once."""
    payment, stored_cheque = await _insert(
        session,
        principal,
        customer,
        order_number=order_number,
        method=method,
        amount=amount,
        due_date=None,
        received_on=clock.today(),
        details=details,
        cheque=cheque,
    )
    return written_out(payment, stored_cheque, principal.name)


def check_cheque_presence(method: str, has_cheque: bool, field: str) -> None:
    _check_cheque_presence(method, has_cheque, field)


async def create_cheque_batch(
    session: AsyncSession, principal: Principal, customer: Customer, body: ChequeBatch
) -> list[int]:
    """Record several CHEQUE payments sharing an order reference and due date on ``customer``
    (locked; every cheque's received date passed the date rules before the first is written,
    so one bad cheque saves none). Returns their ids."""
    await cheques.check_new(session, [(f"cheques.{i}", c) for i, c in enumerate(body.cheques)])
    ids = []
    for item in body.cheques:
        payment, _ = await _insert(
            session,
            principal,
            customer,
            order_number=body.order_number,
            method=CHEQUE,
            amount=item.amount,
            due_date=body.due_date,
            received_on=item.received_on,
            details=item.details,
            cheque=_cheque_of_batch_item(item),
        )
        ids.append(payment.id)
    return ids


def _cheque_of_batch_item(item: BatchCheque) -> ChequeIn:
    return ChequeIn.model_construct(**{name: getattr(item, name) for name in CHEQUE_FIELDS})


async def update_payment(
    session: AsyncSession, principal: Principal, locked: LockedPayment, body: PaymentPatch
) -> int:
    """Apply a partial change to a payment its editor may change (``locked``: judged under its
    customer's lock; a received date ``body`` sets passed the date rules); the balance follows
    the amount and received date. Returns the payment id."""
    customer, payment = locked.customer, locked.payment
    sent = body.model_fields_set

    received_on = body.received_on if "received_on" in sent else payment.received_on

    method = body.method if body.method is not None else payment.method
    stored_cheque = await repository.cheque_of(session, payment.id)
    new_cheque = _patched_cheque(method, stored_cheque, body)

    new_key = None if new_cheque is None else cheques.key_of(SimpleNamespace(**new_cheque))
    key_changed = new_key is not None and (
        stored_cheque is None or new_key != cheques.key_of(stored_cheque)
    )
    if key_changed and new_cheque is not None:
        await cheques.check_new(
            session, [("cheque", SimpleNamespace(**new_cheque))], except_payment=payment.id
        )
    before = snapshot(payment, stored_cheque)
    old_effect = effect_of(payment.received_on, payment.amount)
    amount = body.amount if body.amount is not None else payment.amount

    payment.method = method
    payment.amount = amount
    payment.received_on = received_on
    if body.due_date is not None:
        payment.due_date = body.due_date
    if "order_number" in sent:
        payment.order_number = body.order_number
    if "details" in sent:
        payment.details = body.details

    cheque = stored_cheque
    if new_cheque is None and stored_cheque is not None:
        await repository.delete_cheque(session, payment.id)
        cheque = None
    elif new_cheque is not None:
        if cheque is None:
            cheque = Cheque(payment_id=payment.id, customer_id=payment.customer_id, status="held")
            session.add(cheque)
        for name, value in new_cheque.items():
            setattr(cheque, name, value)
        if key_changed:
            cheque.duplicate_key = new_key

    after = snapshot(payment, cheque)
    if after == before:
        return payment.id  # nothing changed: no new version, no audit entry
    if stored_cheque is not None and stored_cheque.status != "held":
        frozen = [k for k in FROZEN_AFTER_DEPOSIT if before[k] != after[k]]
        if frozen:
            raise cheque_not_held(stored_cheque.status, ", ".join(frozen))
    payment.version += 1
    await session.flush()
    await _rebalance(session, customer, old_effect, effect_of(received_on, amount))
    await audit.record(
        session,
        principal_id=principal.id,
        action="payment.update",
        entity_type="payment",
        entity_id=payment.id,
        customer_id=payment.customer_id,
        before=before,
        after=after,
    )
    return payment.id


def _patched_cheque(
    method: str, stored: Cheque | None, body: PaymentPatch
) -> dict[str, Any] | None:
    """The cheque fields the payment ends with (None: no cheque), validated for the method."""
    sent = "cheque" in body.model_fields_set
    if method != CHEQUE:
        if body.cheque is not None:
            raise invalid("cheque", f"a {method} payment carries no cheque")
        return None
    if body.cheque is None and (sent or stored is None):
        raise invalid("cheque", "a CHEQUE payment carries exactly one cheque")
    merged: dict[str, Any] = {}
    if stored is not None:
        merged = {name: getattr(stored, name) for name in CHEQUE_FIELDS}
    if body.cheque is not None:
        # `ChequePatch` refuses a null field: what is set is a value.
        merged.update(body.cheque.model_dump(exclude_unset=True))
    missing = [name for name in CHEQUE_FIELDS if merged.get(name) is None]
    if missing:
        raise Unprocessable(
            "A CHEQUE payment needs a complete cheque: "
            + ", ".join(f"cheque.{name}" for name in missing)
            + " missing.",
            errors=[field_error(f"cheque.{name}", "required") for name in missing],
        )
    return merged


async def delete_payment(
    session: AsyncSession, principal: Principal, locked: LockedPayment
) -> None:
    """Delete a payment its deleter may delete (``locked``: judged under its customer's lock);
    the audit entry keeps the whole row."""
    customer, payment = locked.customer, locked.payment
    payment_id = payment.id
    cheque = await repository.cheque_of(session, payment.id)
    if cheque is not None and cheque.status != "held":
        raise cheque_not_held(cheque.status)
    before = snapshot(payment, cheque, whole=True)
    old_effect = effect_of(payment.received_on, payment.amount)
    await repository.delete_payment(session, payment.id)
    await _rebalance(session, customer, old_effect, None)
    await audit.record(
        session,
        principal_id=principal.id,
        action="payment.delete",
        entity_type="payment",
        entity_id=payment_id,
        customer_id=customer.id,
        before=before,
    )
