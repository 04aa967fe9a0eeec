"""Payments (accounts receivable) over HTTP: parse, call the service, shape the response.

Every route that records, edits or deletes a payment declares the payment rules it is under
(``payments.dependencies``), after ``Idempotent`` where it takes one.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Response

from custledger.auth.dependencies import PaymentsRead, PaymentsWrite, SalesManage
from custledger.auth.principal import Principal
from custledger.kit.db import Session
from custledger.kit.errors import problems, with_examples
from custledger.kit.etag import etag
from custledger.kit.idempotency import Idempotency, Idempotent
from custledger.kit.pagination import Cursor, Page, limit_query
from custledger.kit.routes import api_router
from custledger.kit.schemas import MAX_ID, Id, IsoDate
from custledger.payments import cheques, lifecycle, service
from custledger.payments.dependencies import (
    CUSTOMER_REFUSALS,
    DATE_REFUSALS,
    EDIT_REFUSALS,
    ChequeOfPayment,
    ChequeStepping,
    Editable,
    EditablePayment,
    Payable,
    PayableCustomer,
    changed_received_dates,
    cheque_batch_dates,
    payment_dates,
    refusals,
)
from custledger.payments.repository import ChequeFilters
from custledger.payments.schemas import (
    ChequeBatch,
    ChequeIssuerOut,
    ChequeListItem,
    ChequeStatus,
    ChequeStep,
    PaymentBatchOut,
    PaymentCreate,
    PaymentOut,
    PaymentPatch,
    StatusFilter,
)
from custledger.payments.service import LockedPayment

router = api_router(tags=["payments"])


@router.get(
    "/customers/{customer_id}/payments",
    operation_id="payments-list",
    responses=problems(403, 404),
)
async def list_payments(
    customer_id: Id,
    session: Session,
    _principal: PaymentsRead,
    status: Annotated[
        StatusFilter,
        Query(description="`received`: with a received date; `pending`: without one."),
    ] = "all",
    limit: Annotated[int, limit_query(20, 100)] = 20,
    cursor: Cursor = None,
) -> Page[PaymentOut]:
    """The customer's payments, newest first (20 a page by default)."""
    return await service.list_payments(
        session, customer_id, status=status, limit=limit, cursor=cursor
    )


@router.post(
    "/customers/{customer_id}/payments",
    status_code=201,
    response_model=PaymentOut,
    operation_id="payments-create",
    responses=with_examples(
        refusals(CUSTOMER_REFUSALS, DATE_REFUSALS, statuses=[403, 409]),
        409,
        cheques.DUPLICATE_EXAMPLE,
    ),
)
async def create_payment(
    customer_id: Id,
    session: Session,
    principal: PaymentsWrite,
    idem: Idempotent,
    payable: Annotated[Payable[PaymentCreate], PayableCustomer(PaymentCreate, payment_dates)],
) -> Response:
    """Record one payment. A received payment raises the balance; a pending one (no
    `received_on`) does not. Honours `Idempotency-Key`."""
    payment = await service.create_payment(session, principal, payable.customer, payable.body)
    return await idem.respond(
        payment,
        status_code=201,
        headers={"Location": f"/api/v1/payments/{payment.id}", "ETag": etag(payment.version)},
        customer_id=customer_id,
    )


@router.post(
    "/customers/{customer_id}/payments/cheque-batch",
    status_code=201,
    response_model=PaymentBatchOut,
    operation_id="payments-cheque-batch",
    responses=with_examples(
        with_examples(
            refusals(CUSTOMER_REFUSALS, DATE_REFUSALS, statuses=[403, 409]),
            409,
            cheques.DUPLICATE_EXAMPLE,
        ),
        422,
        cheques.SAME_IN_REQUEST_EXAMPLE,
    ),
)
async def create_cheque_batch(
    customer_id: Id,
    session: Session,
    principal: PaymentsWrite,
    idem: Idempotent,
    payable: Annotated[Payable[ChequeBatch], PayableCustomer(ChequeBatch, cheque_batch_dates)],
) -> Response:
    """Record 1 to 50 cheques sharing an order reference and due date: all or none. A bad
    cheque is named in `errors` as `cheques.N.<field>`. Honours `Idempotency-Key`."""
    ids = await service.create_cheque_batch(session, principal, payable.customer, payable.body)
    items = await service.get_payments(session, ids)
    return await idem.respond(
        PaymentBatchOut(items=items), status_code=201, customer_id=customer_id
    )


