"""The duplicate-cheque rule: one paper cheque (bank, branch, account, cheque number) is
recorded once, on whichever customer, by whichever route (a payment, a cheque batch, a sale).

The four fields are compared normalised (``duplicate_key``): letters and digits only, upper
case, leading zeros dropped, so ``001 / 1234 / 56789-0 / 000101`` and ``1 / 1234 / 567890 /
101`` are the same cheque. The key is stored on the cheque under a unique index, which settles
two terminals recording the same cheque at once; on PostgreSQL each key is first taken as a
transaction-level advisory lock, so the loser waits for the winner's commit and then finds its
payment to name in the 409 instead of failing on the index.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import BigInteger, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.customers.models import Customer
from custledger.kit.db import is_postgres
from custledger.kit.errors import Conflict, Unprocessable, field_error
from custledger.payments.models import Cheque, Payment

_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")

# The refusals of this rule, as the OpenAPI document shows them.
DUPLICATE_EXAMPLE = {
    "type": "cheque-duplicate",
    "title": "Cheque already recorded",
    "detail": "This cheque (bank, branch, account and number) is already recorded as payment "
    "8812 of customer 5123 (Maria Souza).",
    "payment_id": 8812,
    "customer": {"number": 5123, "name": "Maria Souza"},
    "errors": [
        {
            "field": "cheque.cheque_number",
            "location": "body",
            "message": "this cheque is already recorded",
        }
    ],
}
SAME_IN_REQUEST_EXAMPLE = {
    "type": "validation-error",
    "title": "Invalid request",
    "detail": "The same cheque appears more than once in this request.",
    "errors": [
        {
            "field": "cheques.2.cheque_number",
            "location": "body",
            "message": "the same cheque as cheques.0",
        }
    ],
}


class ChequeFields(Protocol):
    bank: str
    branch: str
    account: str
    cheque_number: str


def _part(value: str) -> str:
    return _NOT_ALNUM.sub("", value).upper().lstrip("0") or "0"


def duplicate_key(bank: str, branch: str, account: str, cheque_number: str) -> str:
    """The cheque's identity: ``"1|1234|567890|101"``."""
    return "|".join(_part(v) for v in (bank, branch, account, cheque_number))


def key_of(cheque: ChequeFields) -> str:
    return duplicate_key(cheque.bank, cheque.branch, cheque.account, cheque.cheque_number)


def _lock_id(key: str) -> int:
    digest = hashlib.sha256(f"cheque\x00{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def duplicate(
    payment_id: int, customer_number: int | None, customer_name: str, field: str
) -> Conflict:
    return Conflict(
        f"This cheque (bank, branch, account and number) is already recorded as payment "
        f"{payment_id} of customer {customer_number} ({customer_name}).",
        type="cheque-duplicate",
        title="Cheque already recorded",
        payment_id=payment_id,
        customer={"number": customer_number, "name": customer_name},
        errors=[field_error(field, "this cheque is already recorded")],
    )


def check_distinct(cheques: Sequence[tuple[str, ChequeFields]]) -> None:
    """Two rows of one request that are the same cheque: a 422 naming both (``field`` is
    the row's path, e.g. ``cheques.2`` or ``payments.1.cheque``)."""
    seen: dict[str, str] = {}
    errors = []
    for field, cheque in cheques:
        key = key_of(cheque)
        if key in seen:
            errors.append(field_error(f"{field}.cheque_number", f"the same cheque as {seen[key]}"))
        else:
            seen[key] = field
    if errors:
        raise Unprocessable(
            "The same cheque appears more than once in this request.",
            type="validation-error",
            errors=errors,
        )


_LOCK = select(func.pg_advisory_xact_lock(bindparam("lock_id", type_=BigInteger)))


async def check_new(
    session: AsyncSession,
    cheques: Sequence[tuple[str, ChequeFields]],
    *,
    except_payment: int | None = None,
) -> None:
    """Refuse (409 ``cheque-duplicate``) a cheque already recorded on another payment; the
    409 names that payment and its customer by number and name. On PostgreSQL the keys stay
    locked until the transaction ends."""
    if not cheques:
        return
    check_distinct(cheques)
    keys = {key_of(c): field for field, c in cheques}
    if is_postgres(session):
        # Sorted: two requests locking overlapping keys never deadlock.
        for key in sorted(keys):
            await session.execute(_LOCK, {"lock_id": _lock_id(key)})
    query = (
        select(Cheque.duplicate_key, Payment.id, Customer.number, Customer.name)
        .join(Payment, Payment.id == Cheque.payment_id)
        .join(Customer, Customer.id == Payment.customer_id)
        .where(Cheque.duplicate_key.in_(list(keys)))
        .order_by(Payment.id)
        .limit(1)
    )
    if except_payment is not None:
        query = query.where(Cheque.payment_id != except_payment)
    found = (await session.execute(query)).first()
    if found is not None:
        payment_id, number, name = found[1], found[2], found[3]
        raise duplicate(payment_id, number, name, f"{keys[str(found[0])]}.cheque_number")
