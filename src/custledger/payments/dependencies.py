"""The payment rules (``payments.rules``) as permission dependencies, declared on every route
that records, edits or deletes a payment, so a reader of the route sees them and OpenAPI lists
their refusals (``refusals``).

- ``PayableCustomer(Body, received_dates)``: the path's customer, locked in the request's
  transaction (404 ``customer-not-found``, 409 ``quick-sale-customer``), then rules 1 and 2 over
  the received dates the body sets (422 ``received-date-in-future``, 403
  ``backdating-not-allowed``). Gives ``Payable(customer, body)``.
- ``ReceivedDatesAllowed(Body, received_dates)``: rules 1 and 2 alone, for a route with no
  customer to judge first. Gives the body. No database.
- ``ChequeOfPayment()``: the step's body and the path's payment's cheque under its customer's
  row lock (404
  ``payment-not-found``, 412 on a stale ``If-Match``, 409 ``not-a-cheque``), for the cheque
  lifecycle's steps; the route's own permission (``PaymentsWrite``, ``SalesManage``) says who.
- ``EditablePayment(Body, received_dates)``: the path's payment read under its customer's row
  lock, judged by rule 3 (404 ``payment-not-found``, 412 on a stale ``If-Match``, 403
  ``payment-not-editable``), then rules 1 and 2 over the dates the body sets. Gives
  ``Editable(locked, body)``; ``EditablePayment()`` on a route without a body gives the locked
  payment.

A dependency that locks declares the route's body itself: FastAPI validates a dependency's own
parameters before calling it, so a malformed body is a 422 that takes no lock, and the body is
validated once. Each factory returns the same dependency for the same arguments, so FastAPI
solves it once per request.

Every one of them takes the request's ``Session`` (FastAPI solves a dependency once per request,
so it is the route's session and transaction): what a dependency locked stays locked until the
route's write commits, and a refusal rolls the whole request back, its idempotency claim too.
They run in the order the route declares them: declare ``Idempotent`` first, so a retried request
gets its stored answer whatever the rules would say now.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar

from fastapi import Depends
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.auth.dependencies import CurrentPrincipal, PaymentsWrite
from custledger.auth.principal import Principal
from custledger.customers.models import Customer
from custledger.kit.db import Session
from custledger.kit.errors import PROBLEM_JSON, problems
from custledger.kit.etag import IfMatch, check_version, expected_versions
from custledger.kit.idempotency import Idempotency, Idempotent
from custledger.kit.schemas import Id
from custledger.payments import lifecycle, service
from custledger.payments.lifecycle import LockedCheque
from custledger.payments.models import Payment
from custledger.payments.rules import (
    BACKDATING,
    FUTURE,
    NOT_EDITABLE,
    DateField,
    check_may_change,
    check_received_dates,
)
from custledger.payments.schemas import ChequeBatch, ChequeStepIn, PaymentCreate, PaymentPatch
from custledger.payments.service import LockedPayment

Body = TypeVar("Body", bound=BaseModel)


def _depends(call: Callable[..., Any], body_type: type[BaseModel] | None, **params: Any) -> Any:
    """``Depends(call)``, with the signature FastAPI reads spelled out: ``params`` maps each
    parameter to its annotation (or ``(annotation, default)``); ``body`` comes first when the
    route has one, so it is validated before ``call`` may run."""
    parameters = []
    if body_type is not None:
        parameters.append(
            inspect.Parameter("body", inspect.Parameter.KEYWORD_ONLY, annotation=body_type)
        )
    for name, spec in params.items():
        annotation, default = spec if isinstance(spec, tuple) else (spec, inspect.Parameter.empty)
        parameters.append(
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
            )
        )
    call.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return Depends(call)


# --- the customer a payment is recorded on ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Payable(Generic[Body]):
    customer: Customer
    body: Body


@cache
def PayableCustomer(
    body_type: type[Body], received_dates: Callable[[Body], Iterable[DateField]]
) -> Any:
    """A dependency giving the path's customer (``customer_id``), locked until the request's
    transaction ends, once it may receive payments, with the body once every received date
    ``received_dates`` finds in it passed rules 1 and 2."""

    async def payable_customer(
        body: Any, customer_id: int, session: AsyncSession, principal: Principal
    ) -> Payable[Any]:
        customer = await service.lock_payable_customer(session, customer_id)
        check_received_dates(principal, received_dates(body))
        return Payable(customer, body)

    return _depends(
        payable_customer, body_type, customer_id=Id, session=Session, principal=PaymentsWrite
    )


# --- rules 1 and 2 alone: the received dates a request sets -------------------------------------


@cache
def ReceivedDatesAllowed(
    body_type: type[Body], received_dates: Callable[[Body], Iterable[DateField]]
) -> Any:
    """A dependency giving the request body (parsed as ``body_type``) once every received date
    ``received_dates`` finds in it passed rules 1 and 2. Declare the body through it, in place
    of a plain body parameter: ``body: Annotated[SaleIn, ReceivedDatesAllowed(SaleIn, dates)]``,
    ``dates`` naming each date by its body field (``payments.0.received_on``)."""

    async def received_dates_allowed(body: Any, principal: Principal) -> Any:
        check_received_dates(principal, received_dates(body))
        return body

    return _depends(received_dates_allowed, body_type, principal=CurrentPrincipal)


def payment_dates(body: PaymentCreate) -> list[DateField]:
    return [("received_on", body.received_on)]


def cheque_batch_dates(body: ChequeBatch) -> list[DateField]:
    return [(f"cheques.{i}.received_on", c.received_on) for i, c in enumerate(body.cheques)]


# --- rule 3: who may edit or delete a payment ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Editable(Generic[Body]):
    locked: LockedPayment
    body: Body


@cache
def EditablePayment(
    body_type: type[Body] | None = None,
    received_dates: Callable[[Body, Payment], Iterable[DateField]] | None = None,
) -> Any:
    """A dependency giving the path's payment (``payment_id``) as stored now, under its
    customer's row lock, once the request may change it: it read the current version
    (``If-Match``, optional), rule 3 allows it, and every received date ``received_dates``
    finds in the body (given the payment as stored) passed rules 1 and 2."""

    async def editable_payment(
        payment_id: int,
        session: AsyncSession,
        principal: Principal,
        if_match: str | None = None,
        body: Any = None,
    ) -> LockedPayment | Editable[Any]:
        locked = await service.lock_payment(session, payment_id)
        check_version("payment", locked.payment.version, expected_versions(if_match))
        check_may_change(principal, locked.payment)
        if body_type is None:
            return locked
        if received_dates is not None:
            check_received_dates(principal, received_dates(body, locked.payment))
        return Editable(locked, body)

    return _depends(
        editable_payment,
        body_type,
        payment_id=Id,
        session=Session,
        principal=PaymentsWrite,
        if_match=(IfMatch, None),
    )


# --- a cheque's lifecycle step ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChequeStepping:
    locked: LockedCheque
    body: ChequeStepIn


@cache
def ChequeOfPayment() -> Any:
    """A dependency giving the path's payment's cheque (``payment_id``) as stored now, under
    its customer's row lock, with the step's body, once the request read the payment's current
    version (``If-Match``, optional): 404 ``payment-not-found``, 412, 409 ``not-a-cheque``. The
    route declares who may take the step (its permission) before it, so a refused principal
    takes no lock; a malformed body is a 422 that takes none either."""

    async def cheque_of_payment(
        body: Any,
        payment_id: int,
        session: AsyncSession,
        idempotency: Idempotency,
        if_match: str | None = None,
    ) -> ChequeStepping:
        # `idempotency` (the route's own, resolved once) is a parameter so that a malformed
        # Idempotency-Key is a 422 before the version is judged, as a malformed body is.
        del idempotency
        locked = await lifecycle.lock_cheque(session, payment_id)
        check_version("payment", locked.payment.version, expected_versions(if_match))
        return ChequeStepping(locked, body)

    return _depends(
        cheque_of_payment,
        ChequeStepIn,
        payment_id=Id,
        session=Session,
        idempotency=Idempotent,
        if_match=(IfMatch, None),
    )


def changed_received_dates(body: PaymentPatch, payment: Payment) -> list[DateField]:
    """An edit is judged by the date rules only when it sets or changes the received date."""
    if "received_on" in body.model_fields_set and body.received_on != payment.received_on:
        return [("received_on", body.received_on)]
    return []


# --- what OpenAPI shows of them -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Refusal:
    """One way a rule refuses, as the OpenAPI document shows it."""

    status: int
    type: str
    title: str
    detail: str


CUSTOMER_REFUSALS = (
    Refusal(404, "customer-not-found", "Not found", "No customer with id 12."),
    Refusal(
        409,
        "quick-sale-customer",
        "Quick-sale customer",
        "The quick-sale (walk-in) customer buys for cash only and has no receivables; record "
        "the payment on a registered customer.",
    ),
)
DATE_REFUSALS = (
    Refusal(
        422,
        FUTURE,
        "Received date in the future",
        "A payment cannot be received after today (2026-03-10, business time zone).",
    ),
    Refusal(
        403,
        BACKDATING,
        "Backdating not allowed",
        "Recording a payment as received before today needs the sales:manage or owner permission.",
    ),
)
EDIT_REFUSALS = (
    Refusal(404, "payment-not-found", "Not found", "No payment with id 345."),
    Refusal(
        412,
        "precondition-failed",
        "Precondition failed",
        "The payment was changed since you read it (it is now version 3). Reload it and apply "
        "your change again.",
    ),
    Refusal(
        403,
        NOT_EDITABLE,
        "Payment not editable",
        "Only the principal that recorded this payment, or one with the sales:manage or owner "
        "permission, may change or delete it.",
    ),
)


def refusals(*rules: Iterable[Refusal], statuses: Iterable[int] = ()) -> dict[int | str, Any]:
    """A route's ``responses=``: ``problems(...)`` for ``statuses`` and every status of
    ``rules``, each rule's problem type named in its status's description and given as an
    example."""
    listed = [refusal for group in rules for refusal in group]
    responses = problems(*statuses, *(r.status for r in listed))
    for refusal in listed:
        response = responses[refusal.status]
        response["description"] += f"; `{refusal.type}`: {refusal.title.lower()}"
        response["content"][PROBLEM_JSON].setdefault("examples", {})[refusal.type] = {
            "summary": refusal.title,
            "value": {
                "type": refusal.type,
                "title": refusal.title,
                "status": refusal.status,
                "detail": refusal.detail,
            },
        }
    return responses
