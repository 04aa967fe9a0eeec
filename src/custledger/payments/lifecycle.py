"""The cheque lifecycle: a cheque is ``held`` (in the drawer) until deposited, then ``cleared``
(the bank paid it) or ``returned`` (it bounced). Decision: docs/decisions/cheques.md.

The transitions, all others refused with 409 ``cheque-status-conflict``:

    held ──deposit──► deposited ──clear──► cleared
                          └─────return───► returned

Dates (``on``, default today): never after today (422 ``cheque-date-in-future``); a deposit never
before the cheque's pre-dated day nor its payment's received date, a clearing or a return never
before the deposit (422 ``cheque-date-too-early``).

A return keeps the payment (history is never rewritten) and adds a debit of the cheque's amount
on the return date: the balance and the month's totals move by it under the customer's row lock
(``balance.move(returned=...)``), and the statement shows a ``returned_cheque`` row. Only a
received payment's cheque can be returned (a pending one never counted: 409
``cheque-not-received``), and not the quick-sale customer's (409 ``quick-sale-customer``: it has
no receivables).

Who may take each step is declared on the routes (``payments:write``; ``sales:manage`` for a
return); the routes' dependency locks the cheque's customer and reads the cheque under that lock
(``payments.dependencies.ChequeOfPayment``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from custledger.auth.principal import Principal
from custledger.balance import service as balance
from custledger.customers.models import Customer
from custledger.kit import audit, clock
from custledger.kit.errors import Conflict, Unprocessable, field_error, invalid
from custledger.kit.money import format_money
from custledger.kit.pagination import Page, decode_cursor, encode_cursor
from custledger.payments import repository
from custledger.payments.models import Cheque, Payment
from custledger.payments.schemas import (
    ChequeCustomer,
    ChequeListItem,
    ChequeStatus,
    ChequeStep,
    ChequeStepIn,
)
from custledger.payments.service import lock_payment, to_out_cheque


@dataclass(frozen=True, slots=True)
class Step:
    source: ChequeStatus
    target: ChequeStatus
    verb: str


STEPS: dict[ChequeStep, Step] = {
    "deposit": Step("held", "deposited", "deposited"),
    "clear": Step("deposited", "cleared", "cleared"),
    "return": Step("deposited", "returned", "returned"),
}

STATUS_CONFLICT = "cheque-status-conflict"
NOT_A_CHEQUE = "not-a-cheque"
NOT_RECEIVED = "cheque-not-received"
DATE_IN_FUTURE = "cheque-date-in-future"
DATE_TOO_EARLY = "cheque-date-too-early"

# The refusals of the lifecycle, as the OpenAPI document shows them.
STATUS_CONFLICT_EXAMPLE = {
    "type": STATUS_CONFLICT,
    "title": "Cheque status does not allow this",
    "detail": "This cheque is cleared; only a deposited cheque can be returned.",
    "cheque_status": "cleared",
}
NOT_A_CHEQUE_EXAMPLE = {
    "type": NOT_A_CHEQUE,
    "title": "Not a cheque",
    "detail": "Payment 345 is a PIX payment; only a cheque has a lifecycle.",
}
NOT_RECEIVED_EXAMPLE = {
    "type": NOT_RECEIVED,
    "title": "Cheque payment pending",
    "detail": "Payment 345 is pending (no received date): it never counted in the balance, so "
    "there is nothing to debit. Record it as received first, or delete it.",
}
QUICK_SALE_EXAMPLE = {
    "type": "quick-sale-customer",
    "title": "Quick-sale customer",
    "detail": "This cheque was taken in a walk-in sale: the quick-sale customer has no "
    "receivables. Record the debt on the registered customer who owes it.",
}
DATE_IN_FUTURE_EXAMPLE = {
    "type": DATE_IN_FUTURE,
    "title": "Date in the future",
    "detail": "A cheque cannot be returned after today (2026-03-10, business time zone).",
    "errors": [{"field": "on", "location": "body", "message": "2026-03-11 is after today"}],
}
DATE_TOO_EARLY_EXAMPLE = {
    "type": DATE_TOO_EARLY,
    "title": "Date too early",
    "detail": "A cheque cannot be returned before it was deposited (2026-03-02).",
    "errors": [{"field": "on", "location": "body", "message": "2026-03-01 is before 2026-03-02"}],
}


@dataclass(frozen=True, slots=True)
class LockedCheque:
    """A cheque with its payment and customer, read under the customer's row lock."""

    customer: Customer
    payment: Payment
    cheque: Cheque


async def lock_cheque(session: AsyncSession, payment_id: int) -> LockedCheque:
    """The payment's cheque, read after locking its customer: 404 ``payment-not-found``,
    409 ``not-a-cheque``."""
    locked = await lock_payment(session, payment_id)
    cheque = await repository.cheque_of(session, payment_id)
    if cheque is None:
        raise Conflict(
            f"Payment {payment_id} is a {locked.payment.method} payment; only a cheque has a "
            "lifecycle.",
            type=NOT_A_CHEQUE,
            title="Not a cheque",
        )
    return LockedCheque(locked.customer, locked.payment, cheque)


def _status_conflict(cheque: Cheque, step: ChequeStep) -> Conflict:
    wanted = STEPS[step]
    return Conflict(
        f"This cheque is {cheque.status}; only a {wanted.source} cheque can be {wanted.verb}.",
        type=STATUS_CONFLICT,
        title="Cheque status does not allow this",
        cheque_status=cheque.status,
    )