@router.get(
    "/payments/{payment_id}",
    operation_id="payments-get",
    responses=problems(403, 404),
)
async def get_payment(
    payment_id: Id, session: Session, _principal: PaymentsRead, response: Response
) -> PaymentOut:
    """One payment, with its version as `ETag`."""
    payment = await service.get_payment(session, payment_id)
    response.headers["ETag"] = etag(payment.version)
    return payment


@router.patch(
    "/payments/{payment_id}",
    operation_id="payments-update",
    responses=with_examples(
        refusals(EDIT_REFUSALS, DATE_REFUSALS, statuses=[403, 409]),
        409,
        cheques.DUPLICATE_EXAMPLE,
        service.NOT_HELD_EXAMPLE,
    ),
)
async def update_payment(
    payment_id: Id,
    session: Session,
    principal: PaymentsWrite,
    change: Annotated[
        Editable[PaymentPatch], EditablePayment(PaymentPatch, changed_received_dates)
    ],
    response: Response,
) -> PaymentOut:
    """Change a payment under the payment rules; the balance follows. `If-Match` optional."""
    await service.update_payment(session, principal, change.locked, change.body)
    payment = await service.get_payment(session, payment_id)
    response.headers["ETag"] = etag(payment.version)
    return payment


@router.delete(
    "/payments/{payment_id}",
    status_code=204,
    operation_id="payments-delete",
    responses=with_examples(
        refusals(EDIT_REFUSALS, statuses=[403, 409]), 409, service.NOT_HELD_EXAMPLE
    ),
)
async def delete_payment(
    payment_id: Id,
    session: Session,
    principal: PaymentsWrite,
    locked: Annotated[LockedPayment, EditablePayment()],
) -> Response:
    """Delete a payment under the payment rules; the audit log keeps the whole row."""
    await service.delete_payment(session, principal, locked)
    return Response(status_code=204)


@router.get(
    "/cheque-issuers/{tax_id}",
    operation_id="cheque-issuers-get",
    responses=problems(403, 404),
)
async def get_cheque_issuer(
    tax_id: Annotated[str, Path(max_length=32, description="CPF or CNPJ; punctuation is ignored.")],
    session: Session,
    _principal: PaymentsRead,
) -> ChequeIssuerOut:
    """Auto-fill: the issuer details of the most recent cheque with this tax id."""
    return await service.cheque_issuer(session, tax_id)


# --- the cheque lifecycle (payments/lifecycle.py) --------------------------------------------

_STEP_REFUSALS = with_examples(
    with_examples(
        refusals(EDIT_REFUSALS[:2], statuses=[403, 409]),
        409,
        lifecycle.NOT_A_CHEQUE_EXAMPLE,
        lifecycle.STATUS_CONFLICT_EXAMPLE,
    ),
    422,
    lifecycle.DATE_IN_FUTURE_EXAMPLE,
    lifecycle.DATE_TOO_EARLY_EXAMPLE,
)
_RETURN_REFUSALS = with_examples(
    with_examples(
        refusals(EDIT_REFUSALS[:2], statuses=[403, 409]),
        409,
        lifecycle.NOT_A_CHEQUE_EXAMPLE,
        lifecycle.STATUS_CONFLICT_EXAMPLE,
        lifecycle.NOT_RECEIVED_EXAMPLE,
        lifecycle.QUICK_SALE_EXAMPLE,
    ),
    422,
    lifecycle.DATE_IN_FUTURE_EXAMPLE,
    lifecycle.DATE_TOO_EARLY_EXAMPLE,
)


