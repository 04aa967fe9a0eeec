"""The payment rules of DESIGN "Payments", as pure judgements, with ``privileged = sales:manage
or owner``:

1. A received date after today (business time zone) is refused for everyone: 422
   ``received-date-in-future``.
2. A received date before today, on create or when an edit sets or changes it, needs
   ``privileged``: 403 ``backdating-not-allowed``.
3. Without ``privileged``, a payment may be edited or deleted only by the principal that
   recorded it, and only while its current received date is today, later, or empty: 403
   ``payment-not-editable``.

They are applied by the permission dependencies of ``payments.dependencies``, declared on each
route that records, edits or deletes a payment; nothing else checks them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from custledger.auth.principal import Principal
from custledger.kit import clock
from custledger.kit.errors import Forbidden, Unprocessable, field_error
from custledger.payments.models import Payment

# A received date being set by a request, and the body field that sets it
# (``received_on``, ``cheques.2.received_on``, ...).
DateField = tuple[str, date | None]

FUTURE = "received-date-in-future"
BACKDATING = "backdating-not-allowed"
NOT_EDITABLE = "payment-not-editable"


def _future(field: str, received_on: date, today: date) -> dict[str, str]:
    return field_error(
        field, f"{received_on.isoformat()} is after today ({today.isoformat()}); not allowed"
    )


def _backdated(field: str, received_on: date, today: date) -> dict[str, str]:
    return field_error(
        field,
        f"{received_on.isoformat()} is before today ({today.isoformat()}); backdating needs "
        "the sales:manage or owner permission",
    )


def check_received_dates(principal: Principal, dates: Iterable[DateField]) -> None:
    """Rules 1 and 2 for each ``(field, received_on)`` being set: every offending field is
    named; future dates (422) are reported before backdating (403)."""
    today = clock.today()
    dates = list(dates)
    future = [_future(f, d, today) for f, d in dates if d is not None and d > today]
    if future:
        raise Unprocessable(
            f"A payment cannot be received after today ({today.isoformat()}, business time zone).",
            type=FUTURE,
            title="Received date in the future",
            errors=future,
        )
    if principal.privileged:
        return
    backdated = [_backdated(f, d, today) for f, d in dates if d is not None and d < today]
    if backdated:
        raise Forbidden(
            "Recording a payment as received before today needs the sales:manage or owner "
            "permission.",
            type=BACKDATING,
            title="Backdating not allowed",
            errors=backdated,
        )


def check_may_change(principal: Principal, payment: Payment) -> None:
    """Rule 3, on the payment as stored now (read under its customer's row lock)."""
    if principal.privileged:
        return
    if payment.recorded_by_id != principal.id:
        raise Forbidden(
            "Only the principal that recorded this payment, or one with the sales:manage or "
            "owner permission, may change or delete it.",
            type=NOT_EDITABLE,
            title="Payment not editable",
        )
    today = clock.today()
    if payment.received_on is not None and payment.received_on < today:
        raise Forbidden(
            f"This payment was received on {payment.received_on.isoformat()}, before today "
            f"({today.isoformat()}); changing or deleting it needs the sales:manage or owner "
            "permission.",
            type=NOT_EDITABLE,
            title="Payment not editable",
        )