def _earliest(locked: LockedCheque, step: ChequeStep) -> tuple[date, str]:
    """The earliest date the step may bear, and what it is."""
    cheque, payment = locked.cheque, locked.payment
    if step == "deposit":
        earliest, what = cheque.predated_to, "its pre-dated day"
        if payment.received_on is not None and payment.received_on > earliest:
            earliest, what = payment.received_on, "it was received"
        return earliest, what
    assert cheque.deposited_on is not None
    return cheque.deposited_on, "it was deposited"


def check_date(locked: LockedCheque, step: ChequeStep, on: date) -> None:
    today = clock.today()
    verb = STEPS[step].verb
    if on > today:
        raise Unprocessable(
            f"A cheque cannot be {verb} after today ({today.isoformat()}, business time zone).",
            type=DATE_IN_FUTURE,
            title="Date in the future",
            errors=[field_error("on", f"{on.isoformat()} is after today ({today.isoformat()})")],
        )
    earliest, what = _earliest(locked, step)
    if on < earliest:
        raise Unprocessable(
            f"A cheque cannot be {verb} before {what} ({earliest.isoformat()}).",
            type=DATE_TOO_EARLY,
            title="Date too early",
            errors=[field_error("on", f"{on.isoformat()} is before {earliest.isoformat()}")],
        )


def _state(cheque: Cheque) -> dict[str, Any]:
    return {
        "status": cheque.status,
        "deposited_on": None if cheque.deposited_on is None else cheque.deposited_on.isoformat(),
        "cleared_on": None if cheque.cleared_on is None else cheque.cleared_on.isoformat(),
        "returned_on": None if cheque.returned_on is None else cheque.returned_on.isoformat(),
        "return_reason": cheque.return_reason,
    }


async def take_step(
    session: AsyncSession,
    principal: Principal,
    locked: LockedCheque,
    step: ChequeStep,
    body: ChequeStepIn,
) -> None:
    """Move the cheque one step (``locked`` under its customer's row lock; the route checked who
    may); a return debits the balance on its date. Audited as ``cheque.<step>``."""
    cheque, payment, customer = locked.cheque, locked.payment, locked.customer
    if cheque.status != STEPS[step].source:
        raise _status_conflict(cheque, step)
    if step == "return":
        if customer.is_quick_sale:
            raise Conflict(
                QUICK_SALE_EXAMPLE["detail"],
                type="quick-sale-customer",
                title="Quick-sale customer",
            )
        if payment.received_on is None:
            raise Conflict(
                f"Payment {payment.id} is pending (no received date): it never counted in the "
                "balance, so there is nothing to debit. Record it as received first, or delete "
                "it.",
                type=NOT_RECEIVED,
                title="Cheque payment pending",
            )
    on = body.on or clock.today()
    check_date(locked, step, on)
    before = _state(cheque)
    cheque.status = STEPS[step].target
    if step == "deposit":
        cheque.deposited_on, cheque.deposited_by_id = on, principal.id
    elif step == "clear":
        cheque.cleared_on, cheque.cleared_by_id = on, principal.id
    else:
        cheque.returned_on, cheque.returned_by_id = on, principal.id
        cheque.return_reason = body.reason
    # The payment's read shows its cheque: a step is a new version of it (its ETag changes).
    payment.version += 1
    await session.flush()
    if step == "return":
        await balance.move(session, customer, on, returned=payment.amount)
    await audit.record(
        session,
        principal_id=principal.id,
        action=f"cheque.{step}",
        entity_type="payment",
        entity_id=payment.id,
        customer_id=customer.id,
        before=before,
        after=_state(cheque),
        extra=None if body.reason is None else {"reason": body.reason},
    )


# --- the list --------------------------------------------------------------------------------

CURSOR_KIND = "cheques"


def _cursor_key(cursor: str | None) -> tuple[date, int] | None:
    key = decode_cursor(CURSOR_KIND, cursor, 2)
    if key is None:
        return None
    try:
        day, payment_id = key
        if not isinstance(day, str) or type(payment_id) is not int:
            raise ValueError
        if not 0 <= payment_id < 2**63:
            raise ValueError
        return date.fromisoformat(day), payment_id
    except ValueError:
        raise invalid("cursor", "not a cursor this list returned", "query") from None


async def list_cheques(
    session: AsyncSession,
    *,
    filters: repository.ChequeFilters,
    limit: int,
    cursor: str | None,
) -> Page[ChequeListItem]:
    """Cheques oldest pre-dated day first (then by payment id), filtered."""
    if (
        filters.returned_from is not None
        and filters.returned_to is not None
        and filters.returned_from > filters.returned_to
    ):
        raise invalid("returned_from", "must not be after `returned_to`", "query")
    rows = await repository.cheque_rows(
        session, filters, after=_cursor_key(cursor), limit=limit + 1
    )
    items = [
        ChequeListItem(
            payment_id=row.id,
            customer=ChequeCustomer(
                id=row.customer_id, number=row.customer_number, name=row.customer_name
            ),
            store_id=row.store_id,
            amount=format_money(row.amount),
            received_on=row.received_on,
            cheque=to_out_cheque(row),
        )
        for row in rows[:limit]
    ]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor(CURSOR_KIND, [last.predated_to.isoformat(), last.id])
    return Page[ChequeListItem](items=items, next_cursor=next_cursor)