async def _step(
    session: Session,
    principal: Principal,
    idem: Idempotency,
    stepping: ChequeStepping,
    step: ChequeStep,
) -> Response:
    locked = stepping.locked
    await lifecycle.take_step(session, principal, locked, step, stepping.body)
    payment = await service.get_payment(session, locked.payment.id)
    return await idem.respond(
        payment, headers={"ETag": etag(payment.version)}, customer_id=locked.customer.id
    )


@router.post(
    "/cheques/{payment_id}/deposit",
    response_model=PaymentOut,
    operation_id="cheques-deposit",
    responses=_STEP_REFUSALS,
)
async def deposit_cheque(
    payment_id: Id,
    session: Session,
    idem: Idempotent,
    principal: PaymentsWrite,
    stepping: Annotated[ChequeStepping, ChequeOfPayment()],
) -> Response:
    """Record that a held cheque was deposited at the bank (`on`, default today; never before
    its pre-dated day). Answers the payment with its cheque. `If-Match` optional; honours
    `Idempotency-Key`."""
    return await _step(session, principal, idem, stepping, "deposit")


@router.post(
    "/cheques/{payment_id}/clear",
    response_model=PaymentOut,
    operation_id="cheques-clear",
    responses=_STEP_REFUSALS,
)
async def clear_cheque(
    payment_id: Id,
    session: Session,
    idem: Idempotent,
    principal: PaymentsWrite,
    stepping: Annotated[ChequeStepping, ChequeOfPayment()],
) -> Response:
    """Record that the bank paid a deposited cheque. `If-Match` optional; honours
    `Idempotency-Key`."""
    return await _step(session, principal, idem, stepping, "clear")


@router.post(
    "/cheques/{payment_id}/return",
    response_model=PaymentOut,
    operation_id="cheques-return",
    responses=_RETURN_REFUSALS,
)
async def return_cheque(
    payment_id: Id,
    session: Session,
    idem: Idempotent,
    principal: SalesManage,
    stepping: Annotated[ChequeStepping, ChequeOfPayment()],
) -> Response:
    """Record that a deposited cheque came back unpaid (`sales:manage`). Its payment stays; a
    `returned_cheque` debit of its amount, dated `on`, lowers the balance. `If-Match`
    optional; honours `Idempotency-Key`."""
    return await _step(session, principal, idem, stepping, "return")


@router.get(
    "/cheques",
    operation_id="cheques-list",
    responses=problems(403),
)
async def list_cheques(
    session: Session,
    _principal: PaymentsRead,
    status: Annotated[
        ChequeStatus | None, Query(description="Only cheques in this status.", examples=["held"])
    ] = None,
    predated_to_before: Annotated[
        IsoDate | None,
        Query(
            description="Only cheques pre-dated to this day or earlier (inclusive): with "
            "`status=held` and today, the cheques to deposit.",
            examples=["2026-03-10"],
        ),
    ] = None,
    store_id: Annotated[
        int | None,
        Query(ge=1, le=MAX_ID, description="Only cheques of this store's customers.", examples=[1]),
    ] = None,
    customer_id: Annotated[
        int | None,
        Query(ge=1, le=MAX_ID, description="Only this customer's cheques.", examples=[12]),
    ] = None,
    returned_from: Annotated[
        IsoDate | None,
        Query(description="Only cheques returned on or after this day.", examples=["2026-03-01"]),
    ] = None,
    returned_to: Annotated[
        IsoDate | None,
        Query(description="Only cheques returned on or before this day.", examples=["2026-03-31"]),
    ] = None,
    limit: Annotated[int, limit_query(50, 200)] = 50,
    cursor: Cursor = None,
) -> Page[ChequeListItem]:
    """Cheques, oldest pre-dated day first (then by payment id), with their payment and
    customer: e.g. `status=held&predated_to_before=<today>` (to deposit),
    `status=returned&returned_from=2026-03-01&returned_to=2026-03-31` (returned in March)."""
    filters = ChequeFilters(
        status=status,
        predated_to_before=predated_to_before,
        store_id=store_id,
        customer_id=customer_id,
        returned_from=returned_from,
        returned_to=returned_to,
    )
    return await lifecycle.list_cheques(session, filters=filters, limit=limit, cursor=cursor)
